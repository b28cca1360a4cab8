/** What `assay contamination …` do; loaded when a command runs (see cli.ts). */
import { existsSync } from "node:fs";
import { print } from "../cli-kit/output.js";
import { UserError } from "../util/errors.js";
import { formatBytes } from "../util/progress.js";
import { parseFields } from "./items.js";
import type { MinkResult } from "./mink-run.js";
import type { TextItem } from "./mink-text.js";
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
  const matchers = ["window", "window-js", "smi"] as const;
  const matcher = matchers.find((m) => m === flags.matcher);
  if (!matcher) throw new UserError(`--matcher must be ${matchers.join(", ")}; got "${flags.matcher}"`);
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
    // smi: the SMI scanner, the sink's engine when no window matcher is named.
    ...(matcher !== "smi" ? { matcher } : {}),
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
  tokens?: string;
  task?: string;
  dataset?: string;
  taskArg?: Record<string, string | number | boolean>;
  fields: string;
  tokenizer?: string;
  modelBaseUrl?: string;
  modelApiKeyEnv?: string;
  logprobsApi: string;
  concurrency: number;
  k: number;
  bos: boolean;
  labels?: string;
  out?: string;
  json?: boolean;
}

/** A provider id (openai/…, vllm/…) rather than a checkpoint path: a known prefix and no such file. */
function isServerModel(model: string): boolean {
  return /^(openai|vllm|llamacpp|ollama)\//.test(model) && !existsSync(model);
}

async function minkItems(flags: MinkFlags): Promise<TextItem[] | undefined> {
  if (flags.task === undefined) {
    if (flags.tokens === undefined) throw new UserError("contamination mink: give --task or --tokens");
    return undefined;
  }
  if (flags.tokens !== undefined)
    throw new UserError("contamination mink: give --task or --tokens, not both");
  const { taskTextItems } = await import("./mink-text.js");
  const args = { ...(flags.taskArg ?? {}) };
  if (flags.dataset !== undefined) args.dataset = flags.dataset;
  return taskTextItems(flags.task, args, parseFields(flags.fields));
}

export async function minkAction(flags: MinkFlags): Promise<void> {
  const { runMink } = await import("./mink-run.js");
  const { readScanFlags, toJsonl } = await import("./results.js");
  const { writeFileSync } = await import("node:fs");
  const { table, formatMetric } = await import("../cli-kit/output.js");
  const labels = flags.labels ? readScanFlags(flags.labels) : undefined;
  const texts = await minkItems(flags);
  let r: MinkResult & { api?: string; endpoint?: string; engine?: string; path?: string };
  // In process: llama.cpp for gguf/<file>, the reference engine for a checkpoint path.
  const local = {
    model: flags.model,
    ...(texts ? { texts } : { tokens: flags.tokens! }),
    ...(flags.tokenizer ? { tokenizer: flags.tokenizer } : {}),
    k: flags.k,
    bos: flags.bos,
    ...(labels ? { labels } : {}),
  };
  if (flags.model.startsWith("gguf/")) {
    const { runGgufMink } = await import("./mink-gguf.js");
    r = await runGgufMink(local);
  } else if (isServerModel(flags.model)) {
    const { runServerMink } = await import("./mink-server.js");
    const { LOGPROBS_APIS } = await import("./server-logprobs.js");
    const api = flags.logprobsApi;
    if (api !== "auto" && !(LOGPROBS_APIS as readonly string[]).includes(api)) {
      throw new UserError(`--logprobs-api must be auto, ${LOGPROBS_APIS.join(" or ")}; got "${api}"`);
    }
    r = await runServerMink({
      model: flags.model,
      ...(flags.modelBaseUrl ? { baseUrl: flags.modelBaseUrl } : {}),
      ...(flags.modelApiKeyEnv ? { apiKeyEnv: flags.modelApiKeyEnv } : {}),
      api: api as "auto",
      items: texts ?? (await textsOfTokenFile(flags.tokens!)),
      k: flags.k,
      concurrency: flags.concurrency,
      ...(labels ? { labels } : {}),
    });
  } else r = runMink(local);
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
    ...(r.api ? [`prompt log-probabilities: ${r.endpoint}, ${r.api}`] : []),
    ...(r.engine ? [`token log-probabilities: ${r.engine}, ${r.path}`] : []),
  ];
  print(flags.json, r, human.join("\n"));
}

/** A --tokens file sent to a server: its items' text (the server tokenises itself). */
async function textsOfTokenFile(path: string): Promise<TextItem[]> {
  const { readFileSync } = await import("node:fs");
  const items: TextItem[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, k) => {
      if (line.trim() === "") return;
      let v: { id?: unknown; text?: unknown; member?: unknown };
      try {
        v = JSON.parse(line) as typeof v;
      } catch {
        throw new UserError(`${path}:${k + 1}: not a JSON line`);
      }
      if (typeof v.text !== "string") {
        throw new UserError(
          `${path}:${k + 1}: a server scores text: field "text" is missing (or use --task)`,
        );
      }
      items.push({
        id: String(v.id),
        text: v.text,
        ...(typeof v.member === "boolean" ? { member: v.member } : {}),
      });
    });
  return items;
}
