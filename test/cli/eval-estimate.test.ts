import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

test("--dry-run counts a multi-turn task's calls per turn, and its judge runs per turn", async () => {
  const dir = tempDir();
  const item = (round: number, groupCode: number) => ({
    ...{ category1: "a", category2: "b", scene: "s", round, problem: `问题${groupCode}-${round}` },
    ...{ groupCode, sanswer: "答", difficulty: "easy", checklist: "1. x" },
  });
  // Two conversations: one of two turns, one of one.
  writeFileSync(join(dir, "d.json"), JSON.stringify({ 医疗知识: [item(1, 1), item(2, 1), item(1, 2)] }));
  const r = await runCli(
    ...["eval", "llmeval-med", "--dataset", join(dir, "d.json"), "--model", "openai/gpt-4o-mini"],
    ...["--judge", "openai/gpt-4o", "-T", "judge_runs=2", "--dry-run", "--json", "--db", join(dir, "r.db")],
  );
  assert.equal(r.code, 0, r.stderr);
  const e = JSON.parse(r.stdout) as {
    units: number;
    model: { calls: number; outputTokens: number };
    judge: { calls: number; callsAtLeast: boolean };
  };
  assert.equal(e.units, 2);
  assert.equal(e.model.calls, 3, "one answer per turn");
  assert.equal(e.model.outputTokens, 3 * 2048);
  assert.equal(e.judge.calls, 6, "each turn judged judge_runs = 2 times");
  assert.equal(e.judge.callsAtLeast, false);
  const text = await runCli(
    ...["eval", "llmeval-med", "--dataset", join(dir, "d.json"), "--model", "openai/gpt-4o-mini"],
    ...["--judge", "openai/gpt-4o", "--dry-run", "--db", join(dir, "r.db")],
  );
  assert.match(text.stdout, /judge openai\/gpt-4o: 9 calls, .*set --judge-max-tokens/);
});

test("--dry-run on a config eval with two models prints both estimates and no error", async () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, "d.jsonl"),
    '{"input":"France","target":"Paris"}\n{"input":"Peru","target":"Lima"}\n',
  );
  const config = join(dir, "eval.yaml");
  writeFileSync(config, 'dataset: d.jsonl\nprompt: "Capital of {input}?"\nmodels: [openai/a, openai/b]\n');
  const db = join(dir, "r.db");
  const r = await runCli("eval", "-c", config, "--dry-run", "--db", db);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.match(/^dry run \(nothing sent\)/gm)?.length, 2);
  assert.doesNotMatch(r.stderr, /error|: run /);
  assert.match(r.stderr, /\[2\/2\] openai\/b$/m);
  assert.ok(
    !existsSync(db) || !(await runCli("runs", "--db", db)).stdout.includes("eval-"),
    "no run created",
  );
});
