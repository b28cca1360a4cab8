/**
 * `assay llmeval-med import-answers` on a file shaped like the release Answer.py's output, then
 * `assay rescore --judge` against a local judge server, then the Table-2 report.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/cli.js";
import { repoRoot } from "../helpers/shared.js";
import { startChatServer } from "./servers.js";

const ASSAY = join(repoRoot, "dist", "src", "cli", "main.js");

function run(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

// Answer.py writes the dataset back with model_answer added to every item (NaN literals preserved).
const ANSWERS = `{
  "医疗知识": [
    {"category1": "医疗知识", "category2": "药物相关", "scene": "s", "round": 1, "problem": "Q-MK-1", "groupCode": 1, "sanswer": "R1", "difficulty": "易", "checklist": "核心需求：1", "model_answer": "A-good"},
    {"category1": "医疗知识", "category2": "药物相关", "scene": "s", "round": 2, "problem": "Q-MK-2", "groupCode": 1, "sanswer": "R2", "difficulty": "易", "checklist": "核心需求：2", "model_answer": "A-bad"}
  ],
  "医疗文本生成": [
    {"category1": "医疗文本生成", "category2": "生成", "scene": "s", "round": 1, "problem": "Q-MTG-1", "groupCode": 1, "sanswer": NaN, "checklist": NaN, "model_answer": "A-good"}
  ]
}`;

test("import-answers → rescore --judge → report", { timeout: 60_000 }, async (t) => {
  const dir = tempDir("llmeval-med-import-");
  const file = join(dir, "dataset_output.json");
  writeFileSync(file, ANSWERS);
  const prompts: string[] = [];
  const judge = await startChatServer((body) => {
    const prompt = body.messages.map((m) => m.content).join("\n");
    prompts.push(prompt);
    return prompt.includes("A-good") ? "理由……\n最终得分：[5]" : "理由……\n最终得分：[2]";
  });
  t.after(() => judge.close());
  const env = {
    ...process.env,
    ASSAY_DB: join(dir, "assay.db"),
    ASSAY_CACHE_DIR: join(dir, "cache"),
    OPENAI_API_KEY: "",
  };

  const imp = await run(
    ASSAY,
    ["llmeval-med", "import-answers", file, "--model", "my-model", "--run-id", "imp", "--json"],
    env,
  );
  assert.equal(imp.code, 0, imp.stderr);
  assert.deepEqual(JSON.parse(imp.stdout), { runId: "imp", conversations: 2, questions: 3 });

  const rescore = await run(
    ASSAY,
    ["rescore", "imp", "--judge", "openai/judge", "--judge-base-url", judge.url],
    env,
  );
  assert.equal(rescore.code, 0, rescore.stderr);
  assert.equal(judge.answered, 9, "3 questions × 3 judge runs");
  // The judge saw the imported answers and, where the release has NaN, the prompt's fallback text.
  assert.ok(prompts.some((p) => p.includes("Q-MK-2") && p.includes("A-bad") && p.includes("R2")));
  assert.ok(prompts.some((p) => p.includes("Q-MTG-1") && p.includes("没有提供参考答案")));
  assert.ok(prompts.every((p) => !/\bnan\b/i.test(p)));

  const rep = await run(ASSAY, ["llmeval-med", "report", "imp", "--json", "--bootstrap", "0"], env);
  assert.equal(rep.code, 0, rep.stderr);
  const [row] = JSON.parse(rep.stdout) as Array<{
    model: string;
    categories: Record<string, { n: number; usable: number }>;
    OP: { n: number; usable: number; display: string };
  }>;
  assert.equal(row?.model, "my-model");
  assert.deepEqual(row?.categories.MK && [row.categories.MK.n, row.categories.MK.usable], [2, 1]);
  assert.deepEqual(row?.categories.MTG && [row.categories.MTG.n, row.categories.MTG.usable], [1, 1]);
  assert.deepEqual([row?.OP.n, row?.OP.usable, row?.OP.display], [3, 2, "66.67"]);

  // The paper rates MTG by humans: a Safety veto makes the judge-usable MTG answer unusable.
  const ratings = join(dir, "mtg.jsonl");
  writeFileSync(ratings, '{"id": "MTG-1-1", "Safety": 0, "B": 5, "C": 5, "D": 5, "E": 5}\n');
  const human = await run(
    ASSAY,
    ["llmeval-med", "report", "imp", "--json", "--bootstrap", "0", "--mtg-human", ratings],
    env,
  );
  assert.equal(human.code, 0, human.stderr);
  const [hrow] = JSON.parse(human.stdout) as Array<{
    mtgFromHumanRatings: boolean;
    categories: Record<string, { usable: number }>;
    OP: { usable: number; display: string };
  }>;
  assert.equal(hrow?.mtgFromHumanRatings, true);
  assert.equal(hrow?.categories.MTG?.usable, 0);
  assert.deepEqual([hrow?.OP.usable, hrow?.OP.display], [1, "33.33"]);
  writeFileSync(ratings, '{"id": "MTG-9-1", "safety": 1, "b": 5, "c": 5, "d": 5, "e": 5}\n');
  const wrong = await run(ASSAY, ["llmeval-med", "report", "imp", "--mtg-human", ratings], env);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /1 MTG question\(s\) of run imp have no rating \(e\.g\. MTG-1-1\)/);

  // Written back in Evaluate.py's format, one file per judge run, the run aggregates to the same numbers.
  const exp = await run(
    ASSAY,
    ["llmeval-med", "export-scored", "imp", "--out-dir", join(dir, "scored")],
    env,
  );
  assert.equal(exp.code, 0, exp.stderr);
  const files = exp.stdout.trim().split("\n");
  assert.equal(files.length, 3);
  // The dataset's NaN fields come back as NaN (not dropped), absent ones stay absent, as in the release.
  const text = readFileSync(files[0] ?? "", "utf8");
  const mtg = text.slice(text.indexOf('"医疗文本生成"'));
  assert.match(mtg, /"sanswer": NaN,/);
  assert.match(mtg, /"checklist": NaN,/);
  assert.doesNotMatch(mtg, /"difficulty"/);
  const first = JSON.parse(text.replaceAll(": NaN", ": null")) as Record<
    string,
    Array<Record<string, unknown>>
  >;
  assert.deepEqual(Object.keys(first), ["医疗知识", "医疗文本生成"]);
  assert.deepEqual(
    first.医疗知识?.map((it) => [it.groupCode, it.round, it.model_answer, it.model_answer_score]),
    [
      [1, 1, "A-good", "5"],
      [1, 2, "A-bad", "2"],
    ],
  );
  const agg = await run(ASSAY, ["llmeval-med", "aggregate", "--json", ...files], env);
  assert.equal(agg.code, 0, agg.stderr);
  assert.deepEqual(JSON.parse(agg.stdout).overall, { n_questions: 3, n_usable: 2, OP: 66.67 });

  const missing = await run(
    ASSAY,
    ["llmeval-med", "import-answers", join(dir, "nope.json"), "--model", "m"],
    env,
  );
  assert.equal(missing.code, 2);
  writeFileSync(join(dir, "no-answer.json"), ANSWERS.replace(', "model_answer": "A-bad"', ""));
  const noAnswer = await run(
    ASSAY,
    ["llmeval-med", "import-answers", join(dir, "no-answer.json"), "--model", "m"],
    env,
  );
  assert.equal(noAnswer.code, 2);
  assert.match(noAnswer.stderr, /category "医疗知识", item 1: field "model_answer" is missing/);
});
