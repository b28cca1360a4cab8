/** `assay smi probe`: closed-book accuracy per triple through any Assay provider. */
import type { Command } from "commander";
import { UserError } from "../util/errors.js";
import type { ProbeScoring } from "./probe.js";

function positiveInt(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive integer, got "${v}"`);
    return n;
  };
}

function nonNegative(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0)
      throw new UserError(`${flag} must be a non-negative number, got "${v}"`);
    return n;
  };
}

interface ProbeFlags {
  model: string;
  modelBaseUrl?: string;
  triples: string;
  templates: string;
  counts?: string;
  out: string;
  samples: number;
  temperature: number;
  maxTokens: number;
  chat?: boolean;
  scoring: string;
  concurrency: number;
  limit?: number;
  json?: boolean;
}

export async function runProbe(
  flags: ProbeFlags,
): Promise<{ probed: number; failed: number; meanAcc: number }> {
  if (flags.scoring !== "exact" && flags.scoring !== "completion") {
    throw new UserError(`--scoring must be "exact" or "completion", got "${flags.scoring}"`);
  }
  const scoring: ProbeScoring = flags.scoring;
  // Loaded here, not at the top: registering the command must not load providers (CLI start-up).
  const { Model } = await import("../providers/model.js");
  const { createProvider } = await import("../providers/registry.js");
  const { AdaptiveLimiter } = await import("../scheduler/limiter.js");
  const { loadTemplates, mergeOutputs, probeTriples, writeJson } = await import("./probe.js");
  const { loadCountRows, loadTriples } = await import("./rows.js");
  let triples = loadTriples(flags.triples);
  if (flags.limit !== undefined) triples = triples.slice(0, flags.limit);
  const templates = loadTemplates(flags.templates);
  const counts = flags.counts ? loadCountRows(flags.counts) : undefined;
  if (counts) {
    const have = new Set(counts.map((r) => r.idx));
    const missing = triples.find((t) => !have.has(t.idx));
    if (missing)
      throw new UserError(`${flags.counts}: no counts for triple idx ${missing.idx} of ${flags.triples}`);
  }
  const provider = createProvider(flags.model, flags.modelBaseUrl ? { baseUrl: flags.modelBaseUrl } : {});
  const model = new Model(provider, {
    id: flags.model,
    limiter: new AdaptiveLimiter(flags.concurrency),
    timeoutMs: 120_000,
  });
  const accuracies = await probeTriples(model, triples, templates, {
    samples: flags.samples,
    temperature: flags.temperature,
    maxTokens: flags.maxTokens,
    scoring,
    completion: !flags.chat,
    parallelTriples: Math.max(1, Math.ceil(flags.concurrency / 4)),
    checkpoint: `${flags.out}.checkpoint.jsonl`,
  });
  const ok = accuracies.filter((a) => a.error === undefined);
  const failed = accuracies.length - ok.length;
  if (counts) {
    const wanted = new Set(triples.map((t) => t.idx));
    writeJson(
      flags.out,
      mergeOutputs(
        counts.filter((r) => wanted.has(r.idx)),
        accuracies,
      ),
    );
  } else {
    const byIdx = new Map(ok.map((a) => [a.idx, a.acc]));
    writeJson(
      flags.out,
      triples.filter((t) => byIdx.has(t.idx)).map((t) => ({ ...t, acc: byIdx.get(t.idx)! })),
    );
  }
  await provider.close?.();
  if (failed > 0) process.exitCode = 1;
  const meanAcc = ok.reduce((a, r) => a + r.acc, 0) / Math.max(1, ok.length);
  return { probed: ok.length, failed, meanAcc };
}

export function registerProbeCommand(smi: Command): void {
  smi
    .command("probe")
    .description("measure closed-book accuracy per triple with paraphrased templates through a provider")
    .requiredOption("--model <provider/model>", "model under test, e.g. vllm/EleutherAI/pythia-1.4b")
    .option("--model-base-url <url>", "endpoint of an OpenAI-compatible server")
    .requiredOption("--triples <file>", "triples JSON (pararel_15classes.json)")
    .requiredOption("--templates <file>", "relation → templates with [S] (multi_templates.json)")
    .option("--counts <file>", "corpus counts: output rows then carry counts, acc and mi, ready for smi fit")
    .requiredOption(
      "--out <file>",
      "output JSON (merge_outputs fields); <out>.checkpoint.jsonl allows resuming",
    )
    .option("--samples <n>", "samples per template (the original: 20)", positiveInt("--samples"), 20)
    .option(
      "--temperature <t>",
      "sampling temperature (the original: 0.7)",
      nonNegative("--temperature"),
      0.7,
    )
    .option("--max-tokens <n>", "new tokens per sample (the original: 32)", positiveInt("--max-tokens"), 32)
    .option(
      "--scoring <s>",
      "exact (object in prompt + continuation, as the original) or completion",
      "exact",
    )
    .option("--chat", "send each prompt as a chat message instead of a raw text continuation (/completions)")
    .option("--concurrency <n>", "parallel calls", positiveInt("--concurrency"), 16)
    .option("--limit <n>", "probe only the first n triples", positiveInt("--limit"))
    .option("--json", "print JSON")
    .action(async (flags: ProbeFlags) => {
      const r = await runProbe(flags);
      const text = `probed ${r.probed} triple(s)${r.failed ? `, ${r.failed} failed` : ""}; mean accuracy ${r.meanAcc.toFixed(4)} → ${flags.out}`;
      process.stdout.write(flags.json ? `${JSON.stringify({ ...r, out: flags.out })}\n` : `${text}\n`);
    });
}
