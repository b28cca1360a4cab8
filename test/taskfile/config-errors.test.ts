import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { registerScorer } from "../../src/scorers/registry.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";
import { assertNoRuns, writeCapitals } from "./helpers.js";

const dir = tempDir();
writeCapitals(dir, "caps.jsonl");

/** Each bad config: its text and the one error line expected (file:line: key: problem). */
const CASES: Array<[string, string, RegExp]> = [
  [
    "unknown key",
    "dataset: caps.jsonl\nmodel: openai/m\nprompst:\n  - hi\n",
    /bad\.yaml:3: prompst: unknown key/,
  ],
  [
    "unknown nested key",
    "dataset: caps.jsonl\nmodels:\n  - id: openai/m\n    baseurl: http://x\n",
    /bad\.yaml:4: models\[0\]\.baseurl: unknown key/,
  ],
  ["wrong type", "dataset: caps.jsonl\nepochs: three\n", /bad\.yaml:2: epochs: .*number/i],
  [
    "missing dataset",
    "# no data\nmodel: openai/m\nscorers: [exact]\n",
    /bad\.yaml:2: dataset: missing: a file path, URL, hf: name or a list of records/,
  ],
  ["bad YAML", "dataset: caps.jsonl\nprompts: [a, b\n", /bad\.yaml:\d+: not valid YAML or JSON/],
  ["not a map", "- dataset\n", /bad\.yaml:1: expected a map of keys/],
  [
    "unknown scorer",
    "dataset: caps.jsonl\nscorers:\n  - exact\n  - scorer: nosuch\n",
    /bad\.yaml:4: scorers\[1\]: unknown scorer "nosuch"/,
  ],
  [
    "unknown reducer",
    "dataset: caps.jsonl\nepoch_reducer: average\n",
    /bad\.yaml:2: epoch_reducer: .*average/,
  ],
  [
    "both prompt and prompts",
    "dataset: caps.jsonl\nprompt: a\nprompts: [b]\n",
    /bad\.yaml:3: prompts: give prompt or prompts, not both/,
  ],
  [
    "bad base_url",
    "dataset: caps.jsonl\nmodel:\n  id: openai/m\n  base_url: ftp://x\n",
    /bad\.yaml:4: model\.base_url: expected an http\(s\) URL/,
  ],
  [
    "unknown provider",
    "dataset: caps.jsonl\nmodels:\n  - openai/m\n  - nosuch/m\n",
    /bad\.yaml:4: models\[1\]: unknown provider "nosuch"/,
  ],
  [
    "fail_under not a number",
    "dataset: caps.jsonl\nfail_under:\n  accuracy: high\n",
    /bad\.yaml:3: fail_under\.accuracy: .*number/i,
  ],
  [
    "fail_under metric no scorer has",
    "dataset: caps.jsonl\nfail_under:\n  f1: 0.5\n",
    /bad\.yaml:2: fail-under f1=0\.5: no scorer computes that metric/,
  ],
  [
    "a built-in task's name",
    "name: qa\ndataset: caps.jsonl\n",
    /bad\.yaml:1: task "qa" has the name of a built-in task/,
  ],
  [
    "a judged scorer without a judge",
    "dataset: caps.jsonl\nmodel: openai/m\nscorers:\n  - exact\n  - scorer: judged\n",
    /bad\.yaml:5: scorers\[1\]: scorer "judged" is graded by a judge model: add judge:/,
  ],
  [
    "inline record without input",
    "dataset:\n  - input: France\n    target: Paris\n  - target: Lima\n",
    /bad\.yaml:4: dataset\[1\]\.input: missing/,
  ],
  [
    "a template naming no field of the records",
    'dataset: caps.jsonl\nmodel: openai/m\nprompt: "Capital of {inptu}?"\n',
    /bad\.yaml:3: prompt: \{inptu\} is not \{input\} nor a field of the dataset's records \(region\)/,
  ],
  [
    "a template without names",
    'dataset: caps.jsonl\nmodel: openai/m\nprompts:\n  - "{input}?"\n  - label: b\n    template: "Capital?"\n',
    /bad\.yaml:6: prompts\[1\]\.template: the template has no \{input\} nor a field/,
  ],
];

// A stand-in for the rubric judge (the registry's own rubric scorer may not be built into this branch).
registerScorer("judged", "test: needs a judge", () => ({
  name: "judged",
  metrics: ["mean"],
  requiresJudge: true,
  score: async () => ({ value: 1 }),
}));

describe("bad configs: one UserError naming file, line and key; exit 2; no run", () => {
  for (const [name, text, expected] of CASES) {
    test(name, async () => {
      const file = join(dir, "bad.yaml");
      writeFileSync(file, text);
      const db = join(dir, `${name.replace(/\W+/g, "-")}.db`);
      const r = await runCli("eval", "-c", file, "--db", db, "--progress", "silent");
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, expected);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assertNoRuns(db);
    });
  }

  test("a missing config file, and flags that belong in the config", async () => {
    const missing = await runCli("eval", "-c", join(dir, "absent.yaml"));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /config .*absent\.yaml: no such file/);
    const file = join(dir, "ok.yaml");
    writeFileSync(file, "dataset: caps.jsonl\n");
    const withT = await runCli("eval", "-c", file, "-T", "x=1");
    assert.equal(withT.code, 2);
    assert.match(withT.stderr, /-T does not apply to a config eval: set it in .*ok\.yaml/);
    const both = await runCli("eval", "qa", "-c", file);
    assert.match(both.stderr, /give a task \(qa\) or -c .*ok\.yaml, not both/);
    const none = await runCli("eval");
    assert.equal(none.code, 2);
    assert.match(none.stderr, /name a task .* or a config \(-c eval\.yaml\)/);
  });
});
