/**
 * `assay judge-audit` against scripted judges on a loopback server: a fair judge passes every probe, a
 * judge that always prefers the first answer is flagged for position bias (and misses planted errors),
 * and a judge that prefers the longer answer is flagged for verbosity bias (and misses planted errors).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { padAnswer, plantError } from "../../src/pairwise/audit-probes.js";
import { Rng } from "../../src/stats/rng.js";
import { RunStore } from "../../src/store/run-store.js";
import { lastUserText, type MockServer, startMockServer } from "../../src/testing/mock-openai-server.js";
import { writeQaRun } from "../compare/fixture.js";
import { runCli } from "../helpers/in-process-cli.js";

const dir = mkdtempSync(join(tmpdir(), "assay-audit-"));
const db = join(dir, "runs.db");
let server: MockServer;
const TRUTHS = [42, 17, 63, 28, 55, 71, 36, 49];

function between(text: string, start: string, end: string): string {
  const i = text.indexOf(start);
  const j = text.indexOf(end, i + start.length);
  return i < 0 || j < 0 ? "" : text.slice(i + start.length, j).trim();
}

/** The judges: by model name. The fair one knows the truth from the question ("Question s42?"). */
function judge(model: string, prompt: string): string {
  const a = between(prompt, "[Answer of assistant A]", "[End of answer A]");
  const b = between(prompt, "[Answer of assistant B]", "[End of answer B]");
  if (model === "first") return "Both are fine, but the first is better.\n[[A]]";
  if (model === "longer") return a.length > b.length ? "[[A]]" : a.length < b.length ? "[[B]]" : "[[C]]";
  const truth = /Question s(\d+)\?/.exec(prompt)?.[1];
  const right = (x: string) => [...x.matchAll(/\d+/g)].at(-1)?.[0] === truth;
  return right(a) && !right(b) ? "[[A]]" : right(b) && !right(a) ? "[[B]]" : "[[C]]";
}

before(async () => {
  server = await startMockServer({ reply: (req) => judge(req.model, lastUserText(req)) });
  const store = new RunStore(db);
  writeQaRun(store, {
    runId: "answers",
    model: "openai/student",
    samples: TRUTHS.map((t) => ({ id: `s${t}`, value: 1, output: `The result is ${t}.` })),
  });
  // The judge's own answers: as right, as long, worded differently.
  writeQaRun(store, {
    runId: "own",
    model: "openai/judge",
    samples: TRUTHS.map((t) => ({ id: `s${t}`, value: 1, output: `Answer: ${t} it is.` })),
  });
  store.close();
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function audit(
  model: string,
): Promise<Record<string, { flagged: boolean | null; value: number; n: number }>> {
  const r = await runCli(
    "judge-audit",
    "--judge",
    `openai/${model}`,
    "--judge-base-url",
    server.url,
    "--run",
    "answers",
    "--self-run",
    "own",
    "--repeats",
    "3",
    "--rounds",
    "200",
    "--db",
    db,
    "--run-id",
    `audit-${model}`,
    "--json",
  );
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    probes: Array<{ probe: string; flagged: boolean | null; value: number; n: number }>;
  };
  return Object.fromEntries(report.probes.map((p) => [p.probe, p]));
}

describe("judge-audit", () => {
  test("probe construction: padding keeps the answer, a planted error changes exactly one number", () => {
    const padded = padAnswer("The result is 42.");
    assert.ok(padded.startsWith("The result is 42.") && padded.length > 80);
    const planted = plantError("Step 3: add 40 and 2 to get 42.", new Rng(1))!;
    assert.match(planted.change, /^42 → \d+$/);
    assert.equal(planted.text.replace(/\d+\.$/, ""), "Step 3: add 40 and 2 to get ");
    assert.equal(plantError("no numbers here", new Rng(1)), undefined);
  });

  test("a fair judge passes every probe", async () => {
    const p = await audit("fair");
    for (const name of ["position", "verbosity", "planted", "self", "stability"])
      assert.equal(p[name]!.flagged, false, `${name}: ${JSON.stringify(p[name])}`);
    assert.equal(p.position!.value, 0);
    assert.equal(p.planted!.value, 1);
    assert.equal(p.planted!.n, TRUTHS.length);
    assert.equal(p.self!.n, TRUTHS.length);
  });

  test("a first-position judge is flagged for position bias and misses planted errors", async () => {
    const p = await audit("first");
    assert.equal(p.position!.flagged, true);
    assert.equal(p.position!.value, 1);
    assert.equal(p.planted!.flagged, true);
    assert.equal(p.planted!.value, 0.5);
    assert.equal(p.verbosity!.flagged, false);
    assert.equal(p.self!.flagged, false);
  });

  test("a length-loving judge is flagged for verbosity bias, not position bias", async () => {
    const p = await audit("longer");
    assert.equal(p.verbosity!.flagged, true);
    assert.equal(p.verbosity!.value, 1);
    assert.equal(p.position!.flagged, false);
    assert.equal(p.planted!.flagged, true);
    assert.equal(p.self!.flagged, false);
    assert.equal(p.stability!.flagged, false);
  });

  test("the audit is an ordinary run: report and a second audit from the cache", async () => {
    const before = server.requests.length;
    const r = await runCli("report", "audit-fair", "--db", db);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /position\s+ok/);
    assert.equal(server.requests.length, before);
  });
});
