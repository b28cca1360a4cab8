/**
 * The Kubernetes Indexed Job manifest (deploy/k8s/eval-indexed-job.yaml): its documents are well formed
 * (Indexed completion, 4 completions), and the shell commands its pods run work: each index's command,
 * run here with JOB_COMPLETION_INDEX set (paths and model pointed at a temp folder and a local server),
 * writes its shard, a second run of a finished index resumes instead of starting over, and the merge
 * job's command joins the four into the unsharded run.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { type MockServer, startMockServer } from "../../src/testing/mock-openai-server.js";
import { CLI, runCli, tempDir } from "../helpers/cli.js";
import { repoRoot } from "../helpers/shared.js";
import { qaEvalArgs, writeQaData } from "./qa-eval.js";

const MANIFEST = join(repoRoot, "deploy", "k8s", "eval-indexed-job.yaml");
const dir = tempDir("assay-k8s-");

interface JobDoc {
  kind: string;
  metadata: { name: string };
  spec: {
    completionMode?: string;
    completions?: number;
    template: {
      spec: { containers: Array<{ args: string[]; env: Array<{ name: string; value?: string }> }> };
    };
  };
}

const jobs = parseAllDocuments(readFileSync(MANIFEST, "utf8")).map((d) => d.toJS() as JobDoc);
const job = (name: string) => jobs.find((j) => j.metadata.name === name)!;

/** Run a pod's command here: /results and /data → temp folders, the model → the local server. */
function runPod(doc: JobDoc, url: string, index?: number): Promise<{ code: number | null; out: string }> {
  const container = doc.spec.template.spec.containers[0]!;
  const script = container.args
    .join("\n")
    .replaceAll("/results", join(dir, "results"))
    .replaceAll("/data/qa.jsonl", join(dir, "qa.jsonl"))
    .replaceAll("--model openai/gpt-4o-mini", `--model openai/mock --model-base-url ${url}`);
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PATH: `${join(dir, "bin")}:${process.env.PATH}`,
  };
  for (const e of container.env) if (e.value !== undefined) env[e.name] = e.value;
  if (index !== undefined) env.JOB_COMPLETION_INDEX = String(index);
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", script], { env });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => resolve({ code, out }));
  });
}

describe("Kubernetes Indexed Job manifest", () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ record: false });
    writeQaData(dir, 25);
    mkdirSync(join(dir, "results"), { recursive: true });
    mkdirSync(join(dir, "bin"), { recursive: true });
    writeFileSync(join(dir, "bin", "assay"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(dir, "bin", "assay"), 0o755);
  });
  after(() => server.close());

  test("documents: indexed shards, a merge job, indexed Postgres workers", () => {
    assert.deepEqual(
      jobs.map((j) => j.metadata.name),
      ["assay-eval-shards", "assay-eval-merge", "assay-eval-postgres"],
    );
    for (const name of ["assay-eval-shards", "assay-eval-postgres"]) {
      assert.equal(job(name).spec.completionMode, "Indexed");
      assert.equal(job(name).spec.completions, 4);
    }
    assert.match(
      job("assay-eval-postgres").spec.template.spec.containers[0]!.args.join(" "),
      /--db "\$ASSAY_DB"/,
    );
  });

  test("the shard pods' and the merge pod's commands give the unsharded run", async () => {
    for (let k = 0; k < 4; k++) {
      const r = await runPod(job("assay-eval-shards"), server.url, k);
      assert.equal(r.code, 0, r.out);
    }
    // A restarted pod whose shard is finished resumes it (nothing to do) instead of failing on the run id.
    const again = await runPod(job("assay-eval-shards"), server.url, 2);
    assert.equal(again.code, 0, again.out);
    const merged = await runPod(job("assay-eval-merge"), server.url);
    assert.equal(merged.code, 0, merged.out);
    const runId = job("assay-eval-merge").spec.template.spec.containers[0]!.env[0]!.value!;
    const show = await runCli(["show", runId, "--db", join(dir, "results", "merged.db"), "--json"], {
      cwd: dir,
    });
    assert.equal(show.code, 0, show.stderr);
    const ref = await runCli(
      qaEvalArgs(join(dir, "qa.jsonl"), server.url, join(dir, "ref.db"), "--run-id", runId),
      { cwd: dir },
    );
    const strip = (s: { summary: { computedAt?: string; meanLatencyMs?: unknown } }) => ({
      ...s.summary,
      computedAt: 0,
      meanLatencyMs: 0,
    });
    assert.deepEqual(strip(JSON.parse(show.stdout)), strip(JSON.parse(ref.stdout)));
  });
});
