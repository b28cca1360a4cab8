/**
 * Mutual-information terms of a (subject, object) pair from document counts.
 *
 * `pointwiseMi` is what the original code calls "mi" (analysis/tools/1_merge_outputs.py): only the
 * (subject present, object present) cell of the binary mutual information, p(s,o)·log2(p(s,o)/(p(s)p(o))).
 * The divisions run in the original's order (p11 / ps / po) so results match it bit for bit.
 * `fullMi` is the complete 2×2 mutual information, offered as a documented alternative.
 */
import type { CountRow } from "./rows.js";

export type MiDefinition = "pointwise" | "full";

export function pointwiseMi(
  row: Pick<CountRow, "time_seqs" | "time_subj" | "time_obj" | "time_s1j1">,
): number {
  const n = row.time_seqs;
  const ps = row.time_subj / n;
  const po = row.time_obj / n;
  const p11 = row.time_s1j1 / n;
  return p11 === 0 ? 0 : p11 * Math.log2(p11 / ps / po);
}

/** Σ over the four cells of p(a,b)·log2(p(a,b)/(p(a)p(b))), with 0·log 0 = 0. Always ≥ 0 (up to rounding). */
export function fullMi(row: Pick<CountRow, "time_seqs" | "time_subj" | "time_obj" | "time_s1j1">): number {
  const n = row.time_seqs;
  if (n === 0) return 0;
  const s1 = row.time_subj;
  const o1 = row.time_obj;
  const c11 = row.time_s1j1;
  // The other cells follow from the margins, so rows with inconsistent stored cells cannot skew this.
  const cells: Array<[number, number, number]> = [
    [c11, s1, o1],
    [s1 - c11, s1, n - o1],
    [o1 - c11, n - s1, o1],
    [n - s1 - o1 + c11, n - s1, n - o1],
  ];
  let mi = 0;
  for (const [c, a, b] of cells) {
    if (c > 0) mi += (c / n) * Math.log2((c * n) / (a * b));
  }
  return mi;
}

export function miOf(row: CountRow, definition: MiDefinition): number {
  return definition === "full" ? fullMi(row) : pointwiseMi(row);
}
