/**
 * The LLMEval-Med judge: every answer of a conversation is judged `runs` times (default 3, the paper's
 * protocol), each run stored separately. A run whose reply holds no usable score is asked again, up
 * to `attempts` calls, and then recorded as invalid (null) — never as 0. Each (run, attempt) is its
 * own response-cache entry (a cache scope within the sample's epoch), so an interrupted judging pass that is resumed repeats no judge call.
 *
 * The sample's value is the fraction of its questions that are usable under the release rule (mean of
 * valid runs ≥ 4); the per-question runs in the score metadata are what the Table-2 report uses.
 */
import type { GenerateConfig, ModelHandle, Scorer } from "../core/types.js";
import { USABILITY_THRESHOLD } from "./aggregate.js";
import type { CategoryCode } from "./categories.js";
import type { PromptSet } from "./prompts.js";
import { judgeMessages } from "./prompts.js";
import { exactMean } from "./pynum.js";
import { conversationMeta, type TurnMeta } from "./samples.js";
import { storedAnswers } from "./solver.js";
import { parseVerdict, parseVerdictRelease } from "./verdict.js";

export const JUDGE_SCORER = "llmeval_med_judge";

export type VerdictRuleName = "robust" | "release";

export interface JudgeScorerOptions {
  prompts: PromptSet;
  runs: number;
  /** Judge calls per run before the run is recorded invalid. */
  attempts: number;
  rule: VerdictRuleName;
  config?: GenerateConfig;
}

export interface JudgeRun {
  /** The score read from the verdict, or null when the run is invalid. */
  score: number | null;
  attempts: number;
  /** Which step of the verdict rule matched (robust rule), or "release". */
  rule: string | null;
  problem?: string;
  /** The judge's reply for each attempt, last one last. */
  verdicts: string[];
}

export interface TurnJudgement {
  id: string;
  round: number;
  category2?: string;
  runs: JudgeRun[];
  /** Mean over valid runs (exact, as the release), null when no run is valid. */
  mean: number | null;
  usable: boolean;
}

export interface JudgeScoreMetadata {
  code: string;
  category: string;
  prompts: { label: string; lang: string; hash: string };
  rule: VerdictRuleName;
  turns: TurnJudgement[];
  [key: string]: unknown;
}

function readScore(
  text: string,
  rule: VerdictRuleName,
): { score: number | null; rule: string | null; problem?: string } {
  if (rule === "release") {
    const raw = parseVerdictRelease(text);
    const n = raw === -1 ? Number.NaN : Number(raw);
    // The release accepts 0–5 when aggregating; -1 (no [n]) is invalid.
    if (n >= 0 && n <= 5) return { score: n, rule: "release" };
    return {
      score: null,
      rule: "release",
      problem: raw === -1 ? "no [n] in the reply" : `[${raw}] is outside 0–5`,
    };
  }
  const v = parseVerdict(text);
  return { score: v.score, rule: v.rule, ...(v.problem ? { problem: v.problem } : {}) };
}

async function judgeRun(
  judge: ModelHandle,
  opts: JudgeScorerOptions,
  messages: ReturnType<typeof judgeMessages>,
  run: number,
  signal: AbortSignal,
): Promise<JudgeRun> {
  const verdicts: string[] = [];
  let last: ReturnType<typeof readScore> = { score: null, rule: null, problem: "no attempt" };
  for (let attempt = 0; attempt < opts.attempts; attempt++) {
    // Each (run, attempt) is its own draw: the scope keeps their cache entries apart.
    const out = await judge.generate(messages, opts.config, { scope: { judge_run: run, attempt }, signal });
    verdicts.push(out.text);
    last = readScore(out.text, opts.rule);
    if (last.score !== null) break;
  }
  return {
    score: last.score,
    attempts: verdicts.length,
    rule: last.rule,
    ...(last.problem && last.score === null ? { problem: last.problem } : {}),
    verdicts,
  };
}

async function judgeTurn(
  judge: ModelHandle,
  opts: JudgeScorerOptions,
  category: string,
  code: CategoryCode,
  turn: TurnMeta,
  answer: string,
  signal: AbortSignal,
): Promise<TurnJudgement> {
  const input = { ...turn, category, info: { code } };
  const messages = judgeMessages(opts.prompts, input, answer);
  const runs = await Promise.all(
    Array.from({ length: opts.runs }, (_, r) => judgeRun(judge, opts, messages, r, signal)),
  );
  const valid = runs.map((r) => r.score).filter((s): s is number => s !== null);
  const mean = valid.length ? exactMean(valid) : null;
  return {
    id: turn.id,
    round: turn.round,
    ...(turn.category2 !== undefined ? { category2: turn.category2 } : {}),
    runs,
    mean,
    usable: mean !== null && mean >= USABILITY_THRESHOLD,
  };
}

export function llmevalMedJudge(opts: JudgeScorerOptions): Scorer {
  return {
    name: JUDGE_SCORER,
    metrics: ["mean", "bootstrap_ci"],
    requiresJudge: true,
    async score(state, ctx) {
      if (!ctx.judge) throw new Error("the LLMEval-Med judge needs --judge <provider/model>");
      const meta = conversationMeta(state.sample.metadata);
      const answers = storedAnswers(state.store);
      if (answers.length !== meta.turns.length) {
        throw new Error(
          `conversation ${state.sample.id} has ${answers.length} answer(s) for ${meta.turns.length} turn(s)`,
        );
      }
      const judge = ctx.judge;
      const turns = await Promise.all(
        meta.turns.map((turn, i) =>
          judgeTurn(judge, opts, meta.category, meta.code, turn, answers[i]?.answer ?? "", ctx.signal),
        ),
      );
      const metadata: JudgeScoreMetadata = {
        code: meta.code,
        category: meta.category,
        prompts: { label: opts.prompts.label, lang: opts.prompts.lang, hash: opts.prompts.hash },
        rule: opts.rule,
        turns,
      };
      return { ...summariseJudgement(turns), metadata };
    },
  };
}

/** A conversation's score from its judged turns: the usable fraction, and one line per turn. */
export function summariseJudgement(turns: readonly TurnJudgement[]): {
  value: number;
  answer: string;
  explanation: string;
} {
  const usable = turns.filter((t) => t.usable).length;
  const line = (t: TurnJudgement) =>
    `${t.id}: ${t.runs.map((r) => (r.score === null ? "invalid" : String(r.score))).join(", ")}` +
    ` → ${t.mean === null ? "no valid run" : t.mean.toFixed(2)}${t.usable ? " usable" : ""}`;
  return {
    value: usable / turns.length,
    answer: `${usable}/${turns.length} usable`,
    explanation: turns.map(line).join("\n"),
  };
}
