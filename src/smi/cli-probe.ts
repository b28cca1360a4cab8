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
  db?: string;
  json?: boolean;
  progress?: "auto" | "silent";
}

export interface ProbeSummary {
  runId: string;
  probed: number;
  failed: number;
  meanAcc: number;
  interrupted: boolean;
}

/**
 * Probe through the engine (a `smi-probe` run in the run store), then write the merge_outputs rows of
 * the triples whose samples all finished. Interrupted: nothing is written, and the same command
 * continues the run.
 */
export async function runProbe(flags: ProbeFlags): Promise<ProbeSummary> {
  if (flags.scoring !== "exact" && flags.scoring !== "completion") {
    throw new UserError(`--scoring must be "exact" or "completion", got "${flags.scoring}"`);
  }
  const scoring: ProbeScoring = flags.scoring;
  // Loaded here, not at the top: registering the command must not load providers (CLI start-up).
  const { Model, ModelStats } = await import("../providers/model.js");
  const { createProvider } = await import("../providers/registry.js");
  const { AdaptiveLimiter } = await import("../scheduler/limiter.js");
  const { defaultDbPath, RunStore } = await import("../store/run-store.js");
  const { interruptExitCode, withInterrupts } = await import("../util/interrupt.js");
  const { loadTemplates, mergeOutputs, writeJson } = await import("./probe.js");
  const { probeTriplesOf } = await import("./probe-task.js");
  const { probeTriples } = await import("./probe-run.js");
  const { loadCountRows } = await import("./rows.js");
  const triples = probeTriplesOf(flags.triples, loadTemplates(flags.templates), flags.limit);
  const counts = flags.counts ? loadCountRows(flags.counts) : undefined;
  if (counts) {
    const have = new Set(counts.map((r) => r.idx));
    const missing = triples.find((t) => !have.has(t.idx));
    if (missing)
      throw new UserError(`${flags.counts}: no counts for triple idx ${missing.idx} of ${flags.triples}`);
  }
  const store = new RunStore(flags.db ?? defaultDbPath());
  const provider = createProvider(flags.model, flags.modelBaseUrl ? { baseUrl: flags.modelBaseUrl } : {});
  try {
    const model = new Model(provider, {
      id: flags.model,
      limiter: new AdaptiveLimiter(
        Math.min(flags.concurrency, provider.maxConcurrency ?? Number.POSITIVE_INFINITY),
      ),
      timeoutMs: 120_000,
      cache: store,
      stats: new ModelStats(),
    });
    const outcome = await withInterrupts("saving finished samples", (signal) =>
      probeTriples(store, model, {
        triples: flags.triples,
        templates: flags.templates,
        ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
        samples: flags.samples,
        temperature: flags.temperature,
        maxTokens: flags.maxTokens,
        scoring,
        completion: !flags.chat,
        concurrency: flags.concurrency,
        signal,
        ...(flags.progress ? { progress: flags.progress } : {}),
      }),
    );
    const accuracies = outcome.accuracies;
    const ok = accuracies.filter((a) => a.error === undefined);
    const failed = accuracies.length - ok.length;
    if (!outcome.interrupted) {
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
    }
    process.exitCode = outcome.interrupted ? interruptExitCode() : failed > 0 ? 1 : 0;
    const meanAcc = ok.reduce((a, r) => a + r.acc, 0) / Math.max(1, ok.length);
    return { runId: outcome.runId, probed: ok.length, failed, meanAcc, interrupted: outcome.interrupted };
  } finally {
    await provider.close?.();
    store.close();
  }
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
    .requiredOption("--out <file>", "output JSON (merge_outputs fields)")
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
    .option(
      "--db <path>",
      "run database; the same command continues an interrupted probe (default .assay/assay.db or $ASSAY_DB)",
    )
    .option("--json", "print JSON")
    .action(async (flags: ProbeFlags) => {
      const r = await runProbe(flags);
      if (r.interrupted) {
        process.stderr.write(`probe interrupted (run ${r.runId}): run the same command again to continue\n`);
        return;
      }
      const text = `probed ${r.probed} triple(s)${r.failed ? `, ${r.failed} failed` : ""}; mean accuracy ${r.meanAcc.toFixed(4)} → ${flags.out} (run ${r.runId})`;
      process.stdout.write(flags.json ? `${JSON.stringify({ ...r, out: flags.out })}\n` : `${text}\n`);
    });
}
