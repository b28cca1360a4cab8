import assert from "node:assert/strict";
import { test } from "node:test";
import { costOf, parsePricing } from "../../src/llmeval-med/pricing.js";
import { UserError } from "../../src/util/errors.js";

test("pricing: dollars per million tokens per role; unknown models get no cost; bad files name the field", () => {
  const p = parsePricing('{"openai/gpt-4o": {"input": 2.5, "output": 10}}', "prices.json");
  // 29 370 input and 14 685 output tokens: 29370 × 2.5 / 1e6 + 14685 × 10 / 1e6 = 0.073425 + 0.14685.
  assert.equal(costOf(p, "openai/gpt-4o", 29370, 14685)?.toFixed(6), "0.220275");
  assert.equal(costOf(p, "openai/other", 1000, 1000), undefined);
  assert.equal(costOf(p, null, 1000, 1000), undefined);
  assert.throws(
    () => parsePricing('{"m": {"input": 1}}', "prices.json"),
    (e: unknown) => e instanceof UserError && /prices\.json: "m": field "output"/.test(e.message),
  );
  assert.throws(() => parsePricing("[1]", "prices.json"), UserError);
});
