/**
 * End to end through the CLI: `assay eval llmeval-med` against two local OpenAI-compatible servers (one
 * answering, one judging with messy scripted verdicts) on a subset of the real dataset, interrupted in
 * the middle of judging and resumed; then `assay llmeval-med report`.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { isPyDict, PyFloat, type PyValue, parsePyJson } from "../../src/llmeval-med/pyjson.js";
import { tempDir } from "../helpers/cli.js";
import { repoRoot, SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { type ChatRequestBody, startChatServer } from "./servers.js";

const ASSAY = join(repoRoot, "dist", "src", "cli", "main.js");

/** Write a value back in the release's style (NaN literals kept). */
function dumpPy(v: PyValue): string {
  if (v instanceof PyFloat)
    return Number.isNaN(v.value)
      ? "NaN"
      : Number.isFinite(v.value)
        ? String(v.value)
        : v.value > 0
          ? "Infinity"
          : "-Infinity";
  if (Array.isArray(v)) return `[${v.map(dumpPy).join(",")}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${JSON.stringify(k)}:${dumpPy(x)}`).join(",")}}`;
  return JSON.stringify(v);
}

const token = (problem: string) => `ANS-${createHash("sha1").update(problem).digest("hex").slice(0, 10)}`;

// Judge scripts, consumed in arrival order per question; anything past the end is unparseable.
// With judge_attempts=2 and 3 runs, each gives the same valid scores whatever order the runs arrive in.
const GARBAGE = "I am unable to grade this answer.";
const PATTERNS: Array<{ script: string[]; valid: number[]; calls: number }> = [
  { script: ["这个回答还行。", "得分：【4】", "**Score: 5**", "评分：3分"], valid: [4, 5, 3], calls: 4 }, // mean 4 → usable
  {
    script: ['{"判断依据": "核心需求[1]未满足", "得分": "[2]"}', "Final score: [3]", "最终得分：［４］"],
    valid: [2, 3, 4],
    calls: 3,
  },
  { script: [], valid: [], calls: 6 }, // every attempt unparseable → no valid run
  { script: ["[5]", "Rating: 5/5", "评分：4分（满分5分）"], valid: [5, 5, 4], calls: 3 }, // 4.67 → usable
];

function runCli(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

test("eval llmeval-med: multi-turn history, messy verdicts, resume mid-judging, Table 2", {
  timeout: 120_000,
}, async (t) => {
  const datasetPath = sharedPath("data", "llmeval-med", "dataset.json");
  if (!datasetPath) {
    t.skip(SHARED_MISSING);
    return;
  }
  // Subset: per category the first two single-turn conversations and the first multi-turn one.
  const root = parsePyJson(readFileSync(datasetPath, "utf8"));
  assert.ok(isPyDict(root));
  const subset = new Map<string, PyValue>();
  const questions: Array<{ category: string; problem: string; groupCode: string; round: number }> = [];
  for (const [category, list] of root) {
    const items = list as Array<Map<string, PyValue>>;
    const sizes = new Map<string, number>();
    for (const it of items)
      sizes.set(String(it.get("groupCode")), (sizes.get(String(it.get("groupCode"))) ?? 0) + 1);
    const single = [...sizes]
      .filter(([, n]) => n === 1)
      .slice(0, 2)
      .map(([g]) => g);
    const multi = [...sizes]
      .filter(([, n]) => n > 1)
      .slice(0, 1)
      .map(([g]) => g);
    const keep = new Set([...single, ...multi]);
    const chosen = items.filter((it) => keep.has(String(it.get("groupCode"))));
    subset.set(category, chosen);
    for (const it of chosen) {
      questions.push({
        category,
        problem: String(it.get("problem")),
        groupCode: String(it.get("groupCode")),
        round: Number(it.get("round")),
      });
    }
  }
  assert.equal(
    new Set(questions.map((q) => q.problem)).size,
    questions.length,
    "subset problems are distinct",
  );
  const multiTurn = questions.filter((q) => q.round > 1);
  assert.ok(multiTurn.length >= 3, "the subset has multi-turn conversations");

  const patternOf = new Map(questions.map((q, i) => [token(q.problem), PATTERNS[i % PATTERNS.length]!]));
  const totalJudgeCalls = questions.reduce((a, q) => a + (patternOf.get(token(q.problem))?.calls ?? 0), 0);

  const dir = tempDir("llmeval-med-e2e-");
  const subsetPath = join(dir, "subset.json");
  writeFileSync(subsetPath, dumpPy(subset).replace(/\n/g, "\r\n"));

  // Judging server: per question, the pattern's script in arrival order. In phase 1 both servers stop
  // answering after half the judge calls, so the run is interrupted in the middle of judging.
  const consumed = new Map<string, number>();
  let stallAfter = Math.floor(totalJudgeCalls / 2);
  let onStall: (() => void) | undefined;
  let judgeAnswered = 0;
  // Answering server: a reply derived from the question, padded with whitespace (Answer.py strips it).
  const answerer = await startChatServer((body) => {
    if (judgeAnswered >= stallAfter) return undefined;
    const last = body.messages.at(-1);
    return `  ${token(last?.content ?? "")}\n`;
  });
  const judge = await startChatServer((body: ChatRequestBody) => {
    if (judgeAnswered >= stallAfter) {
      onStall?.();
      onStall = undefined;
      return undefined;
    }
    const prompt = body.messages.map((m) => m.content).join("\n");
    const tok = /ANS-[0-9a-f]{10}/.exec(prompt)?.[0] ?? "";
    const n = consumed.get(tok) ?? 0;
    consumed.set(tok, n + 1);
    judgeAnswered++;
    return patternOf.get(tok)?.script[n] ?? GARBAGE;
  });
  t.after(async () => {
    await answerer.close();
    await judge.close();
  });

  const env = {
    ...process.env,
    ASSAY_DB: join(dir, "assay.db"),
    ASSAY_CACHE_DIR: join(dir, "cache"),
    OPENAI_API_KEY: "",
  };
  const common = [
    "--concurrency",
    "4",
    "--judge-concurrency",
    "64",
    "--progress",
    "silent",
    "--max-retries",
    "0",
  ];

  // Phase 1: interrupted once the judge stalls.
  const phase1 = runCli(
    ASSAY,
    [
      "eval",
      "llmeval-med",
      "--model",
      "openai/answerer",
      "--model-base-url",
      answerer.url,
      "--judge",
      "openai/judge",
      "--judge-base-url",
      judge.url,
      "--dataset",
      subsetPath,
      "-T",
      "judge_attempts=2",
      "--run-id",
      "e2e",
      ...common,
    ],
    env,
  );
  onStall = () => phase1.child.kill("SIGINT");
  const r1 = await phase1.done;
  assert.equal(r1.code, 130, `phase 1 should be interrupted\n${r1.stderr}`);
  assert.match(r1.stderr, /missing values \(treated as absent\)/);
  const judgedInPhase1 = judgeAnswered;
  assert.ok(judgedInPhase1 > 0 && judgedInPhase1 < totalJudgeCalls);

  // Phase 2: resume; the judge answers everything.
  stallAfter = Number.POSITIVE_INFINITY;
  const r2 = await runCli(ASSAY, ["resume", "e2e", ...common], env).done;
  assert.equal(r2.code, 0, r2.stderr);

  // Nothing was asked twice: every question answered once, every judge call made once in total.
  assert.equal(answerer.answered, questions.length, "each question answered exactly once across both phases");
  assert.equal(judgeAnswered, totalJudgeCalls, "resume repeated no judge call that had been answered");

  // Multi-turn history: system, then the earlier questions with the model's own (stripped) answers.
  for (const req of answerer.requests) {
    assert.deepEqual(req.messages[0], { role: "system", content: "You are a helpful assistant." });
    const rest = req.messages.slice(1);
    rest.forEach((m, i) => {
      assert.equal(m.role, i % 2 === 0 ? "user" : "assistant");
      if (m.role === "assistant") assert.equal(m.content, token(rest[i - 1]?.content ?? ""));
    });
    assert.equal(req.max_tokens, 2048);
  }
  for (const q of multiTurn) {
    const earlier = questions
      .filter((x) => x.category === q.category && x.groupCode === q.groupCode && x.round <= q.round)
      .sort((a, b) => a.round - b.round)
      .map((x) => x.problem);
    const seen = answerer.requests.some((req) => {
      const users = req.messages.filter((m) => m.role === "user").map((m) => m.content);
      return users.length === q.round && users.every((u, i) => u === earlier[i]);
    });
    assert.ok(seen, `round ${q.round} of ${q.category}/${q.groupCode} was asked with its history`);
  }

  // Table 2 from the stored run vs what the scripts imply (usable = valid mean ≥ 4).
  const rep = await runCli(ASSAY, ["llmeval-med", "report", "e2e", "--json", "--bootstrap", "200"], env).done;
  assert.equal(rep.code, 0, rep.stderr);
  const [row] = JSON.parse(rep.stdout) as Array<{
    model: string;
    categories: Record<string, { n: number; usable: number; invalidRuns: number; noValidRun: number }>;
    OP: { n: number; usable: number; display: string };
  }>;
  assert.equal(row?.model, "openai/answerer");
  const codes: Record<string, string> = {
    医疗知识: "MK",
    医疗语言理解: "MLU",
    医疗推理: "MR",
    医疗安全伦理: "MSE",
    医疗文本生成: "MTG",
  };
  let allUsable = 0;
  for (const [category, code] of Object.entries(codes)) {
    const qs = questions.filter((q) => q.category === category);
    const pats = qs.map((q) => patternOf.get(token(q.problem))!);
    const usable = pats.filter(
      (p) => p.valid.length > 0 && p.valid.reduce((a, b) => a + b, 0) / p.valid.length >= 4,
    ).length;
    allUsable += usable;
    const got: { n: number; usable: number; invalidRuns: number; noValidRun: number } | undefined =
      row?.categories[code];
    assert.equal(got?.n, qs.length, `${code} questions`);
    assert.equal(got?.usable, usable, `${code} usable`);
    assert.equal(
      got?.invalidRuns,
      pats.reduce((a, p) => a + (3 - p.valid.length), 0),
      `${code} invalid runs`,
    );
    assert.equal(
      got?.noValidRun,
      pats.filter((p) => p.valid.length === 0).length,
      `${code} questions without a valid run`,
    );
  }
  assert.equal(row?.OP.n, questions.length);
  assert.equal(row?.OP.usable, allUsable);

  const table = await runCli(ASSAY, ["llmeval-med", "report", "e2e", "--bootstrap", "0"], env).done;
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /model\s+MK\s+MLU\s+MR\s+MSE\s+MTG\s+OP/);
  assert.ok(table.stdout.includes(row?.OP.display ?? "?"), "OP appears in the table");

  // `assay report` uses the task's own layout: both protocols, each named.
  const generic = await runCli(ASSAY, ["report", "e2e"], env).done;
  assert.equal(generic.code, 0, generic.stderr);
  assert.match(generic.stdout, /release protocol \(Aggregate\.py\)[\s\S]*paper protocol \(Table 2\)/);
});
