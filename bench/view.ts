/**
 * bench:view — the viewer's API and the HTML report on two runs of N samples each (default 100,000):
 * the time of each page's data, the first answer and a repeat (caches warm), and the report's size.
 * The goals: every page < 200 ms at 100,000 samples; `report --format html` < 2 MB.
 *   npm run bench:view [-- --n 100000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { computeSummary } from "../src/engine/summary.js";
import { type RunManifest, RunStore } from "../src/store/run-store.js";
import * as api from "../src/view/api.js";
import { htmlReport } from "../src/view/report-html.js";
import { arg } from "./common.js";

const n = Number(arg("n", "100000"));
const dir = mkdtempSync(join(tmpdir(), "assay-bench-view-"));
// --db PATH keeps the store between runs (written once, reused while it holds both runs).
const db = arg("db", join(dir, "view.db"));

function writeRun(store: RunStore, runId: string, model: string, skill: number): void {
  const manifest: RunManifest = {
    runId,
    createdAt: new Date().toISOString(),
    toolVersion: "bench",
    task: { name: "qa", version: "1", args: { group_by: "topic" } },
    model: { id: model, endpoint: "http://127.0.0.1:9/v1" },
    generate: {},
    epochs: 1,
    epochReducer: "mean",
    scorers: [{ name: "exact", metrics: ["accuracy", "stderr", "bootstrap_ci"] }],
    dataset: { name: "bench.jsonl", sha256: "b".repeat(64) },
    execution: { concurrency: 1, maxRetries: 0, cache: true },
    configHash: "bench",
  };
  store.createRun(manifest);
  for (let i = 0; i < n; i++) {
    // A deterministic mix: ~skill right, 1% errors, five topics.
    const h = (Math.imul(i + 1, 2654435761) >>> 0) / 2 ** 32;
    const error = h < 0.01;
    const right = !error && ((Math.imul(i + 7, 40503) >>> 0) % 1000) / 1000 < skill;
    store.addResult(runId, {
      sampleId: `s${i}`,
      epoch: 1,
      seq: i,
      input: `Question number ${i}: what is ${i} plus ${i % 97}?`,
      target: String(i + (i % 97)),
      metadata: { topic: `topic-${i % 5}` },
      ...(error
        ? { error: "HTTP 500 from the server" }
        : { output: `Working it out.\nANSWER: ${right ? i + (i % 97) : i}` }),
      inputTokens: 20,
      outputTokens: 8,
      judgeInputTokens: 0,
      judgeOutputTokens: 0,
      latencyMs: 100 + (i % 50),
      cached: i % 3 === 0,
      scores: error ? {} : { exact: { value: right ? 1 : 0, answer: String(right ? i + (i % 97) : i) } },
    });
  }
  store.flush();
  store.setSummary(runId, computeSummary(store, manifest, ["topic"]));
  store.setStatus(runId, "completed");
}

let t0 = performance.now();
const writer = new RunStore(db);
if (!writer.getRun("bench-b")) {
  writeRun(writer, "bench-a", "openai/model-a", 0.6);
  writeRun(writer, "bench-b", "openai/model-b", 0.65);
  console.log(
    `wrote 2 runs × ${n.toLocaleString("en")} samples in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
writer.close();

const store = new RunStore(db, { readonly: true });
const q = (s: string) => new URLSearchParams(s);
const pages: Array<[string, () => unknown]> = [
  ["runs list", () => api.listRuns(store, q(""))],
  ["run page", () => api.runDetail(store, "bench-a")],
  ["metrics chart", () => api.runChart(store, "bench-a")],
  ["group chart", () => api.runChart(store, "bench-a", "exact", "topic")],
  ["samples, first page", () => api.samplePage(store, "bench-a", q("offset=0&limit=50"))],
  ["samples, deep page", () => api.samplePage(store, "bench-a", q(`offset=${n - 100}&limit=50`))],
  ["samples, errors only", () => api.samplePage(store, "bench-a", q("errors=only&limit=50"))],
  ["samples, text search", () => api.samplePage(store, "bench-a", q("text=number%2099999&limit=50"))],
  ["samples, by score desc", () => api.samplePage(store, "bench-a", q("sort=score&desc=1&limit=50"))],
  [
    "samples, by latency, deep",
    () => api.samplePage(store, "bench-a", q(`sort=latency&offset=${Math.floor(n / 2)}&limit=50`)),
  ],
  ["samples, one group", () => api.samplePage(store, "bench-a", q("group=topic%3Dtopic-3&limit=50"))],
  ["one sample", () => api.sampleDetail(store, "bench-a", `s${n - 1}`, 1)],
  ["compare A vs B (first answer)", () => api.compare(store, q("a=bench-a&b=bench-b"))],
];
const rows: string[][] = [];
for (const [name, fn] of pages) {
  t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  t0 = performance.now();
  fn();
  const again = performance.now() - t0;
  rows.push([name, first.toFixed(1), again.toFixed(1), first < 200 ? "yes" : "NO"]);
}
// A large comparison answers at once without its interval; the worker's full answer follows.
t0 = performance.now();
while ((api.compare(store, q("a=bench-a&b=bench-b")) as { pending?: boolean }).pending)
  await new Promise((r) => setTimeout(r, 10));
rows.push(["compare, interval ready", (performance.now() - t0).toFixed(1), "–", "(background)"]);
t0 = performance.now();
const html = htmlReport([store.requireRun("bench-a"), store.requireRun("bench-b")]);
const reportMs = performance.now() - t0;
store.close();
rmSync(dir, { recursive: true, force: true });

const widths = [28, 10, 10, 8];
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" ");
console.log(`\nviewer API on runs of ${n.toLocaleString("en")} samples (ms; goal < 200 ms)`);
console.log(line(["page", "first", "again", "< 200"]));
for (const r of rows) console.log(line(r));
console.log(
  `\nreport --format html for both runs: ${(html.length / 1024).toFixed(1)} KiB in ${reportMs.toFixed(1)} ms (goal < 2 MB)`,
);
