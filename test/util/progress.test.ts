import assert from "node:assert/strict";
import { test } from "node:test";
import { formatBytes } from "../../src/util/progress.js";

test("formatBytes: whole bytes below 1 KB (rates are fractional), one decimal above", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(347.826), "348 B");
  assert.equal(formatBytes(1023.4), "1023 B");
  assert.equal(formatBytes(1536), "1.5 KB");
  assert.equal(formatBytes(3 * 1024 ** 3), "3.0 GB");
});
