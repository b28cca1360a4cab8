/**
 * Research artefacts the viewer shows beside the runs (`assay view --fit FILE --moe-report FILE`): SMI's
 * calibration plot (bin accuracy against the metric, with the fitted line; `smi fit --out`) and the MoE
 * fidelity plot (held-out perplexity per variant; `moe report --out`). The files are read once, checked
 * field by field (a bad file is a UserError naming the field), and drawn by the plot code their own
 * commands use, so the viewer shows what `--plot` and report.svg show. Served as SVG images only.
 * Here, in the CLI (the composition root), because the viewer imports no research system.
 */
import { readFileSync } from "node:fs";
import type { MoeReport } from "../../moe/report.js";
import { reportSvg } from "../../moe/report.js";
import { SMI_METHODS } from "../../smi/fit.js";
import { loadFitFile } from "../../smi/fitfile.js";
import { renderFitSvg } from "../../smi/plot.js";
import { UserError } from "../../util/errors.js";
import type { Artefact } from "../../view/server.js";

export interface ArtefactFiles {
  fit?: string[];
  moeReport?: string[];
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Every calibration plot of a fit file: one per model and method. */
function fitArtefacts(path: string): Array<Omit<Artefact, "id">> {
  const file = loadFitFile(path);
  return file.models.flatMap((m, i) =>
    SMI_METHODS.map((method) => {
      const fit = m.results[method];
      const at = `${path}: models[${i}].results.${method}`;
      if (fit.method !== method) throw new UserError(`${at}.method: expected "${method}"`);
      if (!isNum(fit.r2) || !isNum(fit.mse)) throw new UserError(`${at}: r2 and mse must be numbers`);
      if (!Array.isArray(fit.bins) || fit.bins.some((b) => !isNum(b?.x) || !isNum(b?.meanAcc)))
        throw new UserError(`${at}.bins: each bin needs numeric x and meanAcc`);
      const model = typeof m.model === "string" ? m.model : `model ${i + 1}`;
      return {
        kind: "smi-calibration" as const,
        title: `SMI calibration: ${model}, ${method}`,
        source: path,
        svg: renderFitSvg(fit, model),
      };
    }),
  );
}

/** Reads and checks a `moe report` report.json (names that reach the plot unescaped must be plain words). */
export function loadMoeReport(path: string): MoeReport {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UserError(`${path}: cannot read the MoE report (${(err as Error).message})`);
  }
  const r = value as Partial<MoeReport> | null;
  if (!r || typeof r.model !== "string" || !Array.isArray(r.rows))
    throw new UserError(`${path}: not a MoE report.json (write one with \`assay moe report --out DIR\`)`);
  if (!isNum(r.densePerplexity) || r.densePerplexity <= 0)
    throw new UserError(`${path}: field "densePerplexity" must be a positive number`);
  r.rows.forEach((row, i) => {
    const at = `${path}: rows[${i}]`;
    for (const f of ["experts", "topK", "perplexity"] as const)
      if (!isNum(row?.[f]) || row[f] <= 0) throw new UserError(`${at}.${f}: must be a positive number`);
    for (const f of ["method", "gate"] as const)
      if (typeof row[f] !== "string" || !/^[\w.+-]{1,40}$/.test(row[f]))
        throw new UserError(`${at}.${f}: must be a name of letters, digits and . _ + -`);
  });
  return r as MoeReport;
}

export function loadArtefacts(files: ArtefactFiles): Artefact[] {
  const all = [
    ...(files.fit ?? []).flatMap(fitArtefacts),
    ...(files.moeReport ?? []).map((path) => {
      const report = loadMoeReport(path);
      return {
        kind: "moe-fidelity" as const,
        title: `MoE fidelity: ${report.model}`,
        source: path,
        svg: reportSvg(report),
      };
    }),
  ];
  return all.map((a, id) => ({ id, ...a }));
}
