/** Actions of `assay moe train` and `assay moe distill-data` (loaded only when those commands run). */
import { print } from "../cli-kit/output.js";
import { UserError } from "../util/errors.js";
import { Progress } from "../util/progress.js";
import { checkTorch, formatCheck } from "./train-python.js";

type Opts = Record<string, string | boolean | undefined>;

export async function trainAction(model: string | undefined, opts: Opts): Promise<void> {
  if (opts.check) {
    const c = checkTorch(opts.python as string | undefined);
    print(opts.json as boolean, c, formatCheck(c));
    if (!c.ok) process.exitCode = 1;
    return;
  }
  if (!model) throw new UserError("assay moe train: give the LLaMA-MoE folder to train (or --check)");
}

function count(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new UserError(`${flag} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

function fraction(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1)
    throw new UserError(`${flag} must be in (0, 1], got "${value}"`);
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
      tokens: count(opts.tokens as string, "--tokens", 0, 2),
      length: count(opts.length as string, "--length", 128, 2),
      validFraction: fraction(opts.valid as string, "--valid", 0.1),
      temperatures,
      seed: count(opts.seed as string, "--seed", 0, 0),
      progress,
    });
    progress.finish();
    print(opts.json as boolean, r, formatDistill(r));
  } finally {
    dense.ck.close();
  }
}
