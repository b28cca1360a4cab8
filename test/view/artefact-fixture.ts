/** Files for `assay view --fit / --moe-report`: a small SMI fit file and a MoE report.json. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MoeReport } from "../../src/moe/report.js";
import { fitRows, SMI_METHODS } from "../../src/smi/fit.js";
import { buildFitFile } from "../../src/smi/fitfile.js";
import { COUNT_FIELDS, type ScoredRow } from "../../src/smi/rows.js";

/** A fact with the seven document counts the fit reads (co-occurrence `so` of subject and object). */
function fact(idx: number, so: number, acc: number): ScoredRow {
  const [n, s, o] = [1000, 10, 10];
  const counts = [n, s, o, so, s - so, o - so, n - s - o + so];
  const row = { idx, subj: `s${idx}`, rel: "r", obj: `o${idx}`, acc };
  return { ...row, ...Object.fromEntries(COUNT_FIELDS.map((f, i) => [f, counts[i]])) } as ScoredRow;
}

export function writeFit(dir: string, model: string): string {
  const rows = [fact(1, 1, 0.1), fact(2, 2, 0.3), fact(3, 4, 0.4), fact(4, 4, 0.6)];
  const results = Object.fromEntries(
    SMI_METHODS.map((method) => [
      method,
      fitRows(rows, { method, modelSize: 1e9, mode: "exact", miDefinition: "pointwise" }),
    ]),
  ) as ReturnType<typeof buildFitFile>["models"][number]["results"];
  const file = buildFitFile("exact", "pointwise", [{ model, modelSize: 1e9, data: "counts.json", results }]);
  const path = join(dir, `${model.replace(/\W/g, "_")}.fit.json`);
  writeFileSync(path, JSON.stringify(file));
  return path;
}

export const moeReport = (gate: string): MoeReport => ({
  model: "tiny-dense",
  tokens: 512,
  densePerplexity: 12.5,
  equivalencePerplexity: 12.5,
  rows: [
    { method: "random", experts: 4, topK: 2, gate, scale: 2, expertSizes: "4×8", perplexity: 40.2 },
    { method: "cluster", experts: 4, topK: 2, gate, scale: 2, expertSizes: "4×8", perplexity: 19.7 },
  ].map((r) => ({ ...r, meanKl: 0.4, loadCv: 0.1, routingEntropy: 1.2, maxLoad: 0.3, seconds: 1 })),
  files: [],
});
