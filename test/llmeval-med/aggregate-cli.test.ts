import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { repoRoot } from "../helpers/shared.js";

const cli = join(repoRoot, "dist", "src", "cli", "main.js");
const fixtures = join(repoRoot, "test", "llmeval-med", "fixtures");

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, "llmeval-med", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("assay llmeval-med aggregate", () => {
  // fixtures/run1.pyjson + run2.pyjson are in Evaluate.py's format (named .pyjson for their NaN literals)
  // and hold the release's edge cases: NaN and Infinity literals, -1, "", "x", "4.5", a question without groupCode/round, round 1.0 vs 1 (distinct for Python's str), an
  // unknown category, categories in different orders. The expected lines were printed by the release's
  // Aggregate.py for the same two files.
  test("prints exactly the numbers the release's Aggregate.py prints", () => {
    const r = run("aggregate", join(fixtures, "run1.pyjson"), join(fixtures, "run2.pyjson"));
    assert.equal(r.code, 0, r.stderr);
    const numbers = r.stdout.split("\n").filter((l) => l.includes("%"));
    assert.deepEqual(numbers, [
      "    MK (医疗知识):  50.00%  (3/6)",
      "    MR (医疗推理):  33.33%  (1/3)",
      "  Other (Other): 100.00%  (1/1)",
      "  OP        :  50.00%  (5/10)",
    ]);
  });

  test("--json has the release summary's shape and values", () => {
    const r = run("aggregate", "--json", join(fixtures, "run1.pyjson"), join(fixtures, "run2.pyjson"));
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.deepEqual(
      Object.entries(s.per_category).map(([code, v]) => {
        const c = v as Record<string, unknown>;
        return [code, c.category, c.n_questions, c.n_usable, c.usability_rate];
      }),
      [
        ["MK", "医疗知识", 6, 3, 50.0],
        ["MR", "医疗推理", 3, 1, 33.33],
        ["Other", "Other", 1, 1, 100.0],
      ],
    );
    assert.deepEqual(s.overall, { n_questions: 10, n_usable: 5, OP: 50.0 });
  });

  test("bad input exits 2 with a one-line message naming the file", () => {
    const r = run("aggregate", join(fixtures, "does-not-exist.json"));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does-not-exist\.json/);
    const bad = run("aggregate", "--protocol", "mean", join(fixtures, "run1.pyjson"));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--protocol/);
  });
});
