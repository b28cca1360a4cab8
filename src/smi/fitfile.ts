/**
 * fit.json: the fits of one or more models (all three methods each) and, with two or more model
 * sizes, how slope and intercept move with size (linear in log2 of the parameter count). `smi fit`
 * writes it and `smi predict` reads it.
 */
import { readFileSync } from "node:fs";
import { UserError } from "../util/errors.js";
import { type FitMode, type FitResult, linearRegression, SMI_METHODS, type SmiMethod } from "./fit.js";
import type { MiDefinition } from "./mi.js";

export const FIT_FORMAT = "assay-smi-fit";

export interface ModelFit {
  model: string;
  modelSize: number;
  data: string;
  results: Record<SmiMethod, FitResult>;
}

export interface LinearInLogSize {
  /** value(N) = base + perLog2Size · log2(N) */
  base: number;
  perLog2Size: number;
  r2: number;
}

export interface SizeTransfer {
  models: number;
  slope: LinearInLogSize;
  intercept: LinearInLogSize;
}

export interface FitFile {
  format: typeof FIT_FORMAT;
  version: 1;
  mode: FitMode;
  miDefinition: MiDefinition;
  models: ModelFit[];
  /** Per method; absent when fewer than two distinct model sizes were fitted. */
  transfer: Partial<Record<SmiMethod, SizeTransfer>>;
}

/** Parses 12e9, 12000000000, 12b, 1.4B, 410m, 7k, 1t into a parameter count. */
export function parseModelSize(text: string, where: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kmbt]?)\s*$/i.exec(text);
  const scale: Record<string, number> = { "": 1, k: 1e3, m: 1e6, b: 1e9, t: 1e12 };
  if (!m) throw new UserError(`${where}: cannot read model size "${text}" (use e.g. 12e9, 12b or 410m)`);
  const v = Number(m[1]) * scale[(m[2] ?? "").toLowerCase()]!;
  if (!(Number.isFinite(v) && v > 1))
    throw new UserError(`${where}: model size "${text}" must be more than 1 parameter`);
  return v;
}

/**
 * Parameter counts of common models whose names carry no size. Sizes as their model cards give them
 * (BLOOM's 176B is the full model; GPT-2's as released by OpenAI).
 */
const NAMED_SIZES: Record<string, number> = {
  bloom: 176e9,
  gpt2: 124e6,
  "gpt2-medium": 355e6,
  "gpt2-large": 774e6,
  "gpt2-xl": 1.5e9,
  "phi-1": 1.3e9,
  "phi-1_5": 1.3e9,
  "phi-2": 2.7e9,
};

/**
 * The parameter count in a model name, or undefined. The size is the first name part (split on - _ /)
 * shaped like `1.4b`, `125m`, `1.1B`, or BLOOM's `1b1` / `7b1` (= 1.1B, 7.1B); parts in k or T are
 * training steps or tokens (TinyLlama-1.1B-intermediate-step-480k-1T), never sizes. Names without a
 * size part are looked up in a small table (bloom = 176B).
 */
export function sizeFromModelName(name: string): number | undefined {
  const base = name.split("/").pop()!;
  for (const part of base.split(/[-_]/)) {
    const m = /^([0-9]*\.?[0-9]+)([mb])([0-9]+)?$/i.exec(part);
    if (!m) continue;
    const whole = m[3] !== undefined ? Number(`${m[1]}.${m[3]}`) : Number(m[1]);
    if (!(whole > 0)) continue;
    return whole * (m[2]!.toLowerCase() === "b" ? 1e9 : 1e6);
  }
  return NAMED_SIZES[base.toLowerCase()];
}

export function sizeTransfer(models: readonly ModelFit[], method: SmiMethod): SizeTransfer | undefined {
  if (new Set(models.map((m) => m.modelSize)).size < 2) return undefined;
  const xs = models.map((m) => Math.log2(m.modelSize));
  const slope = linearRegression(
    xs,
    models.map((m) => m.results[method].slope),
  );
  const intercept = linearRegression(
    xs,
    models.map((m) => m.results[method].intercept),
  );
  return {
    models: models.length,
    slope: { base: slope.intercept, perLog2Size: slope.slope, r2: slope.r2 },
    intercept: { base: intercept.intercept, perLog2Size: intercept.slope, r2: intercept.r2 },
  };
}

export function buildFitFile(mode: FitMode, miDefinition: MiDefinition, models: ModelFit[]): FitFile {
  const transfer: Partial<Record<SmiMethod, SizeTransfer>> = {};
  for (const method of SMI_METHODS) {
    const t = sizeTransfer(models, method);
    if (t) transfer[method] = t;
  }
  return { format: FIT_FORMAT, version: 1, mode, miDefinition, models, transfer };
}

export interface Coefficients {
  slope: number;
  intercept: number;
  /** How the coefficients were obtained, for the report. */
  source: string;
}

/** Slope and intercept for a model size: the size regression when there is one, else the single fit. */
export function coefficientsFor(fit: FitFile, method: SmiMethod, modelSize: number): Coefficients {
  const t = fit.transfer[method];
  const l = Math.log2(modelSize);
  if (t) {
    return {
      slope: t.slope.base + t.slope.perLog2Size * l,
      intercept: t.intercept.base + t.intercept.perLog2Size * l,
      source: `regressed on log2(size) over ${t.models} fitted models`,
    };
  }
  const only = fit.models[0];
  if (!only) throw new UserError("the fit file holds no models");
  const r = only.results[method];
  return {
    slope: r.slope,
    intercept: r.intercept,
    source: `taken unchanged from ${only.model} (one model size fitted: no size transfer)`,
  };
}

export function loadFitFile(path: string): FitFile {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UserError(`${path}: cannot read the fit file (${(err as Error).message})`);
  }
  const v = value as Partial<FitFile> | null;
  if (!v || v.format !== FIT_FORMAT || v.version !== 1 || !Array.isArray(v.models)) {
    throw new UserError(`${path}: not an ${FIT_FORMAT} v1 file (write one with \`assay smi fit --out\`)`);
  }
  v.models.forEach((m, i) => {
    for (const method of SMI_METHODS) {
      const r = m?.results?.[method];
      if (!r || typeof r.slope !== "number" || typeof r.intercept !== "number") {
        throw new UserError(`${path}: models[${i}].results.${method}: missing slope/intercept`);
      }
    }
    if (typeof m.modelSize !== "number")
      throw new UserError(`${path}: models[${i}]: field "modelSize" missing`);
  });
  return v as FitFile;
}
