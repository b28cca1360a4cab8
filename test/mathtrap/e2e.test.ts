/**
 * End to end through the CLI against local OpenAI-compatible servers:
 * - an "oracle" model that answers with the public data's reference responses (original solutions,
 *   the flaw-identifying gpt4_annotation for traps, the right True/False for conceptual questions);
 * - a "wrong" model that answers every original with a wrong number, every trap with a number, and
 *   every conceptual question with the wrong truth value;
 * - a judge that says YES only to the oracle's trap responses.
 * Expected (derived from how the servers were built, not from running the code): the oracle scores
 * 100% everywhere with every original decided by rule; the wrong model scores 0% everywhere.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  loadConceptual,
  loadGsm8kTest,
  loadTrapRecords,
  problemsFromRecords,
} from "../../src/mathtrap/data.js";
import type { RunMathtrapReport } from "../../src/mathtrap/report.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { type FakeMessage, type FakeServer, startFakeServer } from "./fake-server.js";

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), "run-cli.js");

function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [RUNNER, ...args],
      { env: { ...process.env, ...env, OPENAI_API_KEY: "test" }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function lastUser(messages: FakeMessage[]): string {
  return (
    [...messages]
      .reverse()
      .find((m) => m.role === "user")
      ?.content.trim() ?? ""
  );
}

/** The text between "Response to grade:/check:" and the closing >>> in our judge prompts. */
function gradedResponse(prompt: string): string {
  const m = /Response to (?:grade|check):\n<<<\n([\s\S]*?)\n>>>/.exec(prompt);
  return m?.[1]?.trim() ?? "";
}

const dataDir = sharedPath("data", "mathtrap");

describe("mathtrap end to end", { skip: dataDir ? false : SHARED_MISSING }, () => {
  let oracle: FakeServer;
  let wrong: FakeServer;
  let judge: FakeServer;
  let generator: FakeServer;
  const judgeCalls = { trap: 0, original: 0, conceptual: 0 };
  /** Conversation lengths the oracle saw, to check that few-shot demonstrations arrive. */
  const oracleLengths: number[] = [];
  const work = mkdtempSync(join(tmpdir(), "mathtrap-e2e-"));
  const db = join(work, "runs.db");

  before(async () => {
    const dir = dataDir as string;
    const records = loadTrapRecords(join(dir, "MathTrap_Public.json"));
    const { originals, traps } = problemsFromRecords(records);
    const concepts = loadConceptual(join(dir, "Concept.jsonl"));
    const answers = new Map<string, string>();
    for (const o of originals) answers.set(o.question.trim(), o.solution);
    for (const r of records) answers.set(r.trapProblem.trim(), r.gpt4Annotation ?? "");
    const flawFound = new Set(records.map((r) => (r.gpt4Annotation ?? "").trim()));
    const conceptOf = (prompt: string) => concepts.find((c) => prompt.startsWith(c.question.trim()));
    assert.equal(traps.length, 104);

    oracle = await startFakeServer((messages) => {
      oracleLengths.push(messages.length);
      const prompt = lastUser(messages);
      const direct = answers.get(prompt);
      if (direct !== undefined) return direct;
      const c = conceptOf(prompt);
      if (c) return `${c.answer ? "True" : "False"}. That follows from the definitions.`;
      throw new Error(`oracle: unknown prompt ${prompt.slice(0, 80)}`);
    });
    wrong = await startFakeServer((messages) => {
      const prompt = lastUser(messages);
      const c = conceptOf(prompt);
      if (c) return `${c.answer ? "False" : "True"}.`;
      const original = originals.find((o) => o.question.trim() === prompt);
      if (original) return "After some work, the answer is \\boxed{987654321}.";
      return "Solving step by step gives 42.\n#### 42";
    });
    judge = await startFakeServer((messages) => {
      const prompt = lastUser(messages);
      const response = gradedResponse(prompt);
      if (prompt.includes("deliberately made unsolvable")) {
        judgeCalls.trap++;
        return flawFound.has(response)
          ? "It names the same flaw.\n**VERDICT: YES**"
          : "It just computes a number.\nVERDICT: NO";
      }
      if (prompt.includes("true-or-false")) judgeCalls.conceptual++;
      else judgeCalls.original++;
      return "Different final answer.\nVERDICT: NO";
    });
    generator = await startFakeServer((messages) => {
      const prompt = lastUser(messages);
      const problem = /Original problem:\n<<<\n([\s\S]*?)\n>>>/.exec(prompt)?.[1] ?? "";
      const type = /Kind of flaw to introduce: (.*)/.exec(prompt)?.[1] ?? "";
      return `Here you go:\n\`\`\`json\n${JSON.stringify({ trap_problem: `${problem} Assume also that the total is negative.`, human_annotation: `A count cannot be negative (${type}).` })}\n\`\`\``;
    });
  });

  after(async () => {
    await Promise.all([oracle?.close(), wrong?.close(), judge?.close(), generator?.close()]);
    rmSync(work, { recursive: true, force: true });
  });

  function evalArgs(model: string, server: FakeServer, runId: string, extra: string[] = []): string[] {
    return [
      "eval",
      "mathtrap",
      "--model",
      `openai/${model}`,
      "--model-base-url",
      server.baseUrl,
      "--judge",
      "openai/judge",
      "--judge-base-url",
      judge.baseUrl,
      "--dataset",
      dataDir as string,
      "--db",
      db,
      "--run-id",
      runId,
      "--progress",
      "silent",
      "--json",
      ...extra,
    ];
  }

  test("oracle: 100% by rule on originals, 100% on traps and conceptual; wrong model: 0%", async () => {
    const good = await runCli(evalArgs("oracle", oracle, "good"));
    assert.equal(good.code, 0, good.stderr);
    assert.equal(judgeCalls.original, 0, "the judge must not be asked about originals the rule decides");
    assert.equal(judgeCalls.conceptual, 0);
    assert.equal(judgeCalls.trap, 104 * 3, "three judge samples per trap problem");
    const bad = await runCli(evalArgs("wrong", wrong, "bad"));
    assert.equal(bad.code, 0, bad.stderr);

    const rep = await runCli([
      "mathtrap",
      "report",
      "good",
      "bad",
      "--db",
      db,
      "--json",
      "--resamples",
      "200",
    ]);
    assert.equal(rep.code, 0, rep.stderr);
    const [g, b] = JSON.parse(rep.stdout) as RunMathtrapReport[];
    assert.ok(g && b);
    assert.deepEqual(
      [
        g.report.overall.conceptual.value,
        g.report.overall.original.value,
        g.report.overall.trap.value,
        g.report.overall.ratio.value,
      ],
      [100, 100, 100, 100],
    );
    assert.equal(g.report.overall.original.n, 40);
    assert.equal(g.report.overall.trap.n, 104);
    assert.equal(g.report.overall.conceptual.n, 132);
    assert.deepEqual(g.decidedBy.original, { rule: 40 });
    assert.deepEqual(g.decidedBy.conceptual, { rule: 132 });
    assert.deepEqual(g.decidedBy.trap, { judge: 104 });
    assert.equal(g.judge.meanAgreement, 1);
    assert.equal(Object.keys(g.report.byTrapType).length, 5);
    assert.equal(g.report.bySubject.GSM8K?.trap.n, 14);

    assert.deepEqual(
      [b.report.overall.conceptual.value, b.report.overall.original.value, b.report.overall.trap.value],
      [0, 0, 0],
    );
    assert.equal(b.report.overall.ratio.value, null); // Original = 0
    // Numeric references are decided by rule; tuples, intervals and words go to the judge.
    assert.ok((b.decidedBy.original?.rule ?? 0) >= 30, JSON.stringify(b.decidedBy));
    assert.equal((b.decidedBy.original?.rule ?? 0) + (b.decidedBy.original?.judge ?? 0), 40);

    const text = await runCli([
      "mathtrap",
      "report",
      "good",
      "bad",
      "--db",
      db,
      "--breakdown",
      "--resamples",
      "100",
    ]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /\| Model\s+\| Conceptual\s+\| Original\s+\| Trap\s+\| Ratio\s+\|/);
    assert.match(text.stdout, /\| openai\/oracle \| 100\.0 \[100\.0, 100\.0\]/);
    assert.match(text.stdout, /\| openai\/wrong\s+\| 0\.0 \[0\.0, 0\.0\]/);
    assert.match(text.stdout, /By trap type/);
  });

  test("originals alone need no judge; traps without one are a usage error", async () => {
    const args = evalArgs("oracle", oracle, "nojudge", ["-T", "kinds=original"]);
    const noJudge = args.filter(
      (a, i) =>
        !["--judge", "--judge-base-url"].includes(a) &&
        !["--judge", "--judge-base-url"].includes(args[i - 1] ?? ""),
    );
    const r = await runCli(noJudge);
    assert.equal(r.code, 0, r.stderr);
    const rep = await runCli(["mathtrap", "report", "nojudge", "--db", db, "--json", "--resamples", "50"]);
    const [n] = JSON.parse(rep.stdout) as RunMathtrapReport[];
    assert.equal(n?.report.overall.original.value, 100);
    assert.deepEqual(n?.decidedBy, { original: { rule: 40 } });
    const withTraps = noJudge.map((a) =>
      a === "kinds=original" ? "kinds=trap" : a === "nojudge" ? "nojudge2" : a,
    );
    const bad = await runCli(withTraps);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--judge/);
  });

  test("5-shot variant sends demonstrations and still scores the oracle at 100%", async () => {
    oracleLengths.length = 0;
    const r = await runCli(
      evalArgs("oracle", oracle, "fewshot", [
        "-T",
        "variant=5-shot",
        "-T",
        "kinds=original|trap",
        "-T",
        "judge_samples=1",
      ]),
    );
    assert.equal(r.code, 0, r.stderr);
    // Five user/assistant demonstration pairs, then the problem.
    assert.equal(oracleLengths.length, 144);
    assert.ok(
      oracleLengths.every((n) => n === 11),
      `conversation lengths ${[...new Set(oracleLengths)].join(",")}`,
    );
    const rep = await runCli(["mathtrap", "report", "fewshot", "--db", db, "--json", "--resamples", "50"]);
    const [f] = JSON.parse(rep.stdout) as RunMathtrapReport[];
    assert.equal(f?.variant, "5-shot");
    assert.equal(f?.report.overall.trap.value, 100);
    assert.equal(f?.report.overall.original.value, 100);
    assert.equal(f?.report.overall.conceptual.value, null);
  });

  test("generate writes unverified records; approve verifies; eval sees only verified ones", async (t) => {
    const source = sharedPath("data", "mathtrap", "GSM8K_test.jsonl");
    if (!source) {
      t.skip(SHARED_MISSING);
      return;
    }
    const out = join(work, "generated.jsonl");
    const gen = await runCli([
      "mathtrap",
      "generate",
      "--from",
      source,
      "--limit",
      "5",
      "--types",
      "Missing Condition,direct-contradiction",
      "--model",
      "openai/gen",
      "--model-base-url",
      generator.baseUrl,
      "--out",
      out,
      "--progress",
      "silent",
    ]);
    assert.equal(gen.code, 0, gen.stderr);
    const records = loadTrapRecords(out);
    assert.equal(records.length, 5);
    assert.deepEqual(
      records.map((r) => r.trapType),
      [
        "Missing Condition",
        "Direct Contradiction",
        "Missing Condition",
        "Direct Contradiction",
        "Missing Condition",
      ],
    );
    assert.ok(records.every((r) => !r.verified && r.source === "GSM8K"));
    const firstSource = loadGsm8kTest(source)[0];
    assert.equal(records[0]?.originalProblem, firstSource?.question);
    assert.ok(records[0]?.trapProblem.endsWith("the total is negative."));
    assert.equal(records[0]?.generation?.model, "openai/gen");

    const again = await runCli([
      "mathtrap",
      "generate",
      "--from",
      source,
      "--model",
      "openai/gen",
      "--model-base-url",
      generator.baseUrl,
      "--out",
      out,
    ]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists: pass --force/);

    const listing = await runCli(["mathtrap", "approve", out]);
    assert.match(listing.stdout, /5 of 5 record\(s\) await review/);
    const ap = await runCli([
      "mathtrap",
      "approve",
      out,
      "--index",
      "0,2",
      "--reject",
      "4",
      "--by",
      "tester",
    ]);
    assert.equal(ap.code, 0, ap.stderr);
    const after = loadTrapRecords(out);
    assert.equal(after.length, 4);
    assert.deepEqual(
      after.map((r) => r.verified),
      [true, false, true, false],
    );
    assert.equal(
      JSON.parse(readFileSync(out, "utf8").split("\n")[0] ?? "{}").generation.approved_by,
      "tester",
    );

    const ev = await runCli([
      ...evalArgs("wrong", wrong, "generated", ["-T", "kinds=trap", "-T", "judge_samples=1"]).map((a) =>
        a === dataDir ? out : a,
      ),
    ]);
    assert.equal(ev.code, 0, ev.stderr);
    const rep = await runCli(["mathtrap", "report", "generated", "--db", db, "--json", "--resamples", "50"]);
    const [r] = JSON.parse(rep.stdout) as RunMathtrapReport[];
    assert.equal(r?.report.overall.trap.n, 2, "only the two approved records are evaluated");
  });
});
