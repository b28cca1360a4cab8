import assert from "node:assert/strict";
import { test } from "node:test";
import { formatBytes, Progress } from "../../src/util/progress.js";

test("formatBytes: whole bytes below 1 KB (rates are fractional), one decimal above", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(347.826), "348 B");
  assert.equal(formatBytes(1023.4), "1023 B");
  assert.equal(formatBytes(1536), "1.5 KB");
  assert.equal(formatBytes(3 * 1024 ** 3), "3.0 GB");
});

test("the ETA comes before the detail, so an 80-column terminal keeps it", async () => {
  const p = new Progress({
    label: "qa qa-20261205-112233-ab12",
    total: 800,
    unit: "samples",
    mode: "silent",
  });
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 120; i++) p.tick();
  p.setDetail(
    "in flight 16 · limit 16 · retries 3 (429: 2) · errors 1 · cached 40 · tokens 123456 · judge calls 360",
  );
  const line = p.line();
  p.finish();
  assert.ok(line.indexOf("ETA") < line.indexOf("in flight"), line);
  assert.ok(line.slice(0, 79).includes("ETA"), `ETA cut at 80 columns: ${line}`);
});
