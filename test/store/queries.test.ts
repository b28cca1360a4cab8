/** The store's named queries: what summaries, error reports, re-judging and re-scoring ask of it. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RunStore, SamplePageQuery } from "../../src/store/run-store.js";
import { type Backend, backends } from "./backends.js";
import { manifest, result } from "./fixtures.js";

/** Run "r": s1 (2 epochs, group x), s2 (group y, a string score), s3 failed, s4 cached without latency. */
function filled(b: Backend, name: string): RunStore & { where: string } {
  const where = b.fresh(name);
  const store = Object.assign(b.open(where), { where });
  store.createRun(manifest);
  store.createRun({ ...manifest, runId: "other" });
  const meta = (g: string) => ({ metadata: { group: g, level: 2 } });
  store.addResult("r", result("s1", { ...meta("x"), latencyMs: 10, judgeInputTokens: 5 }));
  store.addResult(
    "r",
    result("s1", { ...meta("x"), epoch: 2, latencyMs: 30, scores: { exact: { value: 0 } } }),
  );
  store.addResult(
    "r",
    result("s2", { ...meta("y"), scores: { exact: { value: "C" }, note: { value: "n/a" } } }),
  );
  store.addResult("r", result("s3", { error: "HTTP 500", scores: {}, output: undefined }));
  store.addResult("r", result("s4", { cached: true, scores: { exact: { value: 1 } } }));
  store.addResult("other", result("s1", { ...meta("z"), error: "HTTP 500" }));
  store.flush();
  return store;
}

for (const b of backends)
  describe(`run store queries (${b.name})`, { skip: b.skip }, () => {
    test("sampleTotals counts a run's samples, errors, cache hits, tokens and uncached latency", () => {
      const store = filled(b, "totals");
      assert.deepEqual(store.sampleTotals("r"), {
        samples: 5,
        errors: 1,
        cached: 1,
        tokens: { input: 5, output: 10, judgeInput: 5, judgeOutput: 0 },
        meanLatencyMs: 20,
      });
      assert.deepEqual(store.sampleTotals("none"), {
        samples: 0,
        errors: 0,
        cached: 0,
        tokens: { input: 0, output: 0, judgeInput: 0, judgeOutput: 0 },
        meanLatencyMs: null,
      });
      store.close();
    });

    test("scoreRows: numeric scores by scorer, sample, epoch, with the requested metadata", () => {
      const store = filled(b, "rows");
      const rows = [...store.scoreRows("r", ["group", "level", "missing"])];
      assert.deepEqual(
        rows.map((r) => [r.scorer, r.sampleId, r.epoch, r.value, ...r.groups]),
        [
          ["exact", "s1", 1, 1, "x", 2, null],
          ["exact", "s1", 2, 0, "x", 2, null],
          ["exact", "s2", 1, 1, "y", 2, null],
          ["exact", "s4", 1, 1, null, null, null],
        ],
        "the non-numeric note is left out, and so is the other run",
      );
      assert.deepEqual(
        [...store.scoreRows("r")].map((r) => r.groups),
        [[], [], [], []],
      );
      store.close();
    });

    test("topErrors: the commonest errors first, up to the limit", () => {
      const store = filled(b, "errors");
      for (const id of ["t1", "t2"]) store.addResult("r", result(id, { error: "timeout", scores: {} }));
      store.addResult("r", result("t3", { error: "HTTP 401", scores: {} }));
      store.flush();
      assert.deepEqual(store.topErrors("r", 2), [
        { error: "timeout", count: 2 },
        { error: "HTTP 401", count: 1 },
      ]);
      assert.equal(store.topErrors("r").length, 3);
      store.close();
    });

    test("copyRun copies every sample and score into a created run and leaves the source alone", () => {
      const store = filled(b, "copy");
      store.createRun({ ...manifest, runId: "copy" });
      assert.deepEqual(store.copyRun("r", "copy"), { samples: 5, scores: 5 });
      const strip = (id: string) => [...store.iterateSamples(id)].map(({ finishedAt: _f, ...rest }) => rest);
      assert.deepEqual(strip("copy"), strip("r"));
      assert.deepEqual(store.scoresFor("copy"), store.scoresFor("r"));
      assert.equal(store.countSamples("r").total, 5);
      assert.throws(
        () => store.copyRun("r", "copy"),
        /UNIQUE|constraint/i,
        "copying twice is refused, not doubled",
      );
      store.close();
    });

    test("re-scoring progress: pages with writes between them, resume by spec, reset by another spec", () => {
      const store = filled(b, "rescore");
      assert.deepEqual(store.startRescore("r", "A"), { done: 0, todo: 4 }, "s3 has no output");
      const seen: string[] = [];
      for (const row of store.samplesToRescore("r", 2)) {
        seen.push(`${row.sampleId}/${row.epoch}`);
        // Writing while iterating is allowed: the store reads a page at a time.
        store.saveRescored("r", "A", [
          {
            sampleId: row.sampleId,
            epoch: row.epoch,
            scorers: ["exact"],
            scores: { exact: { value: 0.5 } },
            error: null,
          },
        ]);
        if (seen.length === 3) break;
      }
      assert.deepEqual(seen, ["s1/1", "s1/2", "s2/1"]);
      assert.deepEqual(store.startRescore("r", "A"), { done: 3, todo: 1 });
      assert.deepEqual(
        [...store.samplesToRescore("r")].map((r) => r.sampleId),
        ["s4"],
      );
      assert.equal(store.scoresOf("r", "s2", 1).find((s) => s.scorer === "exact")!.value, 0.5);
      assert.equal(
        store.scoresOf("r", "s2", 1).find((s) => s.scorer === "note")!.raw,
        "n/a",
        "other scorers stay",
      );
      // A scorer error goes on the sample, with no score left for that scorer.
      store.saveRescored("r", "A", [
        { sampleId: "s4", epoch: 1, scorers: ["exact"], scores: {}, error: "scorer exact: boom" },
      ]);
      assert.equal(store.countSamples("r").errors, 2);
      assert.equal(store.scoresOf("r", "s4", 1).length, 0);
      assert.deepEqual(store.startRescore("r", "B"), { done: 0, todo: 4 }, "another spec starts over");
      store.saveRescored("r", "B", [{ sampleId: "s1", epoch: 1, scorers: [], scores: {}, error: null }]);
      store.finishRescore("r");
      assert.deepEqual(store.startRescore("r", "B"), { done: 0, todo: 4 });
      store.saveRescored("r", "B", [{ sampleId: "s1", epoch: 1, scorers: [], scores: {}, error: null }]);
      store.deleteRun("r");
      assert.equal(b.count(store.where, "rescore_progress"), 0);
      store.close();
    });
    test("samplePage: the viewer's filters, orders and previews", () => {
      const store = filled(b, "page");
      const chat = [
        { role: "system", content: "be brief" },
        { role: "user", content: [{ type: "text", text: "what is in the picture?" }] },
      ];
      store.addResult("r", result("s5", { input: chat, latencyMs: 99, scores: { exact: { value: 0.25 } } }));
      store.flush();
      const ids = (q: Partial<SamplePageQuery>) =>
        store.samplePage("r", { offset: 0, limit: 50, ...q }).rows.map((r) => `${r.sampleId}/${r.epoch}`);
      assert.deepEqual(ids({}), ["s1/1", "s2/1", "s3/1", "s4/1", "s5/1", "s1/2"], "by seq, epoch, id");
      assert.equal(store.samplePage("r", { offset: 2, limit: 2 }).total, 6);
      assert.deepEqual(ids({ offset: 2, limit: 2 }), ["s3/1", "s4/1"]);
      assert.deepEqual(ids({ errors: "only" }), ["s3/1"]);
      assert.deepEqual(ids({ cached: true }), ["s4/1"]);
      assert.deepEqual(ids({ text: "q s2" }), ["s2/1"]);
      assert.deepEqual(ids({ text: "%" }), [], "LIKE wildcards are literal");
      assert.deepEqual(ids({ group: { key: "group", value: "x" } }), ["s1/1", "s1/2"]);
      assert.deepEqual(ids({ score: { scorer: "exact", min: 0.2, max: 0.9 } }), ["s5/1"]);
      assert.deepEqual(ids({ sort: "score", sortScorer: "exact", desc: true }), [
        "s1/1",
        "s2/1",
        "s4/1",
        "s5/1",
        "s1/2",
        "s3/1",
      ]);
      assert.deepEqual(ids({ sort: "latency", desc: true }).slice(0, 3), ["s5/1", "s1/2", "s1/1"]);
      // Samples without a latency come last both ways; ties (s2, s3, s4) follow the direction.
      assert.deepEqual(ids({ sort: "latency" }), ["s1/1", "s1/2", "s5/1", "s2/1", "s3/1", "s4/1"]);
      assert.deepEqual(ids({ sort: "latency", desc: true }).slice(3), ["s4/1", "s3/1", "s2/1"]);
      assert.deepEqual(ids({ desc: true }), ["s1/2", "s5/1", "s4/1", "s3/1", "s2/1", "s1/1"]);
      assert.deepEqual(ids({ errors: "none", offset: 3, limit: 2 }), ["s5/1", "s1/2"]);
      // A text search counts its matches in the page's own pass; past the last match it counts apart.
      assert.equal(store.samplePage("r", { offset: 0, limit: 1, text: "s" }).total, 6);
      assert.equal(store.samplePage("r", { offset: 9, limit: 1, text: "s" }).total, 6);
      assert.equal(store.samplePage("r", { offset: 0, limit: 1, errors: "only" }).total, 1);
      const rows = store.samplePage("r", { offset: 0, limit: 50 }).rows;
      const s5 = rows.find((r) => r.sampleId === "s5")!;
      assert.equal(s5.inputPreview, "what is in the picture?");
      assert.deepEqual(s5.scores, { exact: 0.25 });
      assert.equal(rows[0]!.inputPreview, "q s1");
      assert.equal(rows.find((r) => r.sampleId === "s4")!.cached, true);
      store.close();
    });
  });
