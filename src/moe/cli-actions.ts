import { print } from "../cli-kit/output.js";
import { UserError } from "../util/errors.js";
import { formatBytes, formatDuration, Progress } from "../util/progress.js";
import type { MoeFormat } from "./build.js";
import type { GateInit, GateNetwork } from "./gate-init.js";
import {
  expertSizes,
  type RemainderPolicy,
  readSplit,
  SPLIT_METHODS,
  type SplitMethod,
  writeSplit,
} from "./split.js";

export function int(value: string | undefined, flag: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new UserError(`${flag} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

export function positive(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag} must be a positive number, got "${value}"`);
  return n;
}

function oneOf<T extends string>(
  value: string | undefined,
  flag: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T))
    throw new UserError(`${flag} must be one of ${allowed.join(", ")}, got "${value}"`);
  return value as T;
}

function progressFor(json: boolean | undefined, label: string, unit: string): Progress {
  return new Progress({ label, unit, mode: json ? "silent" : "auto" });
}

export async function splitAction(opts: Record<string, string | boolean | undefined>): Promise<void> {
  const { clusterLayersParallel } = await import("./cluster-workers.js");
  const { openDense } = await import("./dense.js");
  const { clusterParams, computeSplit } = await import("./methods.js");
  const method = oneOf(opts.method as string, "--method", SPLIT_METHODS, "random") as SplitMethod;
  const dense = openDense(opts.model as string);
  const progress = progressFor(opts.json as boolean, `split ${method}`, "layers");
  const started = Date.now();
  try {
    const experts = int(opts.experts as string, "--experts", 0, 1);
    const workers = int(opts.workers as string, "--workers", 1, 1);
    const remainder = oneOf(
      opts.remainder as string,
      "--remainder",
      ["spread", "error"],
      "spread",
    ) as RemainderPolicy;
    let precomputedLabels: Int32Array[] | undefined;
    if (method === "clustering" && workers > 1) {
      const sizes = expertSizes(dense.config.intermediateSize, experts, remainder, `${dense.ck.path}: `);
      progress.setTotal(dense.config.numLayers);
      precomputedLabels = await clusterLayersParallel(
        opts.model as string,
        dense.config.numLayers,
        clusterParams(
          {
            method,
            experts,
            seed: int(opts.seed as string, "--seed", 0),
            remainder,
            proj: oneOf(opts.proj as string, "--proj", ["up", "gate"] as const, "up"),
            centre: opts.centre !== false,
            restarts: int(opts.restarts as string, "--restarts", 3, 1),
            iterations: int(opts.iterations as string, "--iterations", 100, 1),
          },
          sizes,
        ),
        workers,
        () => progress.tick(),
      );
      progress.set(0);
    }
    const split = computeSplit(dense, {
      method,
      experts,
      ...(precomputedLabels ? { precomputedLabels } : {}),
      seed: int(opts.seed as string, "--seed", 0),
      remainder: oneOf(
        opts.remainder as string,
        "--remainder",
        ["spread", "error"],
        "spread",
      ) as RemainderPolicy,
      proj: oneOf(opts.proj as string, "--proj", ["up", "gate"] as const, "up"),
      centre: opts.centre !== false,
      restarts: int(opts.restarts as string, "--restarts", 3, 1),
      iterations: int(opts.iterations as string, "--iterations", 100, 1),
      ...(opts.tokens ? { tokensFile: opts.tokens as string } : {}),
      sequences: int(opts.sequences as string, "--sequences", 16, 1),
      sequenceLength: int(opts.length as string, "--length", 128, 2),
      ...(opts.scores ? { scoresFile: opts.scores as string } : {}),
      sharing: opts.sharing === true,
      residual: int(opts.residual as string, "--residual", 0),
      ...(opts.expertSize ? { expertSize: int(opts.expertSize as string, "--expert-size", 1, 1) } : {}),
      progress,
    });
    progress.finish();
    writeSplit(opts.out as string, split);
    const sizes = [...new Set(split.layers.flatMap((l) => l.experts.map((e) => e.length)))].sort(
      (a, b) => b - a,
    );
    print(
      opts.json as boolean,
      {
        out: opts.out,
        method,
        numExperts: split.numExperts,
        numResidual: split.numResidual,
        sharing: split.sharing,
        layers: split.numLayers,
        expertSizes: sizes,
        seconds: (Date.now() - started) / 1000,
      },
      `split ${dense.ck.path} (${method}${split.variant ? `, ${split.variant}` : ""}): ${split.numLayers} layers × ${split.numExperts} experts${split.numResidual ? ` + ${split.numResidual} residual` : ""}, expert sizes ${sizes.join("/")} of ${split.intermediateSize} neurons in ${formatDuration((Date.now() - started) / 1000)}\n  wrote ${opts.out}`,
    );
  } finally {
    dense.ck.close();
  }
}

export async function buildAction(opts: Record<string, string | boolean | undefined>): Promise<void> {
  const { buildMoe, MOE_FORMATS } = await import("./build.js");
  const { openDense } = await import("./dense.js");
  const format = oneOf(opts.format as string, "--format", MOE_FORMATS, "llama-moe") as MoeFormat;
  const split = readSplit(opts.split as string);
  const dense = openDense(opts.model as string);
  const progress = progressFor(opts.json as boolean, `build ${format}`, "tensors");
  const started = Date.now();
  let scale: number | number[] | undefined;
  if (opts.scaleFactor !== undefined) {
    const parts = String(opts.scaleFactor).split(",").map(Number);
    if (!parts.every((x) => Number.isFinite(x) && x > 0))
      throw new UserError(`--scale-factor must be positive numbers, got "${opts.scaleFactor}"`);
    scale = parts.length === 1 ? parts[0]! : parts;
  }
  try {
    const result = buildMoe(dense, split, opts.out as string, {
      format,
      topK: int(opts.topK as string, "--top-k", 2, 1),
      gate: oneOf(opts.gate as string, "--gate", ["random", "centroid", "zero"], "random") as GateInit,
      gateNetwork: oneOf(
        opts.gateNetwork as string,
        "--gate-network",
        ["linear", "mlp"],
        "linear",
      ) as GateNetwork,
      ...(scale !== undefined ? { scale } : {}),
      ...(opts.residualScale !== undefined
        ? { residualScale: positive(opts.residualScale as string, "--residual-scale", 1) }
        : {}),
      seed: int(opts.seed as string, "--seed", 0),
      ...(opts.name ? { name: opts.name as string } : {}),
      ...(opts.modelingFiles ? { modelingDir: opts.modelingFiles as string } : {}),
      progress,
    });
    progress.finish();
    const seconds = (Date.now() - started) / 1000;
    print(
      opts.json as boolean,
      { ...result, seconds },
      `built ${format}: ${result.experts} experts, top-${result.topK}, scale ${[...new Set(result.scale)].join("/")}, ${result.tensors} tensors, ${formatBytes(result.bytes)} in ${formatDuration(seconds)} (${formatBytes(result.bytes / Math.max(seconds, 1e-3))}/s)\n${result.files.map((f) => `  wrote ${f}`).join("\n")}`,
    );
  } finally {
    dense.ck.close();
  }
}

export async function verifyAction(
  out: string,
  opts: Record<string, string | boolean | undefined>,
): Promise<void> {
  const { openDense } = await import("./dense.js");
  const { openMoe } = await import("./model.js");
  const { formatVerify, verifyMoe } = await import("./verify.js");
  const moe = openMoe(out);
  const dense = openDense(opts.dense as string);
  try {
    const report = await verifyMoe(moe, dense, {
      ...(opts.split ? { split: readSplit(opts.split as string) } : {}),
      tokens: int(opts.tokens as string, "--tokens", 32, 2),
      llamaCpp: opts.llamaCpp !== false,
    });
    print(opts.json as boolean, report, formatVerify(report));
    if (!report.ok) process.exitCode = 1;
  } finally {
    moe.ck.close();
    dense.ck.close();
  }
}

export async function fitGatesAction(
  out: string,
  opts: Record<string, string | boolean | undefined>,
): Promise<void> {
  const { openDense } = await import("./dense.js");
  const { fitGates, formatFit } = await import("./fit.js");
  const { openMoe } = await import("./model.js");
  const moe = openMoe(out);
  const dense = openDense(opts.dense as string);
  const progress = progressFor(opts.json as boolean, "fit-gates", "layers");
  try {
    const result = fitGates(moe, dense, {
      tokens: int(opts.tokens as string, "--tokens", 4096, 16),
      heldOut: int(opts.heldOut as string, "--held-out", 1024, 16),
      epochs: int(opts.epochs as string, "--epochs", 30, 1),
      lr: positive(opts.lr as string | undefined, "--lr", 0.01),
      rescale: opts.rescale === true,
      refitDown: opts.refitDown === true,
      seed: int(opts.seed as string, "--seed", 0),
      write: opts.dryRun !== true,
      progress,
    });
    progress.finish();
    print(opts.json as boolean, result, formatFit(result));
  } finally {
    moe.ck.close();
    dense.ck.close();
  }
}

export async function reportAction(opts: Record<string, string | boolean | undefined>): Promise<void> {
  if (!opts.model && !opts.runs)
    throw new UserError("assay moe report: give --model (fidelity table) and/or --runs (training curves)");
  if (opts.runs) {
    if (!opts.out) throw new UserError("assay moe report --runs: --out is required (the charts are files)");
    const { curvesAction } = await import("./train-actions.js");
    curvesAction(opts);
    if (!opts.model) return;
  }
  const { openDense } = await import("./dense.js");
  const { formatReport, runReport } = await import("./report.js");
  const dense = openDense(opts.model as string);
  const progress = progressFor(opts.json as boolean, "moe report", "rows");
  try {
    const methods = String(opts.methods)
      .split(",")
      .map((m) => oneOf(m.trim(), "--methods", SPLIT_METHODS, "random"));
    const configs = String(opts.configs)
      .split(",")
      .map((c) => {
        const [e, k] = c.split(":").map(Number);
        if (
          !Number.isSafeInteger(e) ||
          !Number.isSafeInteger(k) ||
          (k as number) < 1 ||
          (e as number) < (k as number)
        )
          throw new UserError(`--configs: "${c}" is not E:k with 1 ≤ k ≤ E`);
        return { experts: e as number, topK: k as number };
      });
    const gates = String(opts.gates)
      .split(",")
      .map((g) => oneOf(g.trim(), "--gates", ["random", "centroid", "fit", "fit-down"] as const, "random"));
    const report = await runReport(dense, {
      methods,
      configs,
      gates,
      sequences: int(opts.sequences as string, "--sequences", 8, 1),
      length: int(opts.length as string, "--length", 128, 2),
      fitTokens: int(opts.fitTokens as string, "--fit-tokens", 4096, 16),
      seed: int(opts.seed as string, "--seed", 0),
      ...(opts.out ? { outDir: opts.out as string } : {}),
      progress,
    });
    progress.finish();
    print(opts.json as boolean, report, formatReport(report));
  } finally {
    dense.ck.close();
  }
}
