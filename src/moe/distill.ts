/**
 * `assay moe distill-data`: training and validation token sequences sampled from the dense model with the
 * reference engine (self-distillation), for checkpoints without a usable tokenizer or corpus. Each sampling
 * temperature is one domain, so the static and dynamic domain-sampling strategies have something to weigh.
 * Every record carries the dense model's mean negative log-likelihood per predicted token (`dense_nll`):
 * the per-domain reference loss of the dynamic strategy.
 */
import { writeFileSync } from "node:fs";
import { LlamaEngine, logSoftmaxAt } from "../llama/engine.js";
import { Sampler } from "../llama/sampler.js";
import { UserError } from "../util/errors.js";
import type { Progress } from "../util/progress.js";
import { type DenseModel, loadDenseWeights, requireRunnable } from "./dense.js";
import type { TrainingRecord } from "./train-data.js";

export interface DistillOptions {
  /** Training tokens in all (split evenly over the domains). */
  tokens: number;
  /** Tokens per sequence (BOS included). */
  length: number;
  /** Validation tokens as a share of the training tokens (at least one sequence per domain). */
  validFraction: number;
  /** One domain per sampling temperature. */
  temperatures: number[];
  seed: number;
  progress?: Progress;
}

export interface DistillResult {
  out: string;
  sequences: { train: number; valid: number };
  tokens: { train: number; valid: number };
  /** Per domain: the dense model's perplexity on its validation sequences. */
  domains: { domain: string; temperature: number; densePerplexity: number }[];
  seconds: number;
}

/**
 * One sequence sampled at `temperature` (BOS first) and the dense model's total negative log-likelihood of it
 * at temperature 1, from the same forward passes.
 */
function sampleWithLoss(
  engine: LlamaEngine,
  bos: number,
  length: number,
  temperature: number,
  seed: { seed: number },
): { tokens: number[]; nll: number } {
  const sampler = new Sampler({ temperature, seed: seed.seed });
  const tokens = [bos];
  let nll = 0;
  const copy = new Float32Array(engine.config.vocabSize);
  for (let pos = 0; pos + 1 < length; pos++) {
    const logits = engine.forward(tokens[pos]!, pos);
    copy.set(logits);
    const next = sampler.sample(logits);
    nll -= logSoftmaxAt(copy, next);
    tokens.push(next);
  }
  return { tokens, nll };
}

export function domainName(temperature: number): string {
  return `temp-${temperature}`;
}

export function distillData(dense: DenseModel, out: string, opts: DistillOptions): DistillResult {
  requireRunnable(dense, "distill-data");
  if (opts.temperatures.length === 0) throw new UserError("--temperatures: give at least one temperature");
  const maxLen = dense.config.maxSeqLen;
  if (opts.length < 2 || opts.length > maxLen)
    throw new UserError(`--length must be between 2 and the model's context (${maxLen}), got ${opts.length}`);
  const started = Date.now();
  const weights = loadDenseWeights(dense);
  const engine = new LlamaEngine(weights, { maxSeqLen: opts.length });
  const bos = dense.config.bosTokenId ?? 1;
  const D = opts.temperatures.length;
  const trainSeqs = Math.max(1, Math.ceil(opts.tokens / D / opts.length));
  const validSeqs = Math.max(1, Math.ceil((opts.tokens * opts.validFraction) / D / opts.length));
  opts.progress?.setTotal(D * (trainSeqs + validSeqs));
  const records: TrainingRecord[] = [];
  const domains: DistillResult["domains"] = [];
  opts.temperatures.forEach((temperature, d) => {
    const domain = domainName(temperature);
    let validNll = 0;
    let validTokens = 0;
    for (let s = 0; s < trainSeqs + validSeqs; s++) {
      const split = s < trainSeqs ? "train" : "valid";
      const { tokens, nll: total } = sampleWithLoss(engine, bos, opts.length, temperature, {
        seed: (opts.seed * 7919 + d) * 1_000_003 + s + 1,
      });
      const nll = total / (tokens.length - 1);
      if (split === "valid") {
        validNll += total;
        validTokens += tokens.length - 1;
      }
      records.push({ tokens, domain, split, dense_nll: nll });
      opts.progress?.tick();
    }
    domains.push({ domain, temperature, densePerplexity: Math.exp(validNll / validTokens) });
  });
  writeFileSync(out, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
  const count = (split: string, f: (r: TrainingRecord) => number): number =>
    records.filter((r) => r.split === split).reduce((a, r) => a + f(r), 0);
  return {
    out,
    sequences: { train: count("train", () => 1), valid: count("valid", () => 1) },
    tokens: { train: count("train", (r) => r.tokens.length), valid: count("valid", (r) => r.tokens.length) },
    domains,
    seconds: (Date.now() - started) / 1000,
  };
}

export function formatDistill(r: DistillResult): string {
  return [
    `distilled ${r.tokens.train} training tokens (${r.sequences.train} sequences) and ${r.tokens.valid} validation tokens (${r.sequences.valid} sequences) in ${r.seconds.toFixed(1)} s`,
    ...r.domains.map(
      (d) =>
        `  domain ${d.domain}: dense validation perplexity ${d.densePerplexity.toFixed(2)} (temperature ${d.temperature})`,
    ),
    `  wrote ${r.out}`,
  ].join("\n");
}
