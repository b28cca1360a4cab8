import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { scoreToNumber } from "../../src/store/run-store.js";
import { backends } from "./backends.js";
import { manifest, result } from "./fixtures.js";

for (const b of backends)
  describe(`run store (${b.name})`, { skip: b.skip }, () => {
    test("results are committed by flush, re-writes replace rather than duplicate, reopening sees them", () => {
      const path = b.fresh("s");
      const store = b.open(path);
      store.createRun(manifest);
      assert.throws(() => store.createRun({ ...manifest, configHash: "other" }), /already exists/);
      // The same run again: SQLite refuses (one runner per run); PostgreSQL joins it (shared runs).
      if (b.name === "sqlite") assert.throws(() => store.createRun(manifest), /already exists/);
      else store.createRun(manifest);
      store.addResult("r", result("a"));
      store.addResult("r", result("b", { error: "boom", scores: {} }));
      store.flush();
      store.addResult("r", result("b"));
      store.close();
      const again = b.open(path);
      assert.deepEqual(again.countSamples("r"), { total: 2, errors: 0 });
      assert.deepEqual([...again.finishedKeys("r")].sort(), ["a\u00001", "b\u00001"]);
      assert.equal(again.scoresFor("r").length, 2);
      again.close();
    });

    test("inlined images are stored once by hash and referenced from the sample", () => {
      const where = b.fresh("b");
      const store = b.open(where);
      store.createRun(manifest);
      const png = Buffer.alloc(600, 7).toString("base64");
      const input = [{ role: "user", content: [{ type: "image", image: `data:image/png;base64,${png}` }] }];
      store.addResult("r", result("a", { input }));
      store.addResult("r", result("b", { input }));
      store.flush();
      assert.equal(b.count(where, "blobs"), 1);
      const rows = [...store.iterateSamples("r")];
      const ref = JSON.stringify(rows[0]!.input);
      assert.ok(!ref.includes(png), "base64 data is not duplicated in the row");
      const hash = /assay-blob:([0-9a-f]{64})/.exec(ref)![1]!;
      assert.equal(store.getBlob(hash)!.data.length, 600);
      store.close();
    });

    test("cache entries round-trip and never carry the cached flag", () => {
      const store = b.open(b.fresh("c"));
      store.put("k", { text: "hello", latencyMs: 3, cached: true });
      store.flush();
      assert.deepEqual(store.get("k"), { text: "hello", latencyMs: 3 });
      assert.equal(store.get("missing"), undefined);
      store.close();
    });

    test("deleting a run deletes its images unless another run still uses them", () => {
      const where = b.fresh("del");
      const store = b.open(where);
      const image = (fill: number) => {
        const png = Buffer.alloc(300, fill).toString("base64");
        return [{ role: "user", content: [{ type: "image", image: `data:image/png;base64,${png}` }] }];
      };
      store.createRun({ ...manifest, runId: "one" });
      store.createRun({ ...manifest, runId: "two" });
      store.addResult("one", result("a", { input: image(1) }));
      store.addResult("one", result("b", { input: image(2) }));
      store.addResult("two", result("a", { input: image(1) }));
      store.flush();
      assert.equal(b.count(where, "blobs"), 2);
      store.deleteRun("one");
      assert.equal(b.count(where, "blobs"), 1, "the shared image stays for run two");
      assert.equal(store.getRun("one"), undefined);
      store.deleteRun("two");
      assert.equal(b.count(where, "blobs"), 0);
      store.close();
    });

    test("cache stats by model, and pruning by model and by age", () => {
      const store = b.open(b.fresh("cs"));
      store.put("k1", { text: "one", latencyMs: 1, source: "openai/a" });
      store.put("k2", { text: "two", latencyMs: 1, source: "openai/a" });
      store.put("k3", { text: "three", latencyMs: 1, source: "openai/b" });
      store.flush();
      const stats = store.cacheStats();
      assert.deepEqual(stats.map((s) => [s.model, s.entries]).sort(), [
        ["openai/a", 2],
        ["openai/b", 1],
      ]);
      assert.ok(stats.every((s) => s.bytes > 0 && s.oldest <= s.newest));
      assert.equal(store.pruneCache({ model: "openai/b" }), 1);
      assert.equal(store.get("k3"), undefined);
      assert.equal(store.pruneCache({ before: 0 }), 0);
      assert.equal(store.pruneCache({ before: Date.now() + 60_000 }), 2);
      assert.deepEqual(store.cacheStats(), []);
      store.close();
    });

    test("run ids resolve by unique prefix", () => {
      const store = b.open(b.fresh("p"));
      store.createRun({ ...manifest, runId: "alpha-1" });
      store.createRun({ ...manifest, runId: "alpha-2" });
      assert.equal(store.requireRun("alpha-1").id, "alpha-1");
      assert.throws(() => store.requireRun("alpha"), /ambiguous/);
      assert.throws(() => store.requireRun("beta"), /no run "beta"/);
      store.close();
    });

    test("claims: a unit goes to one worker until its claim expires; finished units are not claimed", async () => {
      const where = b.fresh("claims");
      const a = b.open(where);
      const w = b.open(where);
      a.createRun(manifest);
      const keys = (...ids: string[]) => ids.map((id) => ({ sampleId: id, epoch: 1 }));
      const ids = (got: Array<{ sampleId: string }>) => got.map((k) => k.sampleId).sort();
      assert.deepEqual(ids(a.claimUnits("r", keys("a", "b", "c"))), ["a", "b", "c"]);
      w.claimTtlMs = 60;
      assert.deepEqual(ids(w.claimUnits("r", keys("a", "b", "c", "d"))), ["d"], "live claims are not taken");
      assert.deepEqual(ids(a.claimUnits("r", keys("a", "d"))), [], "not even again by their holder");
      a.addResult("r", result("a"));
      a.flush();
      await sleep(100);
      assert.deepEqual(ids(a.claimUnits("r", keys("d"))), ["d"], "an expired claim returns to the pool");
      a.claimTtlMs = 1;
      assert.deepEqual(ids(a.claimUnits("r", keys("e"))), ["e"]);
      await sleep(10);
      assert.equal(a.releaseExpired("r"), 1, "only e's claim has expired");
      w.claimTtlMs = 60_000;
      assert.deepEqual(ids(w.claimUnits("r", keys("a", "e"))), ["e"], "a finished unit is never claimed");
      assert.deepEqual(a.claimStats("r"), { stored: 1, claimed: 4 }, "b, c, d, e held; a stored");
      // retry-errors: a unit stored with an error may be claimed again, one stored without may not; the
      // other workers' claims on units still to redo are what a retry pass waits for.
      a.addResult("r", result("f", { error: "boom" }));
      a.addResult("r", result("g", { error: "boom" }));
      a.flush();
      assert.deepEqual(ids(w.claimUnits("r", keys("a", "f"), { redoErrors: true })), ["f"]);
      assert.deepEqual(ids(w.claimUnits("r", keys("g"))), [], "without redoErrors a stored unit is finished");
      assert.equal(a.redoClaimsHeld("r"), 2, "w holds e (not stored) and f (failed)");
      assert.equal(w.redoClaimsHeld("r"), 3, "a holds b, c and d (its finished a does not count)");
      w.addResult("r", result("f"));
      w.flush();
      assert.equal(a.redoClaimsHeld("r"), 1, "f redone without an error no longer counts");
      a.close();
      w.close();
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
