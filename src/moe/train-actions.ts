/** Actions of `assay moe train` and `assay moe distill-data` (loaded only when those commands run). */
import { print } from "../cli-kit/output.js";
import { UserError } from "../util/errors.js";
import { Progress } from "../util/progress.js";
import { int, positive } from "./cli-actions.js";
import { checkTorch, formatCheck } from "./train-python.js";
import { readRunCurves, writeCurves } from "./train-report.js";

type Opts = Record<string, string | boolean | undefined>;

export async function trainAction(model: string | undefined, opts: Opts): Promise<void> {
  if (opts.check) {
    const c = checkTorch(opts.python as string | undefined);
    print(opts.json as boolean, c, formatCheck(c));
    if (!c.ok) process.exitCode = 1;
    return;
  }
  if (!model) throw new UserError("assay moe train: give the LLaMA-MoE folder to train (or --check)");
  if (opts.importance) {
    if (!opts.data) throw new UserError("assay moe train --importance: --data is required");
    const { gradientImportance } = await import("./train.js");
    const progress = new Progress({
      label: "gradient importance",
      unit: "sequences",
      mode: opts.json ? "silent" : "auto",
    });
    const r = await gradientImportance({
      moe: model,
      data: opts.data as string,
      out: opts.importance as string,
      ...(opts.clusters !== undefined ? { clusters: int(opts.clusters as string, "--clusters", 1, 1) } : {}),
      block: int(opts.block as string, "--block", 128, 1),
      seed: int(opts.seed as string, "--seed", 0),
      ...(opts.threads !== undefined ? { threads: int(opts.threads as string, "--threads", 1, 1) } : {}),
      ...(opts.python !== undefined ? { python: opts.python as string } : {}),
      progress,
    });
    progress.finish();
    print(
      opts.json as boolean,
      r,
      `gradient importance over ${r.sequences} sequences in ${r.clusters} clusters\n  wrote ${r.out} (use: assay moe split --method importance --scores ${r.out})`,
    );
    return;
  }
  for (const flag of ["data", "out"] as const)
    if (!opts[flag]) throw new UserError(`assay moe train: --${flag} is required`);
  const { formatTrain, runTraining } = await import("./train.js");
  const steps = int(opts.steps as string, "--steps", 300, 1);
  const progress = new Progress({ label: "moe train", unit: "steps", mode: opts.json ? "silent" : "auto" });
  const precision = opts.precision as string;
  if (!["auto", "fp32", "bf16"].includes(precision))
    throw new UserError(`--precision must be auto, fp32 or bf16, got "${precision}"`);
  const sampling = opts.sampling as string;
  if (sampling !== "static" && sampling !== "dynamic")
    throw new UserError(`--sampling must be static or dynamic, got "${sampling}"`);
  const r = await runTraining({
    moe: model,
    data: opts.data as string,
    out: opts.out as string,
    steps,
    batch: int(opts.batch as string, "--batch", 8, 1),
    block: int(opts.block as string, "--block", 128, 1),
    lr: positive(opts.lr as string, "--lr", 2e-4),
    warmup: int(opts.warmup as string, "--warmup", 100, 1),
    saveEvery: int(opts.saveEvery as string, "--save-every", 100, 1),
    evalEvery: int(opts.evalEvery as string, "--eval-every", 50, 1),
    sampling,
    ...(opts.domainWeights !== undefined ? { domainWeights: opts.domainWeights as string } : {}),
    noise: opts.noise !== false,
    ...(opts.balanceWeight !== undefined ? { balanceWeight: nonNegative(opts.balanceWeight as string) } : {}),
    ...(opts.weightDecay !== undefined
      ? { weightDecay: nonNegative(opts.weightDecay as string, "--weight-decay") }
      : {}),
    ...(opts.freezeDense ? { freezeDense: true } : {}),
    ...(opts.denseLr !== undefined
      ? { denseLrScale: nonNegative(opts.denseLr as string, "--dense-lr") }
      : {}),
    ...(opts.gateLr !== undefined ? { gateLrScale: nonNegative(opts.gateLr as string, "--gate-lr") } : {}),
    ...optimizerOptions(opts),
    ...(opts.finalLr !== undefined
      ? { finalLrPortion: fraction(opts.finalLr as string, "--final-lr", 0.1) }
      : {}),
    ...(opts.fadeSteps !== undefined
      ? { fadeSteps: int(opts.fadeSteps as string, "--fade-steps", 0, 0) }
      : {}),
    ...(opts.distill !== undefined ? { distill: fraction(opts.distill as string, "--distill", 0) } : {}),
    seed: int(opts.seed as string, "--seed", 0),
    ...(opts.threads !== undefined ? { threads: int(opts.threads as string, "--threads", 1, 1) } : {}),
    nproc: int(opts.nproc as string, "--nproc", 1, 1),
    ...(opts.device !== undefined ? { device: opts.device as string } : {}),
    precision: precision as "auto" | "fp32" | "bf16",
    ...(opts.python !== undefined ? { python: opts.python as string } : {}),
    ...(opts.stopAfter !== undefined
      ? { stopAfter: int(opts.stopAfter as string, "--stop-after", 1, 1) }
      : {}),
    evaluate: opts.eval !== false,
    progress,
  });
  progress.finish();
  print(opts.json as boolean, r, formatTrain(r));
}

function fraction(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1)
    throw new UserError(`${flag} must be in (0, 1], got "${value}"`);
  return n;
}

/** --optimizer, --momentum and --adam-eps, checked here so a mistake is one line, not a Python error. */
function optimizerOptions(opts: Opts): { optimizer?: "adamw" | "sgd"; momentum?: number; adamEps?: number } {
  const optimizer = opts.optimizer as string | undefined;
  if (optimizer !== undefined && optimizer !== "adamw" && optimizer !== "sgd")
    throw new UserError(`--optimizer must be adamw or sgd, got "${optimizer}"`);
  if (opts.momentum !== undefined && optimizer !== "sgd")
    throw new UserError("--momentum applies to --optimizer sgd only");
  if (opts.adamEps !== undefined && optimizer === "sgd")
    throw new UserError("--adam-eps applies to --optimizer adamw only");
  const momentum =
    opts.momentum === undefined ? undefined : nonNegative(opts.momentum as string, "--momentum");
  if (momentum !== undefined && momentum >= 1)
    throw new UserError(`--momentum must be below 1, got "${opts.momentum}"`);
  return {
    ...(optimizer !== undefined ? { optimizer } : {}),
    ...(momentum !== undefined ? { momentum } : {}),
    ...(opts.adamEps !== undefined ? { adamEps: positive(opts.adamEps as string, "--adam-eps", 1e-8) } : {}),
  };
}

function nonNegative(value: string, flag = "--balance-weight"): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0)
    throw new UserError(`${flag} must be a number ≥ 0, got "${value}"`);
  return n;
}

export async function distillAction(opts: Opts): Promise<void> {
  const { openDense } = await import("./dense.js");
  const { distillData, formatDistill } = await import("./distill.js");
  const temperatures = String(opts.temperatures ?? "0.8,1.0,1.2")
    .split(",")
    .map((t) => {
      const v = Number(t);
      if (t.trim() === "" || !Number.isFinite(v) || v <= 0)
        throw new UserError(`--temperatures: "${t}" is not a positive number`);
      return v;
    });
  const dense = openDense(opts.model as string);
  const progress = new Progress({
    label: "distill-data",
    unit: "sequences",
    mode: opts.json ? "silent" : "auto",
  });
  try {
    const r = distillData(dense, opts.out as string, {
      tokens: int(opts.tokens as string, "--tokens", 0, 2),
      length: int(opts.length as string, "--length", 128, 2),
      validFraction: fraction(opts.valid as string, "--valid", 0.1),
      temperatures,
      seed: int(opts.seed as string, "--seed", 0, 0),
      progress,
    });
    progress.finish();
    print(opts.json as boolean, r, formatDistill(r));
  } finally {
    dense.ck.close();
  }
}

export async function convertAction(checkpoint: string, opts: Opts): Promise<void> {
  const { moeToGguf } = await import("./convert.js");
  const dt = opts.dtype as string | undefined;
  const dtypes = { f32: "F32", f16: "F16", bf16: "BF16" } as const;
  if (dt !== undefined && !(dt.toLowerCase() in dtypes))
    throw new UserError(`--dtype must be one of f32, f16, bf16, got "${dt}"`);
  const r = moeToGguf(checkpoint, opts.out as string, {
    ...(opts.tokenizerFrom ? { tokenizerFrom: opts.tokenizerFrom as string } : {}),
    ...(dt ? { dtype: dtypes[dt.toLowerCase() as keyof typeof dtypes] } : {}),
  });
  print(
    opts.json as boolean,
    r,
    [
      `${r.out}: GGUF, ${r.experts} experts of ${r.expertSize} neurons, top-${r.topK}, ${r.dtype}; scale ${r.scale.map((s) => s.toFixed(3)).join(", ")} folded into the down projections; tokenizer: ${r.tokenizer}`,
      ...r.notes.map((n) => `note: ${n}`),
    ].join("\n"),
  );
}

/** `moe report --runs`: training curves of `moe train` output folders. */
export function curvesAction(opts: Opts): void {
  const dirs = String(opts.runs)
    .split(",")
    .map((d) => d.trim())
    .filter(Boolean);
  const labels = opts.labels ? String(opts.labels).split(",") : [];
  if (labels.length && labels.length !== dirs.length)
    throw new UserError(`--labels: ${labels.length} names for ${dirs.length} runs`);
  const dense =
    opts.denseLoss !== undefined ? positive(opts.denseLoss as string, "--dense-loss", 1) : undefined;
  const runs = dirs.map((d, i) => readRunCurves(d, labels[i]?.trim() || undefined));
  const r = writeCurves(runs, opts.out as string, dense);
  print(
    opts.json as boolean,
    r,
    [
      ...r.runs.map(
        (x) =>
          `${x.label}: ${x.steps} steps, ${x.tokens} tokens, ${x.meanTokensPerS.toFixed(0)} tokens/s${
            x.finalValid
              ? `, final validation loss ${Object.entries(x.finalValid)
                  .map(([d, v]) => `${d} ${v.toFixed(3)}`)
                  .join(", ")}`
              : ""
          }`,
      ),
      `charts: ${r.files.filter((f) => f.endsWith(".svg")).join(", ")}`,
    ].join("\n"),
  );
}
