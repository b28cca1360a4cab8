/**
 * `assay pairwise` end to end: three stored qa runs of known quality, judged by scripted local judges.
 * A fair judge must rank them in their true order with consistent verdicts; a judge that always picks the
 * first answer must show up as position-inconsistent with every item a tie.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { lastUserText, type MockServer, startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

const N = 20;

/** Which items each model gets right: good all, mid the even ones, bad none. */
function answer(model: string, item: number): string {
  const right = model === "good" || (model === "mid" && item % 2 === 0);
  return right ? `ANSWER: right-${item}` : `ANSWER: wrong-${item}`;
}

function between(text: string, start: string, end: string): string {
  const i = text.indexOf(start);
  const j = text.indexOf(end, i + start.length);
  return i < 0 || j < 0 ? "" : text.slice(i + start.length, j);
}

async function setup(): Promise<{ db: string; server: MockServer }> {
  const dir = tempDir("pairwise-");
  const data = join(dir, "qa.jsonl");
  writeFileSync(
    data,
    Array.from({ length: N }, (_, i) =>
      JSON.stringify({ id: `q${i}`, input: `question ${i}`, target: `right-${i}` }),
    ).join("\n"),
  );
  const server = await startMockServer({
    reply: (req) => {
      const m = /question (\d+)/.exec(lastUserText(req));
      return answer(req.model, Number(m?.[1] ?? -1));
    },
  });
  const db = join(dir, "runs.db");
  for (const model of ["good", "mid", "bad"]) {
    const r = await runCli(
      ...["eval", "qa", "--dataset", data, "--model", `openai/${model}`, "--model-base-url", server.url],
      ...["--db", db, "--run-id", model, "--progress", "silent"],
    );
    assert.equal(r.code, 0, r.stderr);
  }
  return { db, server };
}

test("a fair judge ranks three runs in their true order, consistently in both orders", async () => {
  const { db, server } = await setup();
  const judge = await startMockServer({
    reply: (req) => {
      const p = lastUserText(req);
      const a = between(p, "[Answer of assistant A]", "[End of answer A]").includes("right");
      const b = between(p, "[Answer of assistant B]", "[End of answer B]").includes("right");
      return `Comparing… ${a === b ? "[[C]]" : a ? "[[A]]" : "[[B]]"}`;
    },
  });
  try {
    const r = await runCli(
      ...["pairwise", "good", "mid", "bad", "--judge", "openai/fair", "--judge-base-url", judge.url],
      ...["--db", db, "--json", "--rounds", "200", "--run-id", "pw-fair", "--style-control"],
    );
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    // The HTML report: the rating chart (one row per run) and the win-rate heatmap, no script.
    const page = await runCli("report", "pw-fair", "--db", db, "--format", "html");
    assert.equal(page.code, 0, page.stderr);
    assert.doesNotMatch(page.stdout, /<script/i);
    assert.match(page.stdout, /Bradley–Terry rating/);
    assert.equal((page.stdout.match(/% ?<\/text>/g) ?? []).length, 6, "3 runs: 6 off-diagonal win rates");
    // Style control keeps the order when the judge does not reward style.
    assert.deepEqual(
      report.styleControlled.ratings.map((x: { run: string }) => x.run),
      ["good", "mid", "bad"],
    );
    assert.deepEqual(
      report.ratings.map((x: { run: string }) => x.run),
      ["good", "mid", "bad"],
    );
    for (const x of report.ratings) assert.ok(x.eloLo <= x.elo && x.elo <= x.eloHi, JSON.stringify(x));
    const pair = (a: string, b: string) =>
      report.pairs.find((p: { runA: string; runB: string }) => p.runA === a && p.runB === b);
    // good vs mid: good wins the 10 odd items, ties the 10 even ones.
    // Pairs are formed in the order the runs are given: (good, mid), (good, bad), (mid, bad).
    assert.deepEqual([pair("good", "bad").winsA, pair("good", "bad").winsB], [N, 0]);
    assert.deepEqual([pair("good", "mid").winsA, pair("good", "mid").ties], [N / 2, N / 2]);
    assert.deepEqual([pair("mid", "bad").winsA, pair("mid", "bad").ties], [N / 2, N / 2]);
    for (const p of report.pairs) assert.equal(p.positionConsistency, 1);
    // 3 pairs × 20 items, each judged in 2 orders; identical prompts (the same two answers met in another
    // pair) come from the cache: (mid, bad) on even items is (good, bad)'s prompt, (good, mid) on odd ones too.
    assert.equal(
      report.pairs.reduce((s: number, p: { items: number }) => s + p.items, 0),
      3 * N,
    );
    // Two identical prompts in flight at the same moment may both reach the judge (the cache holds answers,
    // not requests in progress), so the count lies between the two bounds.
    assert.ok(
      judge.requests.length >= 3 * N * 2 - 2 * (N / 2) * 2 && judge.requests.length <= 3 * N * 2,
      `${judge.requests.length} judge requests`,
    );
    // An ordinary run: resumable and shown like any other.
    const shown = await runCli("show", "pw-fair", "--db", db);
    assert.match(shown.stdout, /pairwise/);
  } finally {
    await judge.close();
    await server.close();
  }
});

test("a judge that always prefers the first answer is caught: no consistent verdict, first position always wins", async () => {
  const { db, server } = await setup();
  const judge = await startMockServer({ reply: () => "Clearly the first one. [[A]]" });
  try {
    const r = await runCli(
      ...["pairwise", "good", "bad", "--judge", "openai/biased", "--judge-base-url", judge.url],
      ...["--db", db, "--json", "--rounds", "50"],
    );
    assert.equal(r.code, 0, r.stderr);
    const [p] = JSON.parse(r.stdout).pairs;
    assert.equal(p.positionConsistency, 0);
    assert.equal(p.firstPositionWinRate, 1);
    assert.equal(p.ties, N);
    assert.equal(p.inconsistent.length, N);
    assert.equal(p.winRateA, 50);
  } finally {
    await judge.close();
    await server.close();
  }
});

test("a judge that never gives a readable verdict: exit 5 with the cause, not a Ctrl-C 'interrupted'", async () => {
  const { db, server } = await setup();
  const judge = await startMockServer({ reply: () => "Both answers have merit." });
  try {
    const r = await runCli(
      ...["pairwise", "good", "bad", "--judge", "openai/vague", "--judge-base-url", judge.url],
      ...["--db", db, "--run-id", "pw-vague", "--progress", "silent"],
    );
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /no sample succeeded/);
    assert.match(r.stderr, /^ {2}20 × scorer pairwise: neither order.s reply has a readable verdict/m);
    assert.match(r.stderr, /assay retry-errors pw-vague/);
    assert.doesNotMatch(r.stderr, /continue with {2}assay resume/);
  } finally {
    await judge.close();
    await server.close();
  }
});
