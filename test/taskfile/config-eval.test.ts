import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunSummary } from "../../src/engine/summary.js";
import { RunStore } from "../../src/store/run-store.js";
import type { MockServer } from "../../src/testing/mock-openai-server.js";
import { runDetail, samplePage } from "../../src/view/api.js";
import { tempDir } from "../helpers/cli.js";
import { runCli, runOk } from "../helpers/in-process-cli.js";
import { startCapitalsServer, writeCapitals } from "./helpers.js";

const dir = tempDir();
writeCapitals(dir, "caps.jsonl");
let server: MockServer;
before(async () => {
  server = await startCapitalsServer();
});
after(() => server.close());

function config(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** `assay eval -c FILE` against the mock server, into DB. */
const evalConfig = (file: string, db: string, ...rest: string[]) => [
  "eval",
  "-c",
  file,
  "--db",
  db,
  "--progress",
  "silent",
  "--model-base-url",
  server.url,
  ...rest,
];

const accuracy = (s: RunSummary | undefined) => s?.scorers[0]?.metrics.accuracy;

describe("config-file evals", () => {
  test("two prompts × two models: one run per model, the prompt in metadata and groups, a combined table", async () => {
    const db = join(dir, "multi.db");
    const file = config(
      "multi.yaml",
      `# prompts × models, like promptfoo
description: capitals
dataset: caps.jsonl
prompts:
  - 'Capital of {{ input }}? End with "ANSWER: <city>".'
  - label: region
    template: "In {region}: what is the capital of {input}?"
system: Answer briefly.
few_shot:
  - input: Capital of Italy?
    output: "ANSWER: Rome"
models:
  - id: openai/strong
    base_url: ${server.url}
  - openai/weak
scorers: [exact]
generate: { temperature: 0, max_tokens: 64 }
`,
    );
    // --model-base-url serves every model of the config from the mock server.
    const r = await runCli(...evalConfig(file, db, "--run-id", "multi"));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /model +run +samples +exact/);
    assert.match(r.stdout, /^multi-1 +openai\/strong$/m);
    assert.match(r.stdout, /^multi-2 +openai\/weak$/m);
    const store = new RunStore(db);
    try {
      const strong = store.requireRun("multi-1");
      const weak = store.requireRun("multi-2");
      assert.equal(strong.task, "multi");
      assert.equal(strong.manifest.task.args.config_file, file);
      assert.match(String(strong.manifest.task.args.config), /prompts × models/);
      assert.equal(strong.manifest.generate.temperature, 0);
      const s = strong.summary as RunSummary;
      const w = weak.summary as RunSummary;
      assert.equal(s.samples, 8, "4 samples × 2 prompts");
      assert.equal(accuracy(s), 1);
      assert.equal(accuracy(w), 0.25, "the weak model knows France only");
      assert.deepEqual(Object.keys(s.scorers[0]!.groups.prompt ?? {}).sort(), ["p1", "region"]);
      // The system message, the few-shot turns and the filled template, in that order.
      const sample = store.getSample("multi-1", "peru#region", 1);
      const messages = sample?.messages as Array<{ role: string; content: string }>;
      assert.deepEqual(
        messages.map((m) => m.role),
        ["system", "user", "assistant", "user", "assistant"],
      );
      assert.equal(messages[3]!.content, "In Americas: what is the capital of Peru?");
      const sent = server.requests.find((q) => q.body.model === "strong");
      assert.equal(sent?.body.max_tokens, 64);
    } finally {
      store.close();
    }
  });

  test("--fail-under and fail_under: exit 3 when a metric is below; the view's data path works on the run", async () => {
    const db = join(dir, "gate.db");
    const file = config(
      "gate.yaml",
      `dataset: caps.jsonl
prompt: 'Capital of {input}? End with "ANSWER: <city>".'
model: openai/weak
fail_under:
  exact.accuracy: 0.5
`,
    );
    const base = ["--db", db, "--progress", "silent", "--model-base-url", server.url];
    const failed = await runCli("eval", "-c", file, ...base, "--run-id", "gate1");
    assert.equal(failed.code, 3, failed.stderr);
    assert.match(failed.stderr, /fail-under: FAIL exact\.accuracy = 0\.25 < 0\.5/);
    // The flag alone, on a built-in task too; a metric no scorer computes is a usage error before any run.
    const passed = await runCli(
      "eval",
      "qa",
      "--dataset",
      join(dir, "caps.jsonl"),
      "--model",
      "openai/strong",
      ...base,
      "--fail-under",
      "accuracy=0.9",
      "--run-id",
      "gate2",
    );
    assert.equal(passed.code, 0, passed.stderr);
    assert.match(passed.stderr, /fail-under: ok +exact\.accuracy = 1 ≥ 0\.9/);
    const unknown = await runCli("eval", "-c", file, ...base, "--fail-under", "f1=0.5");
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /fail-under f1=0\.5: no scorer computes that metric \(known: exact\.accuracy/,
    );
    const bad = await runCli("eval", "-c", file, ...base, "--fail-under", "accuracy=high");
    assert.equal(bad.code, 2);

    const store = new RunStore(db);
    try {
      assert.deepEqual(
        store
          .listRuns()
          .map((r) => r.id)
          .sort(),
        ["gate1", "gate2"],
      );
      const detail = runDetail(store, "gate1");
      assert.equal(detail.task, "gate");
      assert.equal(detail.taskReport, null);
      assert.equal(detail.summary?.samples, 4);
      const page = samplePage(store, "gate1", new URLSearchParams());
      assert.equal(page.total, 4);
    } finally {
      store.close();
    }
    const jsonl = await runOk("export", "gate1", "--db", db, "--format", "jsonl");
    assert.equal(jsonl.trim().split("\n").length, 4);
    assert.match(await runOk("report", "gate1", "--db", db), /openai\/weak/);
  });

  test("resume refuses an edited config unless --force; rescore rebuilds the task, also once the file is gone", async () => {
    const db = join(dir, "resume.db");
    const text = `dataset: ${join(dir, "caps.jsonl")}\nprompt: 'Capital of {input}? End with "ANSWER: <city>".'\nmodel: openai/strong\n`;
    const file = config("resume.yaml", text);
    // `assay eval FILE.yaml` is the same as `assay eval -c FILE.yaml`.
    await runOk(...evalConfig(file, db, "--run-id", "cr").filter((a) => a !== "-c"));
    await runOk("resume", "cr", "--db", db, "--progress", "silent");
    writeFileSync(file, `${text}epochs: 1\n`);
    const refused = await runCli("resume", "cr", "--db", db, "--progress", "silent");
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /resume\.yaml was edited since/);
    await runOk("resume", "cr", "--db", db, "--progress", "silent", "--force");
    const { rmSync } = await import("node:fs");
    rmSync(file);
    const rescored = JSON.parse(await runOk("rescore", "cr", "--db", db, "--json")) as { rescored: number };
    assert.equal(rescored.rescored, 4);
  });

  test("JSON configs load too; --json prints one document for all runs", async () => {
    const db = join(dir, "json.db");
    const file = config(
      "eval.json",
      JSON.stringify({
        name: "caps-json",
        dataset: "caps.jsonl",
        prompt: 'Capital of {input}? End with "ANSWER: <city>".',
        models: ["openai/strong", "openai/weak"],
        scorers: [{ scorer: "exact", extract: true }],
      }),
    );
    const out = await runOk(...evalConfig(file, db, "--json"));
    const doc = JSON.parse(out) as { runs: Array<{ model: string; summary: RunSummary }> };
    const listed = JSON.parse(await runOk("tasks", file, "--json")) as {
      tasks: Array<{ name: string; models: string[] }>;
    };
    assert.deepEqual(
      listed.tasks.map((t) => [t.name, t.models]),
      [["caps-json", ["openai/strong", "openai/weak"]]],
    );
    assert.deepEqual(
      doc.runs.map((r) => r.model),
      ["openai/strong", "openai/weak"],
    );
    assert.deepEqual(
      doc.runs.map((r) => accuracy(r.summary)),
      [1, 0.25],
    );
  });
});
