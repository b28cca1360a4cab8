/** What `assay contamination …` do; loaded when a command runs (see cli.ts). */
import { print } from "../cli-kit/output.js";
import { UserError } from "../util/errors.js";
import { formatBytes } from "../util/progress.js";
import { parseFields } from "./items.js";
import { type ItemOverlap, overlapTable } from "./results.js";
import type { BenchmarkOptions } from "./scan.js";

interface BenchmarkFlags {
  task: string;
  dataset?: string;
  taskArg?: Record<string, string | number | boolean>;
  n: number;
  minTokens: number;
  fields: string;
  minCoverage: number;
  all?: boolean;
  json?: boolean;
}

interface ScanFlags extends BenchmarkFlags {
  corpus: string[];
  out?: string;
  parts?: string;
  shard?: string;
  locations: number;
  textField: string;
  onBadLine: string;
  matcher: string;
  workers: number;
}

function benchmark(flags: BenchmarkFlags): BenchmarkOptions {
  const taskArgs = { ...(flags.taskArg ?? {}) };
  if (flags.dataset !== undefined) taskArgs.dataset = flags.dataset;
  return {
    task: flags.task,
    taskArgs,
    n: flags.n,
    minTokens: flags.minTokens,
    fields: parseFields(flags.fields),
  };
}

function verdict(rows: readonly ItemOverlap[]): string {
  const dirty = rows.filter((r) => r.contaminated).length;
  const pct = rows.length ? ((100 * dirty) / rows.length).toFixed(1) : "0.0";
  return `contaminated: ${dirty} of ${rows.length} items (${pct}%)`;
}

export async function scanAction(shards: string[], flags: ScanFlags): Promise<void> {
  const { runScan } = await import("./scan.js");
  const corpus = [...flags.corpus, ...shards];
  if (flags.matcher !== "smi" && flags.matcher !== "window") {
    throw new UserError(`--matcher must be "smi" or "window", got "${flags.matcher}"`);
  }
  if (corpus.length === 0) throw new UserError("contamination scan: give --corpus or shard files");
  if (flags.onBadLine !== "error" && flags.onBadLine !== "skip") {
    throw new UserError(`--on-bad-line must be "error" or "skip", got "${flags.onBadLine}"`);
  }
  const s = await runScan({
    ...benchmark(flags),
    corpus,
    out: flags.out,
    parts: flags.parts,
    shard: flags.shard,
    maxLocations: flags.locations,
    minCoverage: flags.minCoverage,
    rules: { textField: flags.textField, onBadLine: flags.onBadLine },
    ...(flags.matcher === "window" ? { matcher: "window" as const } : {}),
    workers: flags.workers,
  });
  const { rows, ...rest } = s;
  const rate = s.seconds > 0 ? s.textBytes / s.seconds : 0;
  print(
    flags.json,
    { ...rest, contaminated: rows.filter((r) => r.contaminated).length, rows },
    [
      overlapTable(rows, flags.all),
      verdict(rows),
      `${s.items} items, ${s.patterns} distinct n-grams · scanned ${s.shardsScanned} shard(s), resumed ${s.shardsResumed}, of ${s.shardsSelected}`,
      `documents: ${s.documents} · text this run: ${formatBytes(s.textBytes)} in ${s.seconds.toFixed(1)} s (${formatBytes(rate)}/s)`,
      `part files: ${s.partsDir}${s.out ? ` · items: ${s.out}` : ""}`,
    ].join("\n"),
  );
}

export async function mergeAction(inputs: string[], flags: BenchmarkFlags & { out: string }): Promise<void> {
  const { runScanMerge } = await import("./scan.js");
  const r = await runScanMerge({
    ...benchmark(flags),
    inputs,
    out: flags.out,
    minCoverage: flags.minCoverage,
  });
  print(
    flags.json,
    {
      shards: r.shards,
      documents: r.documents,
      contaminated: r.rows.filter((x) => x.contaminated).length,
      rows: r.rows,
    },
    [
      overlapTable(r.rows, flags.all),
      verdict(r.rows),
      `${r.shards} shard(s), ${r.documents} documents · items: ${flags.out}`,
    ].join("\n"),
  );
}

interface MinkFlags {
  model: string;
  tokens: string;
  k: number;
  bos: boolean;
  labels?: string;
  out?: string;
  json?: boolean;
}

export async function minkAction(flags: MinkFlags): Promise<void> {
  const { runMink } = await import("./mink-run.js");
  const { readScanFlags, toJsonl } = await import("./results.js");
  const { writeFileSync } = await import("node:fs");
  const { table, formatMetric } = await import("../cli-kit/output.js");
  const r = runMink({
    model: flags.model,
    tokens: flags.tokens,
    k: flags.k,
    bos: flags.bos,
    ...(flags.labels ? { labels: readScanFlags(flags.labels) } : {}),
  });
  if (flags.out) writeFileSync(flags.out, toJsonl(r.rows));
  const human = [
    table(
      ["item", "tokens", `min-${Math.round(r.k * 100)}%`, "perplexity", "zlib ratio", "member"],
      r.rows.map((x) => [
        x.id,
        String(x.tokens),
        formatMetric(x.minK),
        formatMetric(x.perplexity),
        x.zlibRatio.toFixed(5),
        x.member === undefined ? "" : String(x.member),
      ]),
    ),
    r.auc
      ? `ROC-AUC (${r.auc.members} members, ${r.auc.nonMembers} non-members): min-k ${formatMetric(r.auc.minK)} · perplexity ${formatMetric(r.auc.perplexity)} · zlib ratio ${formatMetric(r.auc.zlibRatio)}`
      : "no ROC-AUC: give member labels for both members and non-members",
  ];
  print(flags.json, r, human.join("\n"));
}
