/** Anthropic's rate-limit headers give the wait of a 429 that has no retry-after. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { rateLimitResetMs } from "../../src/providers/anthropic.js";

test("the latest reset among exhausted limits; none when nothing is exhausted", () => {
  const now = Date.parse("2026-12-05T12:00:00Z");
  const headers = {
    "anthropic-ratelimit-requests-remaining": "0",
    "anthropic-ratelimit-requests-reset": "2026-12-05T12:00:05Z",
    "anthropic-ratelimit-output-tokens-remaining": "0",
    "anthropic-ratelimit-output-tokens-reset": "2026-12-05T12:00:20Z",
    "anthropic-ratelimit-input-tokens-remaining": "1500",
    "anthropic-ratelimit-input-tokens-reset": "2026-12-05T12:01:00Z",
  };
  assert.equal(rateLimitResetMs(headers, now), 20_000);
  assert.equal(rateLimitResetMs({ "anthropic-ratelimit-requests-remaining": "3" }, now), undefined);
  assert.equal(
    rateLimitResetMs(
      { "anthropic-ratelimit-tokens-remaining": "0", "anthropic-ratelimit-tokens-reset": "bogus" },
      now,
    ),
    undefined,
  );
});
