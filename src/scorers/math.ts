/**
 * `math`: LaTeX-aware equivalence of the final answer with the target, by MathTrap's rule checker
 * (math-answer.ts, shared with src/mathtrap): 0.5 = \frac{1}{2} = \dfrac12, 2\sqrt{3} = \sqrt{12},
 * x = 5 reads as 5, units/currency/thousands separators drop out, tuples and intervals compare element by
 * element, unordered solution lists as sets, polynomials at sample points.
 *
 * The checker never guesses. When it cannot decide (a rounded decimal, percent against fraction, degrees
 * against radians, a mixed number, a word against a number, only a stray last number) the score's value
 * is the string "undecided": the run store keeps it with a null numeric value, so the metrics leave the
 * sample out instead of counting it wrong, and `metadata.decided` is false with the reason. The scorer's
 * `n` in `assay show` is then the number of decided samples. `undecided: incorrect` counts them as 0.
 * A response with no final answer at all is decided: incorrect.
 */
import type { Scorer } from "../core/types.js";
import { ScorerArgs, targetsOf } from "./args.js";
import { type AnswerCheck, checkMathAnswer, referenceAnswer } from "./math-answer.js";

/** The value an undecided math score carries (numeric view: null, left out of metrics). */
export const UNDECIDED = "undecided";

export interface MathOptions {
  /** What an undecided comparison scores: "skip" (default: value "undecided", left out) or "incorrect" (0). */
  undecided?: "skip" | "incorrect";
  name?: string;
}

/** A target written as a whole solution (with \boxed{} or "#### x") compares by its final answer. */
function referenceOf(target: string): string {
  return /\\boxed|\\fbox|####/.test(target) ? (referenceAnswer(target) ?? target) : target;
}

/**
 * A response with no final answer at all is wrong, not undecided: MathTrap hands those to its judge,
 * but a generic scorer has no judge to ask, and nothing in such a response could match.
 */
function settleMissing(check: AnswerCheck): AnswerCheck {
  if (check.reason === "no-answer-found" || check.reason === "empty-answer")
    return { ...check, decided: true, correct: false };
  return check;
}

export function mathScorer(opts: MathOptions = {}): Scorer {
  const undecided = opts.undecided ?? "skip";
  return {
    name: opts.name ?? "math",
    metrics: ["accuracy", "stderr", "bootstrap_ci"],
    async score(state) {
      const output = state.output?.text ?? "";
      const targets = targetsOf(state.sample.target).map(referenceOf);
      if (targets.length === 0) throw new Error("math: the sample has no target");
      const checks = targets.map((t) => settleMissing(checkMathAnswer(output, t)));
      const right = checks.find((c) => c.decided && c.correct);
      const open = checks.find((c) => !c.decided);
      const chosen: AnswerCheck = right ?? open ?? checks[0]!;
      const decided = right !== undefined || open === undefined;
      const metadata = {
        decided,
        reason: chosen.reason,
        ...(chosen.method ? { method: chosen.method } : {}),
        normalised_answer: chosen.normalisedAnswer ?? null,
        normalised_target: chosen.normalisedTarget,
      };
      const answer = chosen.extracted !== undefined ? { answer: chosen.extracted } : {};
      if (!decided) {
        return {
          value: undecided === "incorrect" ? 0 : UNDECIDED,
          ...answer,
          explanation: `undecided (${chosen.reason})${undecided === "incorrect" ? ", counted as incorrect" : ""}`,
          metadata,
        };
      }
      return {
        value: right ? 1 : 0,
        ...answer,
        explanation: right
          ? `equivalent to ${JSON.stringify(chosen.normalisedTarget)} (${chosen.reason})`
          : `${JSON.stringify(chosen.normalisedAnswer ?? "")} differs from ${targets.map((t) => JSON.stringify(t)).join(" and ")}`,
        metadata,
      };
    },
  };
}

export function mathFromArgs(raw: Record<string, unknown>): Scorer {
  const a = new ScorerArgs("math", raw);
  const undecided = a.choice("undecided", ["skip", "incorrect"] as const);
  const name = a.string("name");
  a.done();
  return mathScorer({ ...(undecided ? { undecided } : {}), ...(name ? { name } : {}) });
}
