/** The text `assay compare` prints: one table row per scorer, then the flipped samples. */
import type { RunComparison } from "./runs.js";

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : "–");
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? "+" : ""}${v.toFixed(3)}` : "–");

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return "–";
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** Human-readable comparison; `table` is the CLI kit's aligned-table function. */
export function renderComparison(
  c: RunComparison,
  table: (header: string[], rows: string[][]) => string,
  maxFlips = 20,
): string {
  const out: string[] = [];
  out.push(`A ${c.a.id}  ${c.a.model}  (${c.a.samples} samples)`);
  out.push(`B ${c.b.id}  ${c.b.model}  (${c.b.samples} samples)`);
  if (c.dataset) out.push(`dataset ${c.dataset.name} (sha256 ${c.dataset.sha256.slice(0, 12)}…)`);
  const o = c.overlap;
  out.push(
    o.partial
      ? `partial overlap: compared on the ${o.shared} shared samples (${o.onlyA} only in A, ${o.onlyB} only in B)`
      : `${o.shared} shared samples`,
  );
  out.push("");
  out.push(
    table(
      ["scorer", "n", "A", "B", "B − A", "95% paired CI", "B wins", "ties", "A wins", "test", "p"],
      c.scorers.map((s) => [
        s.scorer,
        String(s.n),
        f3(s.meanA),
        f3(s.meanB),
        signed(s.diff.value),
        `[${signed(s.diff.lower)}, ${signed(s.diff.upper)}]`,
        String(s.wins),
        String(s.ties),
        String(s.losses),
        s.test.name,
        formatP(s.test.p),
      ]),
    ),
  );
  for (const s of c.scorers)
    if (s.wilcoxon)
      out.push(
        `${s.scorer}: Wilcoxon signed-rank W+ = ${s.wilcoxon.wPlus}, W− = ${s.wilcoxon.wMinus} over ${s.wilcoxon.n} ` +
          `non-tied pairs, p = ${formatP(s.wilcoxon.p)} (${s.wilcoxon.exact ? "exact" : "normal approximation"})`,
      );
  if (c.unmatchedScorers.length)
    out.push(`not compared (only one run has them): ${c.unmatchedScorers.join(", ")}`);
  for (const s of c.scorers) {
    if (!s.flipped.length) continue;
    out.push("");
    out.push(`${s.scorer}: ${s.flipped.length} flipped sample(s) (A → B)`);
    for (const f of s.flipped.slice(0, maxFlips)) out.push(`  ${f.sampleId}  ${f3(f.a)} → ${f3(f.b)}`);
    if (s.flipped.length > maxFlips)
      out.push(`  … and ${s.flipped.length - maxFlips} more (--json lists all)`);
  }
  return out.join("\n");
}
