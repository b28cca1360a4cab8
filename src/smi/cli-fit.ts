/** `assay smi fit` and `assay smi predict`. */
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { UserError } from "../util/errors.js";
import { type FitMode, fitRows, METHOD_LABEL, SMI_METHODS, type SmiMethod } from "./fit.js";
import {
  buildFitFile,
  type FitFile,
  loadFitFile,
  type ModelFit,
  parseModelSize,
  sizeFromModelName,
} from "./fitfile.js";
import type { MiDefinition } from "./mi.js";
import { writePlot } from "./plot.js";
import { predict } from "./predict.js";
import { loadCountRows, loadScoredRows, parseScoredRows, readJsonArray } from "./rows.js";

export function parseMethod(v: string): SmiMethod {
  if ((SMI_METHODS as readonly string[]).includes(v)) return v as SmiMethod;
  throw new UserError(`--method must be one of ${SMI_METHODS.join(", ")}, got "${v}"`);
}
export function parseMode(v: string): FitMode {
  if (v === "exact" || v === "corrected") return v;
  throw new UserError(`--mode must be "exact" or "corrected", got "${v}"`);
}
export function parseMiDefinition(v: string): MiDefinition {
  if (v === "pointwise" || v === "full") return v;
  throw new UserError(`--mi-definition must be "pointwise" or "full", got "${v}"`);
}

/** Expands --data arguments: files as given, directories to their *.json files in name order. */
export function expandDataPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new UserError(`--data ${p}: no such file or directory`);
    }
    if (!isDir) {
      out.push(p);
      continue;
    }
    const files = readdirSync(p)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => join(p, f));
    if (files.length === 0) throw new UserError(`--data ${p}: the directory holds no .json files`);
    out.push(...files);
  }
  return out;
}

export interface FitCommandOptions {
  data: string[];
  modelSize: string[];
  method: string;
  mode: string;
  miDefinition: string;
  out?: string;
  plot?: string;
  plotDir?: string;
  json?: boolean;
}

function fmt(v: number | null, digits: number): string {
  return v === null ? "—" : v.toFixed(digits);
}

export function formatFitTable(fit: FitFile): string {
  const lines: string[] = [];
  for (const m of fit.models) {
    const any = m.results.smi;
    lines.push(
      `${m.model}: ${m.modelSize.toExponential(3)} parameters, ${any.facts} facts (${any.droppedFacts} dropped with MI <= 0), mode ${fit.mode}`,
    );
    lines.push(
      `  ${"method".padEnd(9)} ${"slope".padStart(8)} ${"intercept".padStart(10)} ${"R²".padStart(13)} ${"MSE".padStart(9)} ${"x-int".padStart(8)} ${"upper".padStart(7)} ${"bins".padStart(5)} ${"fact R²".padStart(8)}`,
    );
    for (const method of SMI_METHODS) {
      const r = m.results[method];
      lines.push(
        `  ${METHOD_LABEL[method].padEnd(9)} ${fmt(r.slope, 4).padStart(8)} ${fmt(r.intercept, 4).padStart(10)} ${fmt(r.r2, 10).padStart(13)} ${fmt(r.mse, 5).padStart(9)} ${fmt(r.xIntercept, 4).padStart(8)} ${fmt(r.upperBound, 4).padStart(7)} ${String(r.bins.length).padStart(5)} ${fmt(r.factR2, 4).padStart(8)}`,
      );
    }
  }
  for (const method of SMI_METHODS) {
    const t = fit.transfer[method];
    if (!t) continue;
    lines.push(
      `size transfer (${METHOD_LABEL[method]}, ${t.models} models): slope = ${linearInLog2(t.slope)} (R² ${t.slope.r2.toFixed(3)}), intercept = ${linearInLog2(t.intercept)} (R² ${t.intercept.r2.toFixed(3)})`,
    );
  }
  return lines.join("\n");
}

/** A data file left out of a fit, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

export function runFit(opts: FitCommandOptions): { fit: FitFile; plots: string[]; skipped: SkippedFile[] } {
  const mode = parseMode(opts.mode);
  const miDefinition = parseMiDefinition(opts.miDefinition);
  const plotMethods: SmiMethod[] = opts.method === "all" ? [...SMI_METHODS] : [parseMethod(opts.method)];
  const files = expandDataPaths(opts.data);
  if (files.length === 0) throw new UserError("smi fit: give at least one --data file");
  if (opts.modelSize.length > 0 && opts.modelSize.length !== files.length) {
    throw new UserError(
      `smi fit: ${files.length} data file(s) but ${opts.modelSize.length} --model-size value(s); give one per file, or none to read sizes from names like pythia-1.4b`,
    );
  }
  if (opts.plot && (files.length > 1 || plotMethods.length > 1)) {
    throw new UserError(
      "--plot names one file: use it with one --data file and one --method, or use --plot-dir",
    );
  }
  // A file whose name gives no size is skipped and reported when others can be fitted (a folder of
  // results often holds one such file); alone, it is an error.
  const skipped: SkippedFile[] = [];
  const models: ModelFit[] = files.flatMap((file, i) => {
    const model = basename(file).replace(/\.json$/i, "");
    const given = opts.modelSize[i];
    const modelSize = given !== undefined ? parseModelSize(given, "--model-size") : sizeFromModelName(model);
    if (modelSize === undefined) {
      const reason = `the name "${model}" gives no model size (such as -12b or -1b1): pass --model-size`;
      if (files.length === 1) throw new UserError(`${file}: ${reason}`);
      skipped.push({ file, reason });
      return [];
    }
    const rows = loadScoredRows(file);
    const results = {} as Record<SmiMethod, ReturnType<typeof fitRows>>;
    for (const method of SMI_METHODS) {
      try {
        results[method] = fitRows(rows, { method, modelSize, mode, miDefinition });
      } catch (err) {
        if (err instanceof UserError) throw new UserError(`${file}: ${METHOD_LABEL[method]}: ${err.message}`);
        throw err;
      }
    }
    return [{ model, modelSize, data: file, results }];
  });
  if (models.length === 0)
    throw new UserError(
      `smi fit: no data file could be sized (${skipped.map((x) => x.file).join(", ")}): pass --model-size`,
    );
  models.sort((a, b) => a.modelSize - b.modelSize);
  const fit = buildFitFile(mode, miDefinition, models);
  const plots: string[] = [];
  if (!opts.plot) mkdirSync(opts.plotDir ?? ".", { recursive: true });
  for (const m of models) {
    for (const method of plotMethods) {
      const path = opts.plot ?? join(opts.plotDir ?? ".", `${m.model}-${method}.png`);
      writePlot(path, m.results[method], `${m.model} · ${METHOD_LABEL[method]}`);
      plots.push(path);
    }
  }
  if (opts.out) writeFileSync(opts.out, `${JSON.stringify(fit, null, 1)}\n`);
  return { fit, plots, skipped };
}

export interface PredictCommandOptions {
  counts: string;
  fit: string;
  modelSize: string;
  method: string;
  out?: string;
  json?: boolean;
}

export function runPredict(opts: PredictCommandOptions): ReturnType<typeof predict> {
  const fit = loadFitFile(opts.fit);
  const method = parseMethod(opts.method);
  const modelSize = parseModelSize(opts.modelSize, "--model-size");
  // Rows that carry a measured accuracy (a merge_outputs file) also report the error of the prediction.
  const raw = readJsonArray(opts.counts);
  const first = raw[0];
  const hasAcc = typeof first === "object" && first !== null && "acc" in first;
  const rows = hasAcc ? parseScoredRows(opts.counts, raw) : loadCountRows(opts.counts);
  const result = predict(rows, fit, method, modelSize);
  if (opts.out) writeFileSync(opts.out, `${JSON.stringify(result, null, 1)}\n`);
  return result;
}

export function formatPrediction(p: ReturnType<typeof predict>): string {
  const s = p.summary;
  const lines = [
    `${METHOD_LABEL[s.method]} prediction for ${s.modelSize.toExponential(3)} parameters (exponent ${s.exponent.toFixed(5)})`,
    `  coefficients: slope ${s.slope.toFixed(4)}, intercept ${s.intercept.toFixed(4)} (${s.coefficientSource})`,
    `  facts: ${s.facts}, placed (MI > 0): ${s.placedFacts}`,
    `  expected accuracy over placed facts: ${s.meanPredictedAcc.toFixed(4)}`,
  ];
  if (s.meanMeasuredAcc !== undefined) {
    lines.push(`  measured accuracy over the same facts: ${s.meanMeasuredAcc.toFixed(4)}`);
    lines.push(`  mean absolute error per fact: ${(s.meanAbsError ?? 0).toFixed(4)}`);
  }
  return lines.join("\n");
}

/** "a + b·log2(N)", or "a − b·log2(N)" for a negative b (not "a + -b"). */
export function linearInLog2(f: { base: number; perLog2Size: number }): string {
  const sign = f.perLog2Size < 0 ? "−" : "+";
  return `${f.base.toFixed(4)} ${sign} ${Math.abs(f.perLog2Size).toFixed(4)}·log2(N)`;
}
