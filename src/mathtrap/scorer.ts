/**
 * The MathTrap scorer. One scorer for the three problem kinds, dispatching on the sample's `kind`:
 * - original: rule-based answer check; the judge is asked only when the rule cannot decide.
 * - conceptual: rule-based true/false extraction; the judge only when the response is unclear.
 * - trap: the judge decides whether the response identifies the flaw, `judgeSamples` times; the
 *   majority verdict is the score and the agreement between the samples is recorded.
 * Every score records which path decided (`path`: rule | judge | no-judge) and why.
 */
import type { ModelHandle, Score, Scorer, ScorerContext, TaskState } from "../core/types.js";
import { checkMathAnswer } from "../scorers/math-answer.js";
import { type PromptSet, renderPrompt } from "./prompts.js";
import { extractTrueFalse } from "./truefalse.js";
import { parseVerdict } from "./verdict.js";

export interface MathtrapScorerOptions {
  prompts: PromptSet;
  /** Judge samples per trap problem (self-consistency); odd numbers avoid ties. */
  judgeSamples: number;
  /** Sampling temperature for trap judgments when judgeSamples > 1 (a single judgment uses 0). */
  judgeTemperature: number;
  /** Whether the run must have a judge (true when trap problems are evaluated). */
  requiresJudge: boolean;
}

export type DecisionPath = "rule" | "judge" | "no-judge";

export interface JudgeVotes {
  yes: number;
  no: number;
  invalid: number;
}

/** Majority of valid votes; a tie or no valid vote is not a "yes". */
export function majority(votes: JudgeVotes): { verdict: boolean; agreement: number | null; tie: boolean } {
  const valid = votes.yes + votes.no;
  return {
    verdict: votes.yes > votes.no,
    agreement: valid === 0 ? null : Math.max(votes.yes, votes.no) / valid,
    tie: votes.yes === votes.no,
  };
}

function meta(state: TaskState): Record<string, unknown> {
  return state.sample.metadata ?? {};
}

function targetText(state: TaskState): string {
  const t = state.sample.target;
  return Array.isArray(t) ? (t[0] ?? "") : (t ?? "");
}

async function judgeOnce(
  judge: ModelHandle,
  prompt: string,
  temperature: number,
  judgeSample?: number,
): Promise<{ text: string; verdict: boolean | null }> {
  const out = await judge.generate(
    [{ role: "user", content: prompt }],
    { temperature },
    judgeSample === undefined ? {} : { scope: { judge_sample: judgeSample } },
  );
  return { text: out.text, verdict: parseVerdict(out.text).verdict };
}

export function mathtrapScorer(opts: MathtrapScorerOptions): Scorer {
  return {
    name: "mathtrap",
    metrics: ["accuracy", "stderr", "bootstrap_ci"],
    requiresJudge: opts.requiresJudge,
    async score(state: TaskState, ctx: ScorerContext): Promise<Score> {
      const kind = meta(state).kind;
      const response = state.output?.text ?? "";
      if (kind === "original") return scoreOriginal(state, response, ctx, opts);
      if (kind === "conceptual") return scoreConceptual(state, response, ctx, opts);
      if (kind === "trap") return scoreTrap(state, response, ctx, opts);
      throw new Error(
        `sample ${state.sample.id}: metadata.kind must be original, conceptual or trap (got ${JSON.stringify(kind)})`,
      );
    },
  };
}

async function scoreOriginal(
  state: TaskState,
  response: string,
  ctx: ScorerContext,
  opts: MathtrapScorerOptions,
): Promise<Score> {
  const target = targetText(state);
  const check = checkMathAnswer(response, target);
  const ruleMeta = {
    kind: "original",
    reason: check.reason,
    method: check.method,
    normalised_answer: check.normalisedAnswer,
    normalised_target: check.normalisedTarget,
  };
  if (check.decided) {
    return {
      value: check.correct ? 1 : 0,
      answer: check.extracted ?? "",
      explanation: `rule: ${check.reason}`,
      metadata: { ...ruleMeta, path: "rule" satisfies DecisionPath },
    };
  }
  if (!ctx.judge) {
    return {
      value: 0,
      answer: check.extracted ?? "",
      explanation: `rule undecided (${check.reason}) and no judge`,
      metadata: { ...ruleMeta, path: "no-judge" satisfies DecisionPath },
    };
  }
  const prompt = renderPrompt(opts.prompts, "judge-original.txt", {
    problem: String(meta(state).problem ?? ""),
    reference: target,
    response,
  });
  const j = await judgeOnce(ctx.judge, prompt, 0);
  if (j.verdict === null)
    throw new Error(
      `judge gave no readable verdict for original problem ${state.sample.id}: ${j.text.slice(-200)}`,
    );
  return {
    value: j.verdict ? 1 : 0,
    answer: check.extracted ?? "",
    explanation: `judge (rule undecided: ${check.reason})`,
    metadata: { ...ruleMeta, path: "judge" satisfies DecisionPath, judge_output: j.text },
  };
}

async function scoreConceptual(
  state: TaskState,
  response: string,
  ctx: ScorerContext,
  opts: MathtrapScorerOptions,
): Promise<Score> {
  const target = targetText(state).trim().toLowerCase() === "true";
  const tf = extractTrueFalse(response);
  if (tf.value !== null) {
    return {
      value: tf.value === target ? 1 : 0,
      answer: String(tf.value),
      explanation: `rule: ${tf.method}`,
      metadata: { kind: "conceptual", path: "rule" satisfies DecisionPath, method: tf.method },
    };
  }
  if (!ctx.judge) {
    return {
      value: 0,
      answer: "",
      explanation: "no true/false found and no judge",
      metadata: { kind: "conceptual", path: "no-judge" satisfies DecisionPath },
    };
  }
  const prompt = renderPrompt(opts.prompts, "judge-conceptual.txt", {
    question: String(meta(state).problem ?? ""),
    reference: target ? "True" : "False",
    response,
  });
  const j = await judgeOnce(ctx.judge, prompt, 0);
  if (j.verdict === null)
    throw new Error(
      `judge gave no readable verdict for conceptual question ${state.sample.id}: ${j.text.slice(-200)}`,
    );
  return {
    value: j.verdict ? 1 : 0,
    answer: "",
    explanation: "judge (no clear true/false)",
    metadata: { kind: "conceptual", path: "judge" satisfies DecisionPath, judge_output: j.text },
  };
}

async function scoreTrap(
  state: TaskState,
  response: string,
  ctx: ScorerContext,
  opts: MathtrapScorerOptions,
): Promise<Score> {
  if (response.trim().length === 0) {
    return {
      value: 0,
      answer: "",
      explanation: "empty response",
      metadata: { kind: "trap", path: "rule" satisfies DecisionPath, reason: "empty-response" },
    };
  }
  if (!ctx.judge) throw new Error("trap problems are judged by a model: pass --judge");
  const prompt = renderPrompt(opts.prompts, "judge-trap.txt", {
    problem: String(meta(state).problem ?? ""),
    annotation: targetText(state),
    response,
  });
  const n = Math.max(1, opts.judgeSamples);
  const temperature = n > 1 ? opts.judgeTemperature : 0;
  // Distinct cache entries per judge sample (a cache scope within the sample's epoch).
  const judgments = await Promise.all(
    Array.from({ length: n }, (_, k) =>
      judgeOnce(ctx.judge as ModelHandle, prompt, temperature, n > 1 ? k : undefined),
    ),
  );
  const votes: JudgeVotes = { yes: 0, no: 0, invalid: 0 };
  for (const j of judgments) {
    if (j.verdict === true) votes.yes++;
    else if (j.verdict === false) votes.no++;
    else votes.invalid++;
  }
  if (votes.yes + votes.no === 0) {
    throw new Error(
      `judge gave no readable verdict in ${n} tries for trap problem ${state.sample.id}: ${judgments[0]?.text.slice(-200) ?? ""}`,
    );
  }
  const m = majority(votes);
  return {
    value: m.verdict ? 1 : 0,
    answer: m.verdict ? "identified the flaw" : "did not identify the flaw",
    explanation: `judge ${votes.yes} yes / ${votes.no} no${votes.invalid ? ` / ${votes.invalid} unreadable` : ""}${m.tie ? " (tie → no)" : ""}`,
    metadata: {
      kind: "trap",
      path: "judge" satisfies DecisionPath,
      votes,
      agreement: m.agreement,
      tie: m.tie,
      judge_outputs: judgments.map((j) => j.text),
    },
  };
}
