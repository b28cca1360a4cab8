/**
 * `assay eval … --dry-run`: what a run would send, before anything is sent. Samples and epochs are
 * counted exactly (the same --limit / --sample subset the run would take); tokens are estimates: input
 * tokens as characters / 4 of the samples' text (templates and images not counted), output tokens at
 * the output limit (an upper bound; 512 assumed when no limit is set), one model call per sample and
 * epoch, and at least one judge call per judged scorer, unless the task counts its calls per sample
 * (`Task.callsPerSample`: LLMEval-Med's turns, each judged judge_runs times).
 */
import { printJson } from "../../cli-kit/output.js";
import type { Sample, Task } from "../../core/types.js";
import { type SubsetSpec, stratifiedSubset } from "../../engine/subset.js";
import type { PriceOverrides } from "../../providers/budget.js";
import { costOf, formatUsd, PRICES_AS_OF, type Price, priceOf } from "../../providers/prices.js";

/** Output tokens assumed per call when neither the task nor a flag limits them. */
export const ASSUMED_OUTPUT_TOKENS = 512;
/** Tokens a judge prompt adds around the question and answer (instructions, rubric), roughly. */
const JUDGE_PROMPT_TOKENS = 300;

export interface RoleEstimate {
  id: string;
  calls: number;
  /** "at least" for the judge: tasks may call it more than once per sample. */
  callsAtLeast: boolean;
  inputTokens: number;
  outputTokens: number;
  outputAssumed: boolean;
  price: Price | null;
  usd: number | null;
}

export interface DryRunEstimate {
  task: string;
  samples: number;
  epochs: number;
  units: number;
  model: RoleEstimate;
  judge?: RoleEstimate;
  usd: number | null;
  pricesAsOf: string;
}

function sampleChars(s: Sample): number {
  if (typeof s.input === "string") return s.input.length;
  let n = 0;
  for (const m of s.input)
    if (typeof m.content === "string") n += m.content.length;
    else for (const p of m.content) if (p.type === "text") n += p.text.length;
  return n;
}

export async function estimateRun(opts: {
  task: Task;
  epochs: number;
  limit?: number | undefined;
  sample?: SubsetSpec | undefined;
  modelId: string;
  judgeId?: string | undefined;
  judgeMaxTokens?: number | undefined;
  prices: PriceOverrides;
}): Promise<DryRunEstimate> {
  const { task, epochs } = opts;
  const subset = opts.sample ? (await stratifiedSubset(task.dataset, opts.sample)).ids : undefined;
  const judged = task.scorers.filter((s) => s.requiresJudge).length;
  let samples = 0;
  let chars = 0;
  // Calls per epoch over the samples: one model call and one per judged scorer, unless the task counts.
  let modelCalls = 0;
  let judgeCalls = 0;
  for await (const s of task.dataset.samples()) {
    if (subset && !subset.has(s.id)) continue;
    if (opts.limit !== undefined && samples >= opts.limit) break;
    samples++;
    chars += sampleChars(s);
    const calls = task.callsPerSample?.(s) ?? { model: 1, judge: judged };
    modelCalls += calls.model;
    judgeCalls += calls.judge;
  }
  const units = samples * epochs;
  const perOutput = task.config?.maxTokens ?? ASSUMED_OUTPUT_TOKENS;
  const modelIn = Math.ceil(chars / 4) * epochs;
  const modelOut = perOutput * modelCalls * epochs;
  const role = (
    id: string,
    calls: number,
    atLeast: boolean,
    input: number,
    output: number,
    assumed: boolean,
    price: Price | undefined,
  ): RoleEstimate => ({
    id,
    calls,
    callsAtLeast: atLeast,
    inputTokens: input,
    outputTokens: output,
    outputAssumed: assumed,
    price: price ?? null,
    usd: price ? costOf(price, input, output) : null,
  });
  const model = role(
    opts.modelId,
    modelCalls * epochs,
    false,
    modelIn,
    modelOut,
    task.config?.maxTokens === undefined,
    opts.prices.model ?? priceOf(opts.modelId, opts.prices.table),
  );
  let judge: RoleEstimate | undefined;
  if (opts.judgeId && judged > 0) {
    const calls = judgeCalls * epochs;
    const perJudgeOut = opts.judgeMaxTokens ?? ASSUMED_OUTPUT_TOKENS;
    // Each judge call reads a question and its answer (an average model call's), plus its instructions.
    const perModelCall = modelCalls ? (modelIn + modelOut) / (modelCalls * epochs) : 0;
    const input = Math.ceil(calls * (perModelCall + JUDGE_PROMPT_TOKENS));
    judge = role(
      opts.judgeId,
      calls,
      task.callsPerSample === undefined,
      input,
      calls * perJudgeOut,
      opts.judgeMaxTokens === undefined,
      opts.prices.judge ?? priceOf(opts.judgeId, opts.prices.table),
    );
  }
  const priced = [model, judge].filter((r): r is RoleEstimate => r?.usd != null);
  return {
    task: task.name,
    samples,
    epochs,
    units,
    model,
    ...(judge ? { judge } : {}),
    usd: priced.length ? priced.reduce((a, r) => a + r.usd!, 0) : null,
    pricesAsOf: PRICES_AS_OF,
  };
}

function describeRole(label: string, r: RoleEstimate): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const calls = `${r.callsAtLeast ? "≥ " : ""}${n(r.calls)} calls`;
  const flag = label === "judge" ? "--judge-max-tokens" : "--max-tokens";
  const out = `≤ ${n(r.outputTokens)} output tokens${r.outputAssumed ? ` (${ASSUMED_OUTPUT_TOKENS} per call assumed; set ${flag})` : ""}`;
  const cost = r.price
    ? `≈ ${formatUsd(r.usd!)} at $${r.price.input}/$${r.price.output} per 1M`
    : "no price known (--price in=…,out=…)";
  return `  ${label} ${r.id}: ${calls}, ≈ ${n(r.inputTokens)} input tokens, ${out}; ${cost}`;
}

export function printEstimate(e: DryRunEstimate, json: boolean | undefined): void {
  if (json) {
    printJson({ dryRun: true, ...e });
    return;
  }
  const lines = [
    `dry run (nothing sent): ${e.task}, ${e.samples} samples × ${e.epochs} epoch(s) = ${e.units} units`,
    describeRole("model", e.model),
    ...(e.judge ? [describeRole("judge", e.judge)] : []),
    e.usd === null
      ? "  cost: unknown (no price for these models)"
      : `  cost ≈ ${formatUsd(e.usd)} (estimate; input tokens as characters / 4, outputs at their limit; table prices of ${e.pricesAsOf})`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
