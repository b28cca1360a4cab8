import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { RunStore, scoreToNumber } from "../../src/store/run-store.js";
import { tempDir } from "../helpers/cli.js";
import { manifest, result } from "./fixtures.js";

describe("run store", () => {
  test("results are committed by flush, re-writes replace rather than duplicate, reopening sees them", () => {
    const path = join(tempDir(), "s.db");
    const store = new RunStore(path);
    store.createRun(manifest);
    assert.throws(() => store.createRun(manifest), /already exists/);
    store.addResult("r", result("a"));
    store.addResult("r", result("b", { error: "boom", scores: {} }));
    store.flush();
    store.addResult("r", result("b"));
    store.close();
    const again = new RunStore(path);
    assert.deepEqual(again.countSamples("r"), { total: 2, errors: 0 });
    assert.deepEqual([...again.finishedKeys("r")].sort(), ["a\u00001", "b\u00001"]);
    assert.equal(again.scoresFor("r").length, 2);
    again.close();
  });

  test("inlined images are stored once by hash and referenced from the sample", () => {
    const store = new RunStore(join(tempDir(), "b.db"));
    store.createRun(manifest);
    const png = Buffer.alloc(600, 7).toString("base64");
    const input = [{ role: "user", content: [{ type: "image", image: `data:image/png;base64,${png}` }] }];
    store.addResult("r", result("a", { input }));
    store.addResult("r", result("b", { input }));
    store.flush();
    assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM blobs").get() as { n: number }).n, 1);
    const rows = [...store.iterateSamples("r")];
    const ref = JSON.stringify(rows[0]!.input);
    assert.ok(!ref.includes(png), "base64 data is not duplicated in the row");
    const hash = /assay-blob:([0-9a-f]{64})/.exec(ref)![1]!;
    assert.equal(store.getBlob(hash)!.data.length, 600);
    store.close();
  });

  test("cache entries round-trip and never carry the cached flag", () => {
    const store = new RunStore(join(tempDir(), "c.db"));
    store.put("k", { text: "hello", latencyMs: 3, cached: true });
    store.flush();
    assert.deepEqual(store.get("k"), { text: "hello", latencyMs: 3 });
    assert.equal(store.get("missing"), undefined);
    store.close();
  });

  test("run ids resolve by unique prefix", () => {
    const store = new RunStore(join(tempDir(), "p.db"));
    store.createRun({ ...manifest, runId: "alpha-1" });
    store.createRun({ ...manifest, runId: "alpha-2" });
    assert.equal(store.requireRun("alpha-1").id, "alpha-1");
    assert.throws(() => store.requireRun("alpha"), /ambiguous/);
    assert.throws(() => store.requireRun("beta"), /no run "beta"/);
    store.close();
  });

  test("score values have a numeric view", () => {
    assert.equal(scoreToNumber(true), 1);
    assert.equal(scoreToNumber("C"), 1);
    assert.equal(scoreToNumber("I"), 0);
    assert.equal(scoreToNumber("P"), 0.5);
    assert.equal(scoreToNumber("4"), 4);
    assert.equal(scoreToNumber("yes"), null);
    assert.equal(scoreToNumber(Number.NaN), null);
  });
});
