/**
 * Judge validation for a second judged task, MathTrap, through its annotation hook: a real `mathtrap`
 * run (scripted model and judge, the task's own scorer) is annotated through the annotation server's
 * HTTP API by two people, on the trap form (yes/no with a reason), and `assay agreement` compares them
 * with the trap judge. The expected κ values are worked out by hand below.
 */
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadItems } from "../../src/annotate/items.js";
import { startAnnotateServer } from "../../src/annotate/server.js";
import type { ChatMessage } from "../../src/core/types.js";
import { Model, ModelStats } from "../../src/providers/model.js";
import { ScriptedProvider, textOf } from "../../src/providers/scripted.js";
import { AdaptiveLimiter } from "../../src/scheduler/limiter.js";
import { RatingsDb } from "../../src/store/ratings.js";
import { RunStore } from "../../src/store/run-store.js";
import "../../src/mathtrap/task.js";
import { createTask } from "../../src/tasks/registry.js";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { repoRoot } from "../helpers/shared.js";
import { cli, evalJudgedRun } from "./helpers.js";

/**
 * Six trap problems: what the model answers, and what two people say about whether that answer
 * identifies the flaw. The judge says YES exactly when the answer contains the word "flaw", so it is
 * wrong on trap-3 (names the contradiction without that word) and, for ann, on trap-5 (mentions a
 * flaw in passing, then answers anyway). trap-4's answer is empty: scored by rule, not an item.
 */
const TRAPS = [
  {
    type: "Concept Undefined",
    problem: "Compute log(0) + 3.",
    answer: "This problem has a flaw: log(0) is undefined.",
    ann: 1,
    ben: 1,
  },
  {
    type: "Missing Condition",
    problem: "A box holds some red balls and 4 blue ones. How many red balls are there?",
    answer: "The answer is 12.",
    ann: 0,
    ben: 0,
  },
  {
    type: "Direct Contradiction",
    problem: "x is even and x is odd. Find x.",
    answer: "The conditions contradict each other (a flaw), so no x exists.",
    ann: 1,
    ben: 1,
  },
  {
    type: "Indirect Contradiction",
    problem: "A triangle has sides 1, 2 and 10. Find its area.",
    answer: "Sides 1, 2 and 10 break the triangle inequality, so no such triangle exists.",
    ann: 1,
    ben: 1,
  },
  {
    type: "Violating Common Sense",
    problem: "A man is 300 years old and his son is 20. Sum of their ages?",
    answer: "",
    ann: null,
    ben: null,
  },
  {
    type: "Missing Condition",
    problem: "Tom bought apples at some price. How much did he pay?",
    answer: "There may be a flaw, but I assume 7 apples at $1: the answer is 7.",
    ann: 0,
    ben: 1,
  },
];

function writeTrapRecords(dir: string): string {
  const path = join(dir, "traps.json");
  const records = TRAPS.map((t, i) => ({
    category: "GSM8K",
    trap_problem: t.problem,
    human_annotation: `flaw of trap ${i}: ${t.type}`,
    trap_type: t.type,
    original_problem: `Original problem ${i}: what is ${i} + 1?`,
    original_solution: `#### ${i + 1}`,
  }));
  writeFileSync(path, JSON.stringify(records));
  return path;
}

const lastUser = (m: ChatMessage[]) => textOf([...m].reverse().find((x) => x.role === "user")!);

interface Comparison {
  id: string;
  n: number;
  stats: Record<string, { value: number | null }>;
}

describe("MathTrap judge validation", () => {
  test("annotate a mathtrap run through the app's API, then judge–human agreement", async () => {
    const dir = tempDir("assay-annotate-mathtrap-");
    const db = join(dir, "assay.db");
    const store = new RunStore(db);
    const { task, args } = await createTask("mathtrap", { dataset: writeTrapRecords(dir), kinds: "trap" });
    const model = new Model(
      new ScriptedProvider("solver", (m) => TRAPS.find((t) => lastUser(m).includes(t.problem))!.answer),
      { id: "scripted/solver", limiter: new AdaptiveLimiter(4) },
    );
    let judgeCalls = 0;
    const judge = new Model(
      new ScriptedProvider("judge", (m) => {
        judgeCalls++;
        const graded = /Response to grade:\n<<<\n([\s\S]*?)\n>>>/.exec(lastUser(m))?.[1] ?? "";
        return `Reasoning.\nVERDICT: ${graded.includes("flaw") ? "YES" : "NO"}`;
      }),
      { id: "scripted/judge", limiter: new AdaptiveLimiter(4), stats: new ModelStats(), cache: store },
    );
    await evalJudgedRun({ store, runId: "trap-run", task, args, model, judge, epochs: 1 });
    assert.equal(judgeCalls, 5 * 3, "five non-empty answers, three judge samples each");

    // Items: one per judged trap problem, on the yes/no form, grouped by trap type.
    const run = store.requireRun("trap-run");
    const items = loadItems(store, run);
    assert.deepEqual(items.map((it) => [it.itemId, it.category, it.judge?.scorer, it.judge?.value]).sort(), [
      ["trap-0", "Concept Undefined", "mathtrap", 1],
      ["trap-1", "Missing Condition", "mathtrap", 0],
      ["trap-2", "Direct Contradiction", "mathtrap", 1],
      ["trap-3", "Indirect Contradiction", "mathtrap", 0],
      ["trap-5", "Missing Condition", "mathtrap", 1],
    ]);
    assert.match(items.find((it) => it.itemId === "trap-0")!.judge!.explanation, /judge 3 yes \/ 0 no/);

    const ratings = new RatingsDb(store.sideSql());
    const tokens = { ann: ratings.addAnnotator("ann", run.id), ben: ratings.addAnnotator("ben", run.id) };
    const srv = await startAnnotateServer({ ratings, run, items, port: 0 });
    try {
      for (const who of ["ann", "ben"] as const) {
        const base = `${srv.url}/a/${tokens[who]}/api`;
        const list = (await (await fetch(`${base}/items`)).json()) as { items: Array<{ itemId: string }> };
        assert.equal(list.items.length, 5);
        for (let pos = 0; pos < list.items.length; pos++) {
          const raw = await (await fetch(`${base}/items/${pos}`)).text();
          const item = JSON.parse(raw) as {
            itemId: string;
            question: string;
            answer: string;
            reference: string;
            form: {
              kind: string;
              fields: Array<{ key: string; values: number[] }>;
              comment?: { label: string };
            };
          };
          const trap = TRAPS[Number(item.itemId.slice("trap-".length))]!;
          assert.equal(item.question, trap.problem);
          assert.equal(item.answer, trap.answer);
          assert.match(item.reference, /^flaw of trap \d: /);
          assert.equal(item.form.kind, "yes-no");
          assert.deepEqual(
            item.form.fields.map((f) => [f.key, f.values]),
            [["score", [0, 1]]],
          );
          assert.equal(item.form.comment?.label, "Reason");
          // Blind: no judge verdict, vote or reply reaches the annotator.
          assert.ok(!/VERDICT|judge \d|scripted/.test(raw), raw);
          const save = (body: unknown) =>
            fetch(`${base}/ratings`, {
              method: "POST",
              headers: { "Content-Type": "application/json" },
              body: JSON.stringify(body),
            });
          const off = await save({ itemId: item.itemId, score: 3 });
          assert.equal(off.status, 400);
          assert.deepEqual(((await off.json()) as { field: string }).field, "score");
          const ok = await save({
            itemId: item.itemId,
            score: trap[who],
            comment: `${who}: ${trap[who] ? "names the flaw" : "answers as if the problem were sound"}`,
          });
          assert.equal(ok.status, 200, await ok.text());
        }
      }
    } finally {
      await srv.close();
      store.close();
    }

    const r = await cli(["agreement", "--run", "trap-run", "--db", db, "--json", "--rounds", "0"]);
    assert.equal(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as {
      judgeScorer: string;
      report: {
        options: { scale: number[]; threshold: number };
        overall: { views: { scale: { comparisons: Comparison[] } } };
        groups: Array<{ group: string }>;
      };
    };
    assert.equal(parsed.judgeScorer, "mathtrap");
    assert.deepEqual(parsed.report.options.scale, [0, 1]);
    assert.equal(parsed.report.options.threshold, 1);
    const cmp = (id: string) => parsed.report.overall.views.scale.comparisons.find((c) => c.id === id)!;
    // Over trap-0,1,2,3,5: judge 1,0,1,0,1; ann 1,0,1,1,0; ben 1,0,1,1,1.
    // judge~ann: 3/5 agree; margins (3 yes, 2 no) both → p_e = (9+4)/25 → κ = (15−13)/(25−13) = 1/6.
    // judge~ben and ann~ben: 4/5 agree; margins (3,2) and (4,1) → p_e = (12+2)/25 → κ = (20−14)/(25−14) = 6/11.
    assert.equal(cmp("judge~ann").n, 5);
    const near = (a: number | null | undefined, b: number) =>
      a !== null && a !== undefined && Math.abs(a - b) < 1e-12;
    assert.ok(near(cmp("judge~ann").stats.exact!.value, 3 / 5));
    assert.ok(near(cmp("judge~ann").stats.kappa!.value, 1 / 6));
    assert.ok(near(cmp("judge~ben").stats.kappa!.value, 6 / 11));
    assert.ok(near(cmp("ann~ben").stats.kappa!.value, 6 / 11));
    assert.deepEqual(parsed.report.groups.map((g) => g.group).sort(), [
      "Concept Undefined",
      "Direct Contradiction",
      "Indirect Contradiction",
      "Missing Condition",
    ]);

    // The disagreement list puts the judge's miss first, with the annotators' reasons.
    const dis = await cli(["agreement", "disagreements", "--run", "trap-run", "--db", db, "--top", "1"]);
    assert.equal(dis.code, 0, dis.stderr);
    assert.match(
      dis.stdout,
      /#1 trap-3 \[Indirect Contradiction\]\s+judge 0\.00 vs humans 1\.00 \(gap 1\.00\)/,
    );
    assert.match(dis.stdout, /ann: 1 — ann: names the flaw/);

    // Re-judging with an edited trap prompt (the hook names the task's `prompts` option): every trap
    // request changed, so all 15 go to the new judge, which now says YES to all; judge~ben becomes 4/5.
    const v2 = join(dir, "v2");
    cpSync(join(repoRoot, "resources", "mathtrap", "prompts", "v1"), v2, { recursive: true });
    const trapPrompt = join(v2, "judge-trap.txt");
    writeFileSync(
      trapPrompt,
      readFileSync(trapPrompt, "utf8").replace("You are grading", "You are strictly grading"),
    );
    const newJudge = await startMockServer({ record: true, reply: () => "VERDICT: YES" });
    try {
      const rj = await cli([
        "rejudge",
        "trap-run",
        "--prompts",
        v2,
        "--db",
        db,
        "--judge",
        "openai/judge",
        "--judge-base-url",
        newJudge.url,
        "--rounds",
        "0",
        "--json",
      ]);
      assert.equal(rj.code, 0, rj.stderr);
      assert.equal(newJudge.requests.length, 15);
      const out = JSON.parse(rj.stdout) as { runId: string; judgeCalls: number; after: unknown };
      assert.equal(out.runId, "trap-run~v2");
      assert.equal(out.judgeCalls, 15);
    } finally {
      await newJudge.close();
    }
    const after = await cli([
      "agreement",
      "--run",
      "trap-run",
      "--judge-run",
      "trap-run~v2",
      "--db",
      db,
      "--json",
      "--rounds",
      "0",
    ]);
    assert.equal(after.code, 0, after.stderr);
    const judgeBen = (JSON.parse(after.stdout) as typeof parsed).report.overall.views.scale.comparisons.find(
      (c) => c.id === "judge~ben",
    )!;
    assert.ok(near(judgeBen.stats.exact!.value, 4 / 5));
  });
});
