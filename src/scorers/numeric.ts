/**
 * `numeric`: the last number of the answer against the target number, within a tolerance. The answer is
 * the text after an "ANSWER:" marker when there is one, else the whole output; its last number counts
 * ("the total is $1,234.50" → 1234.5). Thousands separators, currency signs, a percent sign and unit
 * words are not part of a number, so they drop out; "50%" reads as 50 (not 0.5) on both sides. A sign
 * counts only when it does not follow a word character ("10-12" ends with 12, not −12).
 * Correct when |answer − target| ≤ max(abs_tol, rel_tol × |target|).
 */
import type { Scorer } from "../core/types.js";
import { ScorerArgs, targetsOf } from "./args.js";
import { answerAfterMarker } from "./match.js";

const NUMBER = /(?<![\w.])[-−+]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?(?![\d])/g;

/** The last number written in the text, or undefined when there is none. */
export function lastNumberIn(text: string): { text: string; value: number } | undefined {
  let last: string | undefined;
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(text); m; m = NUMBER.exec(text)) last = m[0];
  if (last === undefined) return undefined;
  const value = Number(last.replace(/,/g, "").replace("−", "-"));
  return Number.isFinite(value) ? { text: last, value } : undefined;
}

/** Whether `value` is within the tolerance of `target`. */
export function withinTolerance(value: number, target: number, absTol: number, relTol: number): boolean {
  return Math.abs(value - target) <= Math.max(absTol, relTol * Math.abs(target));
}

export interface NumericOptions {
  /** Absolute tolerance (default 0). */
  absTol?: number;
  /** Relative tolerance, a fraction of |target| (default 1e-9: only floating-point noise). */
  relTol?: number;
  /** Read the text after an "ANSWER:" marker when there is one (default true). */
  extract?: boolean;
  name?: string;
}

export function numericScorer(opts: NumericOptions = {}): Scorer {
  const absTol = opts.absTol ?? 0;
  const relTol = opts.relTol ?? 1e-9;
  const extract = opts.extract ?? true;
  return {
    name: opts.name ?? "numeric",
    metrics: ["accuracy", "stderr", "bootstrap_ci"],
    async score(state) {
      const output = state.output?.text ?? "";
      const targets = targetsOf(state.sample.target).map((t) => {
        const n = lastNumberIn(t);
        if (!n) throw new Error(`numeric: the target ${JSON.stringify(t)} holds no number`);
        return n.value;
      });
      if (targets.length === 0) throw new Error("numeric: the sample has no target");
      const found = lastNumberIn(extract ? (answerAfterMarker(output) ?? output) : output);
      if (!found) return { value: 0, explanation: "no number in the answer", metadata: { targets } };
      const hit = targets.find((t) => withinTolerance(found.value, t, absTol, relTol));
      return {
        value: hit !== undefined ? 1 : 0,
        answer: String(found.value),
        explanation:
          hit !== undefined
            ? `${found.value} is within tolerance of ${hit}`
            : `${found.value} is not within tolerance of ${targets.join(" or ")}`,
        metadata: { targets, abs_tol: absTol, rel_tol: relTol },
      };
    },
  };
}

export function numericFromArgs(raw: Record<string, unknown>): Scorer {
  const a = new ScorerArgs("numeric", raw);
  const absTol = a.number("abs_tol", { min: 0 });
  const relTol = a.number("rel_tol", { min: 0 });
  const extract = a.boolean("extract");
  const name = a.string("name");
  a.done();
  return numericScorer({
    ...(absTol !== undefined ? { absTol } : {}),
    ...(relTol !== undefined ? { relTol } : {}),
    ...(extract !== undefined ? { extract } : {}),
    ...(name ? { name } : {}),
  });
}
