/**
 * End to end through the command line: `assay eval qa --model gguf/<tiny.gguf>` on a random model our
 * converter wrote. Its answers are gibberish; what is checked is that the run completes through the real
 * CLI, with every answer and its token counts stored in the run database.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { repoRoot } from "../helpers/shared.js";
import { tempDir, writeTinyGguf } from "./gguf-helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");

function assay(args: string[], env: Record<string, string>) {
  const res = spawnSync(process.execPath, [CLI, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

interface ExportLine {
  sample_id: string;
  output: string | null;
  input_tokens: number;
  output_tokens: number;
  error: string | null;
}

describe("assay eval with the gguf provider", () => {
  test("a qa run on a tiny GGUF model completes with stored outputs and token counts", () => {
    const dir = tempDir("gguf-cli");
    const { path } = writeTinyGguf(dir, { seed: 3 });
    const dataset = join(dir, "qa.jsonl");
    const records = [
      { id: "a", input: "What is 2 + 2?", target: "4" },
      { id: "b", input: "Name a colour.", target: "red" },
      { id: "c", input: "Capital of Italy?", target: "Rome" },
    ];
    writeFileSync(dataset, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const db = join(dir, "runs.db");
    const env = {
      ASSAY_CACHE_DIR: join(dir, "cache"),
      ASSAY_GGUF_GPU: "off",
      ASSAY_GGUF_THREADS: "1",
      ASSAY_GGUF_SEQUENCES: "2",
    };
    const maxTokens = 6;
    const run = assay(
      [
        "eval",
        "qa",
        "--model",
        `gguf/${path}`,
        "--dataset",
        dataset,
        "--db",
        db,
        "--max-tokens",
        String(maxTokens),
      ].concat(["--concurrency", "4", "--progress", "silent", "--json"]),
      env,
    );
    assert.equal(run.code, 0, `exit ${run.code}\n${run.stderr}`);
    const result = JSON.parse(run.stdout) as {
      runId: string;
      status: string;
      ran: number;
      failed: number;
      summary: { samples: number; tokens: { input: number; output: number } };
    };
    assert.equal(result.status, "completed");
    assert.equal(result.ran, 3);
    assert.equal(result.failed, 0);
    assert.ok(result.summary.tokens.output > 0 && result.summary.tokens.output <= 3 * maxTokens);

    const exported = assay(["export", result.runId, "--format", "jsonl", "--db", db], env);
    assert.equal(exported.code, 0, exported.stderr);
    const lines = exported.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as ExportLine);
    assert.deepEqual(lines.map((l) => l.sample_id).sort(), ["a", "b", "c"]);
    let input = 0;
    let output = 0;
    for (const l of lines) {
      assert.equal(l.error, null);
      assert.equal(typeof l.output, "string");
      // Every byte of the rendered prompt is one token of the placeholder vocabulary.
      const question = records.find((r) => r.id === l.sample_id)?.input ?? "";
      assert.ok(l.input_tokens > question.length, `input tokens ${l.input_tokens}`);
      assert.ok(l.output_tokens >= 1 && l.output_tokens <= maxTokens, `output tokens ${l.output_tokens}`);
      input += l.input_tokens;
      output += l.output_tokens;
    }
    assert.equal(input, result.summary.tokens.input);
    assert.equal(output, result.summary.tokens.output);
  });

  test("a missing model file stops the command with exit code 2 and names the file", () => {
    const dir = tempDir("gguf-cli-missing");
    const dataset = join(dir, "qa.jsonl");
    writeFileSync(dataset, '{"input": "x", "target": "y"}\n');
    const missing = join(dir, "nowhere.gguf");
    const run = assay(
      ["eval", "qa", "--model", `gguf/${missing}`, "--dataset", dataset, "--db", join(dir, "r.db")],
      {},
    );
    assert.equal(run.code, 2);
    assert.ok(run.stderr.includes(missing) && /does not exist/.test(run.stderr), run.stderr);
  });
});
