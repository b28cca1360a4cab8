import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promptOption, rejudgeByRescoring } from "../../src/annotate/rejudge-generic.js";
import type { Scorer } from "../../src/core/types.js";
import { memoryDataset } from "../../src/dataset/index.js";
import { Model, ModelStats } from "../../src/providers/model.js";
import { ScriptedProvider, textOf } from "../../src/providers/scripted.js";
import { AdaptiveLimiter } from "../../src/scheduler/limiter.js";
import { generate } from "../../src/solvers/index.js";
import { RunStore } from "../../src/store/run-store.js";
import { registerTask } from "../../src/tasks/registry.js";
import { tempDir } from "../helpers/cli.js";
import { evalJudgedRun } from "./helpers.js";

// A judged task whose judge prompt comes from a replaceable folder, like MathTrap's and LLMEval-Med's.
registerTask({
  name: "test-judged",
  description: "test task",
  options: [{ name: "judge_prompts", description: "folder with judge.md", required: true }],
  create(args) {
    const template = readFileSync(join(String(args.judge_prompts), "judge.md"), "utf8");
    const judged: Scorer = {
      name: "judge",
      metrics: ["mean"],
      requiresJudge: true,
      async score(state, ctx) {
        const out = await ctx.judge!.generate([
          { role: "user", content: `${template}\n${state.output?.text}` },
        ]);
        return { value: /YES/.test(out.text) ? 1 : 0, explanation: out.text };
      },
    };
    const samples = Array.from({ length: 6 }, (_, i) => ({ id: `s${i}`, input: `q${i}` }));
    return {
      name: "test-judged",
      version: "1",
      dataset: memoryDataset("mem", samples),
      solver: [generate()],
      scorers: [judged],
    };
  },
});

test("rejudge for any judged task sends only changed judge requests; unchanged ones come from the cache", async () => {
  const dir = tempDir();
  const v1 = join(dir, "v1");
  mkdirSync(v1);
  writeFileSync(join(v1, "judge.md"), "Is this answer good? Say YES or NO.");
  const store = new RunStore(join(dir, "r.db"));
  let judgeCalls = 0;
  let onJudgeCall: (() => void) | undefined;
  const judgeProvider = new ScriptedProvider("judge", (m) => {
    judgeCalls++;
    onJudgeCall?.();
    return textOf(m.at(-1)!).startsWith("STRICT") ? "NO" : "YES";
  });
  const judgeModel = () =>
    new Model(judgeProvider, {
      id: "scripted/judge",
      limiter: new AdaptiveLimiter(4),
      stats: new ModelStats(),
      cache: store,
    });
  const model = new Model(new ScriptedProvider("echo", (m) => textOf(m.at(-1)!)), {
    id: "scripted/echo",
    limiter: new AdaptiveLimiter(4),
  });
  const { createTask } = await import("../../src/tasks/registry.js");
  const { task, args } = await createTask("test-judged", { judge_prompts: v1 });
  const judge = judgeModel();
  await evalJudgedRun({ store, runId: "base", task, args, model, judge, epochs: 2 });
  assert.equal(judgeCalls, 12, "6 samples × 2 epochs judged once each");
  assert.equal(promptOption("test-judged"), "judge_prompts");

  // Same prompt text in a new folder: every judge request is unchanged → no judge call.
  const copy = join(dir, "v1-copy");
  mkdirSync(copy);
  writeFileSync(join(copy, "judge.md"), readFileSync(join(v1, "judge.md")));
  const same = await rejudgeByRescoring({
    store,
    run: store.requireRun("base"),
    overrides: { judge_prompts: copy },
    judge: judgeModel(),
    newRunId: "base~copy",
    concurrency: 2,
    signal: new AbortController().signal,
    progress: "silent",
  });
  assert.equal(same.judgeCalls, 0);
  assert.equal(same.reused, 12);
  assert.equal(judgeCalls, 12);

  // A changed prompt: all 12 requests change and go to the judge, and the new verdicts are stored.
  const v2 = join(dir, "v2");
  mkdirSync(v2);
  writeFileSync(join(v2, "judge.md"), "STRICT: is this answer good? Say YES or NO.");
  const changed = await rejudgeByRescoring({
    store,
    run: store.requireRun("base"),
    overrides: { judge_prompts: v2 },
    judge: judgeModel(),
    newRunId: "base~v2",
    concurrency: 2,
    signal: new AbortController().signal,
    progress: "silent",
  });
  assert.equal(changed.judgeCalls, 12);
  assert.equal(changed.rescoredSamples, 12);
  assert.equal(judgeCalls, 24);
  const before = store.scoresFor("base").map((s) => s.value);
  const after = store.scoresFor("base~v2").map((s) => s.value);
  assert.deepEqual([...new Set(before)], [1]);
  assert.deepEqual([...new Set(after)], [0]);
  assert.equal(store.requireRun("base~v2").manifest.task.args.judge_prompts, v2);
  assert.equal(store.countSamples("base~v2").total, 12);
  // The re-scored run records its judge, and judge tokens are those really spent: none for the cached copy.
  assert.equal(store.requireRun("base~v2").manifest.judge?.id, "scripted/judge");
  const judgeTokens = (run: string) =>
    [...store.iterateSamples(run)].reduce((n, r) => n + r.judgeInputTokens + r.judgeOutputTokens, 0);
  assert.equal(judgeTokens("base~copy"), 0);
  assert.ok(judgeTokens("base~v2") > 0);

  // Interrupted after 5 judge calls: the run is left unfinished; the same command again starts it over,
  // and the calls that finished come from the cache.
  const v3 = join(dir, "v3");
  mkdirSync(v3);
  writeFileSync(join(v3, "judge.md"), "STRICT v3: is this answer good? Say YES or NO.");
  const stop = new AbortController();
  let v3Calls = 0;
  onJudgeCall = () => {
    if (++v3Calls === 5) stop.abort();
  };
  const rejudgeV3 = (signal: AbortSignal) =>
    rejudgeByRescoring({
      store,
      run: store.requireRun("base"),
      overrides: { judge_prompts: v3 },
      judge: judgeModel(),
      newRunId: "base~v3",
      concurrency: 1,
      signal,
      progress: "silent",
    });
  const cut = await rejudgeV3(stop.signal);
  assert.equal(cut.interrupted, true);
  assert.equal(store.requireRun("base~v3").status, "interrupted");
  onJudgeCall = undefined;
  const again = await rejudgeV3(new AbortController().signal);
  assert.equal(again.restarted, true);
  assert.equal(again.interrupted, false);
  assert.ok(again.reused >= 4, `${again.reused} answered from the cache`);
  assert.equal(again.judgeCalls + again.reused, 12);
  assert.equal(store.requireRun("base~v3").status, "completed");
  assert.equal(store.countSamples("base~v3").total, 12);
  // A finished run is never overwritten.
  await assert.rejects(rejudgeV3(new AbortController().signal), /already exists.*--run-id/);
  store.close();
});
