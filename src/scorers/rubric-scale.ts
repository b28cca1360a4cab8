/**
 * The rubric judge's grading scale and how its verdict is read. A scale is "pass-fail" (PASS = 1,
 * FAIL = 0) or a range of whole numbers "lo-hi" such as "1-5" or "0-10". The judge ends its reply with
 * `GRADE: <value>`; the last such line counts, and a value off the scale makes the run invalid (asked
 * again, then recorded as null), never clamped.
 */
import { UserError } from "../util/errors.js";

export interface RubricScale {
  /** As written in the arguments: "pass-fail" or "lo-hi". */
  label: string;
  passFail: boolean;
  values: number[];
  lo: number;
  hi: number;
}

export function parseScale(text: string): RubricScale {
  const t = text.trim().toLowerCase();
  if (t === "pass-fail" || t === "pass/fail" || t === "binary")
    return { label: "pass-fail", passFail: true, values: [0, 1], lo: 0, hi: 1 };
  const m = /^(-?\d+)\s*(?:-|–|\.\.|to)\s*(-?\d+)$/.exec(t);
  if (!m)
    throw new UserError(
      `scorer rubric: argument "scale" must be pass-fail or a range such as 1-5 or 0-10, got ${JSON.stringify(text)}`,
    );
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  if (hi <= lo || hi - lo > 100)
    throw new UserError(`scorer rubric: argument "scale" ${text} must go up, by at most 100 steps`);
  return {
    label: `${lo}-${hi}`,
    passFail: false,
    values: Array.from({ length: hi - lo + 1 }, (_, i) => lo + i),
    lo,
    hi,
  };
}

/**
 * The lowest value on the scale at least three quarters of the way up: what the binary view of
 * `assay agreement` counts as positive by default (pass-fail: PASS; 1–5: 4; 0–10: 8).
 */
export function defaultThreshold(scale: RubricScale): number {
  if (scale.passFail) return 1;
  const at = scale.lo + 0.75 * (scale.hi - scale.lo);
  return scale.values.find((v) => v >= at - 1e-9) ?? scale.hi;
}

// "GRADE: 4", "**Grade:** [4]", "**GRADE**: PASS": markdown and brackets around the parts are skipped.
const GRADE_LINE = /grade[\s*_]*[:：=][\s*_`"'[(]*([A-Za-z]+|[-+]?\d+(?:\.\d+)?)/gi;

/** The grade in a judge reply, or why there is none. */
export function readGrade(reply: string, scale: RubricScale): { grade: number | null; problem?: string } {
  let last: string | undefined;
  GRADE_LINE.lastIndex = 0;
  for (let m = GRADE_LINE.exec(reply); m; m = GRADE_LINE.exec(reply)) last = m[1];
  if (last === undefined) return { grade: null, problem: "no GRADE: line in the reply" };
  if (scale.passFail) {
    const w = last.toLowerCase();
    if (w === "pass" || w === "1") return { grade: 1 };
    if (w === "fail" || w === "0") return { grade: 0 };
    return { grade: null, problem: `GRADE: ${last} is neither PASS nor FAIL` };
  }
  const n = Number(last);
  if (!Number.isFinite(n)) return { grade: null, problem: `GRADE: ${last} is not a number` };
  if (!scale.values.includes(n))
    return { grade: null, problem: `GRADE: ${last} is not on the scale ${scale.label}` };
  return { grade: n };
}

/** Mean of the grades, or the commonest grade (a tie goes to the lower value: the cautious reading). */
export function aggregateGrades(grades: readonly number[], how: "mean" | "majority"): number | null {
  if (grades.length === 0) return null;
  if (how === "mean") return grades.reduce((a, b) => a + b, 0) / grades.length;
  const counts = new Map<number, number>();
  for (const g of grades) counts.set(g, (counts.get(g) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (const [g, c] of counts)
    if (c > bestCount || (c === bestCount && best !== null && g < best)) [best, bestCount] = [g, c];
  return best;
}
