/**
 * The run store's guarantees, each checked from outside: one row per (sample, epoch), commits that
 * are batched yet durable (a kill -9 keeps every committed sample whole), blobs stored once, cache
 * hits by request, epoch and scope.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Model, ModelStats } from "../../src/providers/model.js";
import { ScriptedProvider } from "../../src/providers/scripted.js";
import { AdaptiveLimiter } from "../../src/scheduler/limiter.js";
import type { RunStore } from "../../src/store/run-store.js";
import { backends } from "./backends.js";
import { manifest, result } from "./fixtures.js";

for (const b of backends)
  describe(`run store guarantees (${b.name})`, { skip: b.skip }, () => {
    test("one row per (sample, epoch): writing it again replaces the row and all its scores", () => {
      const path = b.fresh("one");
      const store = b.open(path);
      store.createRun(manifest);
      store.addResult("r", result("a", { scores: { exact: { value: 0 }, judge: { value: 1 } } }));
      store.addResult("r", result("a", { epoch: 2 }));
      store.flush();
      store.addResult("r", result("a", { output: "second try", scores: { exact: { value: 1 } } }));
      store.flush();
      assert.equal(b.count(path, "samples"), 2);
      const rows = [...store.iterateSamples("r")];
      assert.deepEqual(
        rows.map((r) => [r.epoch, r.output]),
        [
          [1, "second try"],
          [2, "a a"],
        ],
      );
      assert.deepEqual(
        store.scoresOf("r", "a", 1).map((s) => [s.scorer, s.value]),
        [["exact", 1]],
        "the judge score of the first attempt is gone",
      );
      store.close();
    });

    test("results are committed in batches: none before the batch closes, all of it after", async () => {
      const path = b.fresh("batch");
      const store = b.open(path);
      store.flushEvery = 4;
      store.flushIntervalMs = 30;
      store.createRun(manifest);
      const reader = b.open(path, { readonly: true });
      for (const id of ["a", "b", "c"]) store.addResult("r", result(id));
      assert.equal(reader.countSamples("r").total, 0, "queued, not yet committed");
      store.addResult("r", result("d"));
      assert.equal(reader.countSamples("r").total, 4, "the fourth result closed the batch at once");
      store.addResult("r", result("e"));
      assert.equal(reader.countSamples("r").total, 4);
      await sleep(120);
      assert.equal(reader.countSamples("r").total, 5, "the timer committed the rest");
      reader.close();
      store.close();
    });

    test("kill -9 keeps exactly the committed samples, each with its scores", () => {
      const path = b.fresh("crash");
      const storeUrl = new URL("../../src/cli-kit/store.js", import.meta.url).href;
      // 300 results: the 256th closes a batch; the last 44 are still queued when the process is killed.
      const script = `
      const { openStore } = await import(${JSON.stringify(storeUrl)});
      const store = openStore(${JSON.stringify(path)});
      store.createRun(${JSON.stringify(manifest)});
      for (let i = 0; i < 300; i++)
        store.addResult("r", { sampleId: "s" + i, epoch: 1, seq: i, input: "q", output: "a", inputTokens: 0,
          outputTokens: 0, judgeInputTokens: 0, judgeOutputTokens: 0, cached: false,
          scores: { exact: { value: 1 }, judge: { value: 0 } } });
      process.kill(process.pid, "SIGKILL");`;
      const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
      assert.equal(child.signal, "SIGKILL", child.stderr);
      const store = b.open(path);
      assert.equal(store.countSamples("r").total, 256);
      assert.equal(b.count(path, "scores"), 512, "no sample without its scores");
      store.close();
    });

    test("an image is stored once however many samples, runs and transcripts hold it", () => {
      const path = b.fresh("blob");
      const store = b.open(path);
      store.createRun(manifest);
      store.createRun({ ...manifest, runId: "r2" });
      const png = Buffer.alloc(900, 3).toString("base64");
      const image = `data:image/png;base64,${png}`;
      const input = [{ role: "user", content: [{ type: "image", image }] }];
      const messages = [...input, { role: "assistant", content: "a cat" }];
      const tiny = "data:image/png;base64,AAAA";
      store.addResult("r", result("a", { input, messages }));
      store.addResult("r", result("b", { input }));
      store.addResult("r2", result("a", { input, metadata: { thumb: tiny } }));
      store.flush();
      assert.equal(b.count(path, "blobs"), 1);
      const stored = JSON.stringify([...store.iterateSamples("r"), ...store.iterateSamples("r2")]);
      assert.ok(!stored.includes(png));
      assert.ok(stored.includes(tiny), "small inline data stays where it is");
      store.close();
    });

    test("cache hits: same request and epoch and scope; the scope's key order does not matter", async () => {
      const path = b.fresh("cache");
      let calls = 0;
      const provider = new ScriptedProvider("c", () => `answer ${++calls}`);
      const open = (store: RunStore) =>
        new Model(provider, {
          id: "scripted/c",
          limiter: new AdaptiveLimiter(2),
          cache: store,
          stats: new ModelStats(),
        });
      const store = b.open(path);
      const model = open(store);
      const msgs = [{ role: "user" as const, content: "hi" }];
      const first = await model.generate(msgs, {}, { epoch: 1, scope: { run: 0, attempt: 1 } });
      const hit = await model.generate(msgs, {}, { epoch: 1, scope: { attempt: 1, run: 0 } });
      assert.deepEqual([hit.text, hit.cached, calls], [first.text, true, 1]);
      await model.generate(msgs, {}, { epoch: 1, scope: { run: 1, attempt: 1 } });
      await model.generate(msgs, {}, { epoch: 2, scope: { run: 0, attempt: 1 } });
      await model.generate(msgs, {}, { epoch: 1 });
      assert.equal(calls, 4, "another scope, another epoch, no scope: each a new call");
      const fresh = await model.generate(msgs, {}, { epoch: 1, noCacheRead: true });
      assert.equal(fresh.cached, undefined);
      assert.equal(calls, 5);
      store.close();
      // Written through: a new process (here, a new store on the same file) gets the newest answer.
      const again = b.open(path);
      const later = await open(again).generate(msgs, {}, { epoch: 1 });
      assert.deepEqual([later.text, later.cached, calls], [fresh.text, true, 5]);
      again.close();
    });
  });
