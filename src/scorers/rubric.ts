/**
 * `rubric`: an LLM judge grades the answer against a rubric and/or the reference answer on a scale
 * (pass-fail, 1-5, 0-10, any lo-hi). It asks the judge `runs` times; each run is its own response-cache
 * entry (scope `rubric_run`), so N runs are N distinct calls, and a resumed or re-scored run repeats
 * none. A reply without a readable grade is asked again, up to `attempts` calls per run (scope
 * `attempt`), then that run is recorded invalid (null), never as a low grade. The runs are folded by
 * `aggregate`: the mean of the valid grades, or the commonest grade (ties go to the lower one).
 *
 * Value: the aggregate on the scale (pass-fail: 1/0, or the pass fraction under mean). When no run gave
 * a grade, the value is the string "invalid": stored with a null numeric value, left out of the metrics.
 * Every reply is kept: `explanation` lists the grades and the replies, `metadata.runs` each run's replies.
 * A judge call that fails (after the model's retries) fails the scorer, which the engine stores as the
 * sample's error (`scorer rubric: …`) for `rescore` to redo.
 */
import type { GenerateConfig, ModelHandle, Scorer, TaskState } from "../core/types.js";
import { ScorerArgs, targetsOf } from "./args.js";
import { checkTemplate, questionText, rubricMessages } from "./rubric-prompt.js";
import {
  aggregateGrades,
  defaultThreshold,
  parseScale,
  type RubricScale,
  readGrade,
} from "./rubric-scale.js";

export const RUBRIC_SCORER = "rubric";
/** The value of a rubric score when no judge run gave a readable grade. */
export const INVALID = "invalid";

export interface RubricOptions {
  /** What a good answer does; a sample's own `metadata[rubricField]` takes precedence. */
  rubric?: string;
  /** Metadata key of a per-sample rubric (default "rubric"). */
  rubricField?: string;
  /** Show the judge the sample's target as the reference answer (default true, when there is one). */
  reference?: boolean;
  /** "pass-fail", or a range such as "1-5" (default) or "0-10". */
  scale?: string;
  /** Judge runs per sample (default 1). */
  runs?: number;
  /** How runs fold: "mean" (default for ranges) or "majority" (default for pass-fail). */
  aggregate?: "mean" | "majority";
  /** Judge calls per run before the run is invalid (default 2). */
  attempts?: number;
  /** Custom judge prompt with {question} {answer} {reference} {rubric} {scale}. */
  prompt?: string;
  /** The judge's sampling for these calls (otherwise the run's --judge-* settings apply). */
  temperature?: number;
  maxTokens?: number;
  /**
   * Seed of judge run 0; run r sends seed + r, so seeded runs differ yet repeat exactly. (A run-wide
   * --judge-seed sends one seed to every run, and a server that honours it then gives N equal replies.)
   */
  seed?: number;
  name?: string;
}

export interface RubricRun {
  grade: number | null;
  /** The judge's replies, one per attempt, last one last. */
  replies: string[];
  problem?: string;
}

export interface RubricScoreMetadata {
  scale: string;
  scale_values: number[];
  threshold: number;
  aggregate: "mean" | "majority";
  runs: RubricRun[];
  valid_runs: number;
  rubric: string | null;
  reference: boolean;
}

/** The resolved settings of a rubric scorer (what its annotation hook needs too). */
export interface RubricSettings {
  scale: RubricScale;
  aggregate: "mean" | "majority";
  runs: number;
  attempts: number;
}

export function rubricSettings(opts: RubricOptions): RubricSettings {
  const scale = parseScale(opts.scale ?? "1-5");
  return {
    scale,
    aggregate: opts.aggregate ?? (scale.passFail ? "majority" : "mean"),
    runs: opts.runs ?? 1,
    attempts: opts.attempts ?? 2,
  };
}

async function judgeRun(
  judge: ModelHandle,
  messages: ReturnType<typeof rubricMessages>,
  settings: RubricSettings,
  config: ((run: number) => GenerateConfig) | undefined,
  run: number,
  signal: AbortSignal,
): Promise<RubricRun> {
  const replies: string[] = [];
  let problem: string | undefined;
  for (let attempt = 0; attempt < settings.attempts; attempt++) {
    const out = await judge.generate(messages, config?.(run), {
      scope: { rubric_run: run, attempt },
      signal,
    });
    replies.push(out.text);
    const read = readGrade(out.text, settings.scale);
    if (read.grade !== null) return { grade: read.grade, replies };
    problem = read.problem;
  }
  return { grade: null, replies, ...(problem ? { problem } : {}) };
}

function gradeText(g: number | null, scale: RubricScale): string {
  if (g === null) return "invalid";
  return scale.passFail ? (g === 1 ? "PASS" : "FAIL") : String(g);
}

function referenceOf(state: TaskState, use: boolean): string | undefined {
  if (!use) return undefined;
  const targets = targetsOf(state.sample.target);
  return targets.length ? targets.join("\n— or —\n") : undefined;
}

export function rubricScorer(opts: RubricOptions = {}): Scorer {
  const settings = rubricSettings(opts);
  const { scale } = settings;
  if (opts.prompt !== undefined) checkTemplate(opts.prompt);
  const field = opts.rubricField ?? "rubric";
  const useReference = opts.reference ?? true;
  const sampling: GenerateConfig = {
    ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
    ...(opts.maxTokens !== undefined ? { maxTokens: opts.maxTokens } : {}),
  };
  const seed = opts.seed;
  const config =
    Object.keys(sampling).length || seed !== undefined
      ? (run: number): GenerateConfig => ({
          ...sampling,
          ...(seed !== undefined ? { seed: seed + run } : {}),
        })
      : undefined;
  const threshold = defaultThreshold(scale);
  return {
    name: opts.name ?? RUBRIC_SCORER,
    metrics:
      scale.passFail && settings.aggregate === "majority"
        ? ["accuracy", "stderr", "bootstrap_ci"]
        : ["mean", "stderr", "bootstrap_ci"],
    requiresJudge: true,
    async score(state, ctx) {
      if (!ctx.judge) throw new Error("the rubric scorer needs a judge: pass --judge <provider/model>");
      const own = state.sample.metadata?.[field];
      const rubric = typeof own === "string" && own.trim() ? own : opts.rubric;
      const reference = referenceOf(state, useReference);
      if (rubric === undefined && reference === undefined)
        throw new Error(
          `rubric: nothing to grade against (no rubric argument, no metadata.${field}, no target)`,
        );
      const messages = rubricMessages(
        {
          question: questionText(state.sample.input),
          answer: state.output?.text ?? "",
          ...(reference !== undefined ? { reference } : {}),
          ...(rubric !== undefined ? { rubric } : {}),
        },
        scale,
        opts.prompt,
      );
      const judge = ctx.judge;
      const runs = await Promise.all(
        Array.from({ length: settings.runs }, (_, r) =>
          judgeRun(judge, messages, settings, config, r, ctx.signal),
        ),
      );
      const grades = runs.map((r) => r.grade).filter((g): g is number => g !== null);
      const value = aggregateGrades(grades, settings.aggregate);
      const metadata: RubricScoreMetadata = {
        scale: scale.label,
        scale_values: scale.values,
        threshold,
        aggregate: settings.aggregate,
        runs,
        valid_runs: grades.length,
        rubric: rubric ?? null,
        reference: reference !== undefined,
      };
      const summary =
        `grades ${runs.map((r) => gradeText(r.grade, scale)).join(", ")}` +
        (value === null
          ? " → no valid grade"
          : settings.runs > 1
            ? ` → ${settings.aggregate} ${Number(value.toFixed(4))}`
            : "");
      const replies = runs.map(
        (r, i) =>
          `— judge run ${i + 1}${r.problem ? ` (${r.problem})` : ""}:\n${r.replies[r.replies.length - 1] ?? ""}`,
      );
      return {
        value: value === null ? INVALID : value,
        answer:
          value === null
            ? INVALID
            : settings.runs === 1
              ? gradeText(value, scale)
              : String(Number(value.toFixed(4))),
        explanation: [summary, ...replies].join("\n\n"),
        metadata: metadata as unknown as Record<string, unknown>,
      };
    },
  };
}

export function rubricFromArgs(raw: Record<string, unknown>): Scorer {
  const a = new ScorerArgs("rubric", raw);
  const rubric = a.string("rubric");
  const rubricField = a.string("rubric_field");
  const reference = a.boolean("reference");
  const scale = a.string("scale");
  const runs = a.number("runs", { min: 1, max: 50, integer: true });
  const aggregate = a.choice("aggregate", ["mean", "majority"] as const);
  const attempts = a.number("attempts", { min: 1, max: 10, integer: true });
  const prompt = a.string("prompt");
  const temperature = a.number("temperature", { min: 0 });
  const maxTokens = a.number("max_tokens", { min: 1, integer: true });
  const seed = a.number("seed", { integer: true });
  const name = a.string("name");
  a.done();
  return rubricScorer({
    ...(rubric !== undefined ? { rubric } : {}),
    ...(rubricField !== undefined ? { rubricField } : {}),
    ...(reference !== undefined ? { reference } : {}),
    ...(scale !== undefined ? { scale } : {}),
    ...(runs !== undefined ? { runs } : {}),
    ...(aggregate ? { aggregate } : {}),
    ...(attempts !== undefined ? { attempts } : {}),
    ...(prompt !== undefined ? { prompt } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(name ? { name } : {}),
  });
}
