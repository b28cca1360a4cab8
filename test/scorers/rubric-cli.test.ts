/**
 * The rubric judge and rescore --scorer through the CLI, against the local mock OpenAI-compatible server
 * (it answers as the model under test or as the judge, by the request's model name): a rubric without
 * a judge refused before any run exists, N judge runs as N calls, verdicts stored and shown, a failing
 * judge stored as sample errors and redone by rescore, rescore with includes and with the rubric (cache
 * hits for the same prompts), and the rubric annotation hook picked up by items and `assay agreement`.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadItems } from "../../src/annotate/items.js";
import { memoryDataset } from "../../src/dataset/index.js";
import { includes } from "../../src/scorers/includes.js";
import type { RubricScoreMetadata } from "../../src/scorers/rubric.js";
import { rubricScorer } from "../../src/scorers/rubric.js";
import { generate } from "../../src/solvers/index.js";
import { RunStore } from "../../src/store/run-store.js";
import { registerTask } from "../../src/tasks/registry.js";
import { lastUserText, type MockServer, startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

const QUESTIONS = [
  { id: "q1", input: "Capital of France?", target: "Paris" },
  { id: "q2", input: "Capital of Italy?", target: "Rome" },
  { id: "q3", input: "Capital of Spain?", target: "Madrid" },
];
const ANSWERS: Record<string, string> = {
  "Capital of France?": "ANSWER: paris",
  "Capital of Italy?": "ANSWER: Milan",
  "Capital of Spain?": "ANSWER: Madrid",
};

// A task file's shape: a dataset in memory, the rubric judge three times, and an includes check first,
// so the annotation hook has to find the rubric scorer by name.
registerTask({
  name: "test-rubric",
  description: "capitals, judged by the rubric scorer",
  options: [],
  create: () => ({
    name: "test-rubric",
    version: "1",
    dataset: memoryDataset("capitals", QUESTIONS),
    solver: [generate()],
    scorers: [
      includes({ ignoreCase: true }),
      rubricScorer({ runs: 3, rubric: "Names the right capital city." }),
    ],
  }),
});

/** The answerer's reply: by the question inside the prompt (the qa task wraps it in its template). */
function answerTo(prompt: string): string {
  return Object.entries(ANSWERS).find(([q]) => prompt.includes(q))?.[1] ?? "?";
}

/** Judge grades cycle per answer so any order of the three runs has mean 4 for a right answer, 1 for a wrong one. */
function judgeReply(prompt: string, seen: Map<string, number>): string {
  const answer = /\[Answer to grade\]\n([\s\S]*?)\n\[End of answer to grade\]/.exec(prompt)?.[1] ?? "";
  const passFail = prompt.includes("GRADE: PASS or GRADE: FAIL");
  const k = seen.get(answer + passFail) ?? 0;
  seen.set(answer + passFail, k + 1);
  const right = !/Milan/.test(answer);
  if (passFail) return `Checked the city.\nGRADE: ${right ? "PASS" : "FAIL"}`;
  return `Reasoning about ${answer.trim()} (call ${k}).\nGRADE: ${right ? [3, 4, 5][k % 3] : 1}`;
}

let server: MockServer;
let broken: MockServer;
const seen = new Map<string, number>();
const judgeCalls = () => server.requests.filter((r) => r.body.model === "judge").length;

before(async () => {
  server = await startMockServer({
    reply: (req) =>
      req.model === "judge" ? judgeReply(lastUserText(req), seen) : answerTo(lastUserText(req)),
  });
  // Every reply is a broken body: the judge fails on every call.
  broken = await startMockServer({ failures: { garbage: 1 } });
});
after(async () => {
  await server.close();
  await broken.close();
});

function common(db: string): string[] {
  return ["--db", db, "--model", "openai/answerer", "--model-base-url", server.url];
}

describe("rubric judge through the CLI", () => {
  test("a rubric without a judge is refused (exit 2) before any run is created", async () => {
    const db = join(tempDir(), "a.db");
    const r = await runCli("eval", "test-rubric", ...common(db), "--run-id", "nojudge");
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /judged by a model: pass --judge/);
    const runs = await runCli("runs", "--db", db, "--json");
    assert.deepEqual(JSON.parse(runs.stdout), []);
  });

  test("N judge runs are N calls; verdicts are stored and shown; agreement uses the rubric hook", async () => {
    const dir = tempDir();
    const db = join(dir, "b.db");
    const before0 = judgeCalls();
    const r = await runCli(
      "eval",
      "test-rubric",
      ...common(db),
      "--judge",
      "openai/judge",
      "--judge-base-url",
      server.url,
      "--run-id",
      "rb",
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(judgeCalls() - before0, 9, "3 samples × 3 judge runs, each its own call");

    const store = new RunStore(db);
    try {
      const scores = store.scoresFor("rb").filter((s) => s.scorer === "rubric");
      const byId = new Map(scores.map((s) => [s.sampleId, s]));
      assert.deepEqual([byId.get("q1")?.value, byId.get("q2")?.value, byId.get("q3")?.value], [4, 1, 4]);
      const meta = byId.get("q1")!.metadata as RubricScoreMetadata;
      assert.equal(meta.runs.length, 3);
      assert.deepEqual(meta.runs.map((x) => x.grade).sort(), [3, 4, 5]);
      assert.match(
        byId.get("q2")!.explanation ?? "",
        /grades 1, 1, 1 → mean 1[\s\S]*judge run 1:\nReasoning about ANSWER: Milan/,
      );

      // The generic annotate path picks the rubric hook (the rubric is not the first scorer).
      const items = loadItems(store, store.requireRun("rb"));
      assert.equal(items.length, 3);
      const q2 = items.find((it) => it.sampleId === "q2")!;
      assert.equal(q2.judge?.scorer, "rubric");
      assert.equal(q2.judge?.value, 1);
      assert.equal(q2.checklist, "Names the right capital city.");
      assert.equal(q2.reference, "Rome");
      assert.equal(q2.question, "Capital of Italy?");
      assert.deepEqual(q2.form.fields[0]?.values, [1, 2, 3, 4, 5]);
    } finally {
      store.close();
    }

    const one = await runCli("show", "rb", "--db", db, "--sample", "q2");
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /output:\n {2}ANSWER: Milan/);
    assert.match(one.stdout, /rubric: 1 \(answer: 1\)\n {2}grades 1, 1, 1 → mean 1\n[\s\S]*judge run 3/);
    const oneJson = JSON.parse((await runCli("show", "rb", "--db", db, "--sample", "q2", "--json")).stdout);
    assert.equal(
      oneJson.epochs[0].scores.find((x: { scorer: string }) => x.scorer === "rubric").metadata.runs.length,
      3,
    );
    const none = await runCli("show", "rb", "--db", db, "--sample", "nope");
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no sample "nope"/);
    const show = await runCli("show", "rb", "--db", db);
    assert.match(show.stdout, /rubric\s+│?\s*3/);

    const ratings = join(dir, "ratings.csv");
    writeFileSync(
      ratings,
      "item_id,annotator,score\nq1,alice,4\nq2,alice,1\nq3,alice,5\nq1,bob,4\nq2,bob,2\nq3,bob,4\n",
    );
    const imp = await runCli("annotate", "import", ratings, "--run", "rb", "--db", db);
    assert.equal(imp.code, 0, imp.stderr);
    const ag = await runCli("agreement", "--run", "rb", "--db", db, "--json", "--rounds", "0");
    assert.equal(ag.code, 0, ag.stderr);
    assert.equal(JSON.parse(ag.stdout).judgeScorer, "rubric");
  });

  test("a failing judge is stored as sample errors (no sample succeeded: exit 5); rescore --scorer rubric redoes them", async () => {
    const db = join(tempDir(), "c.db");
    const r = await runCli(
      "eval",
      "test-rubric",
      ...common(db),
      "--judge",
      "openai/judge",
      "--judge-base-url",
      broken.url,
      "--run-id",
      "rc",
      "--max-retries",
      "0",
    );
    // Every sample failed in scoring: the run is not completed (issue #19's rule), exit 5.
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /no sample succeeded/);
    const store = new RunStore(db);
    try {
      const errors = [...store.iterateSamples("rc")].map((s) => s.error);
      assert.ok(
        errors.every((e) => e?.startsWith("scorer rubric: ")),
        errors.join("\n"),
      );
      assert.equal(
        store.scoresFor("rc").filter((s) => s.scorer === "includes").length,
        3,
        "the other scorer's scores stay",
      );
    } finally {
      store.close();
    }
    const again = await runCli(
      "rescore",
      "rc",
      "--db",
      db,
      "--scorer",
      "rubric",
      "--scorer-arg",
      "rubric=Names the right capital city.",
      "--judge",
      "openai/judge",
      "--judge-base-url",
      server.url,
      "--json",
    );
    assert.equal(again.code, 0, again.stderr);
    const out = JSON.parse(again.stdout);
    assert.equal(out.rescored, 3);
    const rubric = out.summary.scorers.find((s: { scorer: string }) => s.scorer === "rubric");
    assert.equal(rubric.n, 3);
  });

  test("rescore --scorer includes and rubric on a stored qa run; the same rubric again is answered by the cache", async () => {
    const dir = tempDir();
    const db = join(dir, "d.db");
    const data = join(dir, "qa.jsonl");
    writeFileSync(data, `${QUESTIONS.map((q) => JSON.stringify(q)).join("\n")}\n`);
    const ev = await runCli("eval", "qa", "--dataset", data, ...common(db), "--run-id", "rq");
    assert.equal(ev.code, 0, ev.stderr);

    const inc = await runCli(
      "rescore",
      "rq",
      "--db",
      db,
      "--scorer",
      "includes",
      "--scorer-arg",
      "ignore_case=true",
      "--json",
    );
    assert.equal(inc.code, 0, inc.stderr);
    const incSummary = JSON.parse(inc.stdout).summary.scorers.find(
      (s: { scorer: string }) => s.scorer === "includes",
    );
    assert.ok(Math.abs(incSummary.metrics.accuracy - 2 / 3) < 1e-12);

    // The run has no judge yet: the rubric needs one named.
    const noJudge = await runCli("rescore", "rq", "--db", db, "--scorer", "rubric");
    assert.equal(noJudge.code, 2);
    assert.match(noJudge.stderr, /need a judge/);
    const args = [
      "--scorer",
      "rubric",
      "--scorer-arg",
      "scale=pass-fail",
      "runs=3",
      "--judge",
      "openai/judge",
      "--judge-base-url",
      server.url,
    ];
    const calls0 = judgeCalls();
    const rub = await runCli("rescore", "rq", "--db", db, ...args, "--json");
    assert.equal(rub.code, 0, rub.stderr);
    assert.equal(judgeCalls() - calls0, 9);
    const rubSummary = JSON.parse(rub.stdout).summary.scorers.find(
      (s: { scorer: string }) => s.scorer === "rubric",
    );
    assert.ok(Math.abs(rubSummary.metrics.accuracy - 2 / 3) < 1e-12);
    const twice = await runCli("rescore", "rq", "--db", db, ...args, "--json");
    assert.equal(twice.code, 0, twice.stderr);
    assert.equal(judgeCalls() - calls0, 9, "same prompts and scopes: every judge call from the cache");

    const bad = await runCli(
      "rescore",
      "rq",
      "--db",
      db,
      "--scorer",
      "regex",
      "--scorer-arg",
      "pattern=(oops",
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /pattern "\(oops" does not compile/);
    const twoScorers = await runCli(
      "rescore",
      "rq",
      "--db",
      db,
      "--scorer",
      "includes",
      "regex",
      "--scorer-arg",
      "pattern=x",
    );
    assert.equal(twoScorers.code, 2);
    assert.match(twoScorers.stderr, /name the scorer \(e\.g\. includes\.pattern=x\)/);
    const named = await runCli(
      "rescore",
      "rq",
      "--db",
      db,
      "--scorer",
      "includes",
      "regex",
      "--scorer-arg",
      "regex.pattern=ANSWER: (\\w+)",
      "includes.mode=all",
      "--json",
    );
    assert.equal(named.code, 0, named.stderr);
  });
});
