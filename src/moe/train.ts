/**
 * `assay moe train`: continual pre-training of a LLaMA-MoE checkpoint. Assay checks the inputs (checkpoint,
 * corpus, domain weights, PyTorch), launches resources/moe/train_moe.py (python, or torchrun for several
 * processes), turns its JSON progress lines into the progress line, and measures the validation perplexity of
 * the checkpoint before and after with its own engine (not the Python side's numbers).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { logSoftmaxAt } from "../llama/engine.js";
import { UserError } from "../util/errors.js";
import type { Progress } from "../util/progress.js";
import { loadNonFfnWeights, moeEngine, openMoe } from "./model.js";
import { parseDomainWeights, readTrainingData, type TrainingData } from "./train-data.js";
import { requireTorch, trainerScript } from "./train-python.js";

export interface TrainOptions {
  moe: string;
  data: string;
  out: string;
  steps: number;
  batch: number;
  block: number;
  lr: number;
  warmup: number;
  saveEvery: number;
  evalEvery: number;
  sampling: "static" | "dynamic";
  /** `a=0.5,b=0.5` or JSON; undefined: uniform. */
  domainWeights?: string;
  noise: boolean;
  balanceWeight?: number;
  /** Weight α of KL(dense ‖ MoE) in the loss (the dense teacher is the input export with every expert). */
  distill?: number;
  /** AdamW decoupled weight decay on matrices (default 0.1, the paper's). */
  weightDecay?: number;
  /** Train only the MoE layers (experts and gates). */
  freezeDense?: boolean;
  /** Learning rate of the weights outside the MoE layers as a multiple of `lr` (0 freezes them; default 1). */
  denseLrScale?: number;
  /** Learning rate of the gates as a multiple of `lr` (default 1). */
  gateLrScale?: number;
  /** AdamW (default, the paper's) or SGD with Nesterov momentum. */
  optimizer?: "adamw" | "sgd";
  /** SGD's Nesterov momentum (default 0.9). */
  momentum?: number;
  /** AdamW's ε (default 1e-8). */
  adamEps?: number;
  /** Where the cosine decay ends, as a fraction of `lr` (default 0.1, the paper's). */
  finalLrPortion?: number;
  /** Gradual routing: train (1 − λ)·top-k + λ·dense FFN, λ from 1 to 0 over this many steps (default 0). */
  fadeSteps?: number;
  seed: number;
  threads?: number;
  /** Processes for torchrun (1: plain python). */
  nproc: number;
  device?: string;
  precision?: "auto" | "fp32" | "bf16";
  python?: string;
  /** Stop after this many steps of this run (to test resuming). */
  stopAfter?: number;
  /** Measure validation perplexity before and after with Assay's engine. */
  evaluate: boolean;
  progress?: Progress;
}

export interface StepEvent {
  step: number;
  steps: number;
  loss: number;
  lm_loss: number;
  balance_loss: number;
  lr: number;
  tokens_per_s: number;
  eta_s: number;
  load: number[][];
}

export interface TrainResult {
  out: string;
  checkpoint: string | null;
  resumedFrom: string | null;
  step: number;
  steps: number;
  tokens: number;
  seconds: number;
  python: string;
  torch: string;
  command: string[];
  log: StepEvent[];
  evals: { step: number; valid_loss: Record<string, number>; weights?: Record<string, number> }[];
  weights: Record<string, number>;
  /** Validation perplexity (Assay's engine) of the input checkpoint, the trained one, and the dense model. */
  perplexity?: { untrained: number; trained: number; dense?: number; tokens: number };
}

/** Mean validation loss of a LLaMA-MoE checkpoint over sequences, with Assay's reference engine. */
export function validationNll(dir: string, sequences: readonly number[][]): { nll: number; tokens: number } {
  const moe = openMoe(dir);
  try {
    const engine = moeEngine(
      loadNonFfnWeights(moe.ck, moe.config),
      moe.layers,
      Math.max(...sequences.map((s) => s.length)),
    );
    let nll = 0;
    let tokens = 0;
    for (const seq of sequences) {
      for (let p = 0; p + 1 < seq.length; p++) {
        nll -= logSoftmaxAt(engine.forward(seq[p]!, p), seq[p + 1]!);
        tokens++;
      }
    }
    return { nll: nll / tokens, tokens };
  } finally {
    moe.ck.close();
  }
}

/** Open the checkpoint as LLaMA-MoE (anything else is a UserError) and return its vocabulary size. */
function requireLlamaMoe(dir: string): number {
  const moe = openMoe(dir);
  try {
    if (moe.format !== "llama-moe")
      throw new UserError(
        `${dir}: a ${moe.format} checkpoint; moe train needs the LLaMA-MoE layout (\`assay moe build --format llama-moe\`)`,
      );
    return moe.config.vocabSize;
  } finally {
    moe.ck.close();
  }
}

function validSequences(data: TrainingData, block: number): number[][] {
  return [...data.valid.values()].flat().map((s) => s.slice(0, block + 1));
}

/**
 * Run the trainer, handing each JSON event line to `onEvent`; returns the "done" event. An "error" event is a
 * UserError; any other failure an Error with the end of its stderr.
 */
async function runTrainer(
  command: string[],
  onEvent: (ev: Record<string, unknown>) => void,
): Promise<Record<string, unknown>> {
  let done: Record<string, unknown> | undefined;
  let error: string | undefined;
  let stderr = "";
  const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  child.stderr.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  createInterface({ input: child.stdout }).on("line", (raw) => {
    // torchrun prefixes rank 0's tee'd lines with "[default0]:"
    const line = raw.replace(/^\[[^\]]*\]:/, "");
    if (!line.startsWith("{")) return;
    let ev: Record<string, unknown>;
    try {
      ev = JSON.parse(line);
    } catch {
      return;
    }
    if (ev.event === "done") done = ev;
    else if (ev.event === "error") error = String(ev.message);
    else onEvent(ev);
  });
  const exit = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  if (error) throw new UserError(error);
  if (exit !== 0 || !done)
    throw new Error(
      `the trainer (${command.slice(0, 2).join(" ")}) exited with status ${exit}:\n${stderr.trim()}`,
    );
  return done;
}

export interface ImportanceOptions {
  moe: string;
  data: string;
  /** Scores file to write ({"scores": [layer][cluster][neuron]}, for `moe split --method importance --scores`). */
  out: string;
  /** Data clusters (default: the checkpoint's number of experts). */
  clusters?: number;
  block: number;
  seed: number;
  threads?: number;
  python?: string;
  progress?: Progress;
}

/**
 * The paper's gradient importance: per dense neuron and data cluster Σ |h_i · ∂L/∂h_i|, computed by the
 * PyTorch program on the MoE run as its dense equivalent (every expert, weight 1).
 */
export async function gradientImportance(
  o: ImportanceOptions,
): Promise<{ out: string; sequences: number; clusters: number }> {
  const vocab = requireLlamaMoe(o.moe);
  readTrainingData(o.data, vocab);
  const torch = requireTorch(o.python);
  const command = [
    torch.python,
    trainerScript(),
    "--model",
    o.moe,
    "--data",
    o.data,
    "--importance",
    o.out,
    "--block",
    String(o.block),
    "--seed",
    String(o.seed),
    ...(o.clusters ? ["--clusters", String(o.clusters)] : []),
    ...(o.threads ? ["--threads", String(o.threads)] : []),
  ];
  const done = await runTrainer(command, (ev) => {
    if (ev.event !== "importance") return;
    o.progress?.setTotal(Number(ev.sequences));
    o.progress?.set(Number(ev.sequence));
  });
  return { out: o.out, sequences: Number(done.sequences), clusters: Number(done.clusters) };
}

export function trainerArgs(o: TrainOptions, weights: Map<string, number>): string[] {
  const args = [
    "--model",
    o.moe,
    "--data",
    o.data,
    "--out",
    o.out,
    "--steps",
    String(o.steps),
    "--batch",
    String(o.batch),
    "--block",
    String(o.block),
    "--lr",
    String(o.lr),
    "--warmup",
    String(o.warmup),
    "--save-every",
    String(o.saveEvery),
    "--eval-every",
    String(o.evalEvery),
    "--sampling",
    o.sampling,
    "--domain-weights",
    JSON.stringify(Object.fromEntries(weights)),
    "--seed",
    String(o.seed),
  ];
  if (!o.noise) args.push("--no-noise");
  if (o.balanceWeight !== undefined) args.push("--balance-weight", String(o.balanceWeight));
  if (o.distill) args.push("--distill", String(o.distill));
  if (o.weightDecay !== undefined) args.push("--weight-decay", String(o.weightDecay));
  if (o.freezeDense) args.push("--freeze-dense");
  if (o.denseLrScale !== undefined) args.push("--dense-lr-scale", String(o.denseLrScale));
  if (o.gateLrScale !== undefined) args.push("--gate-lr-scale", String(o.gateLrScale));
  if (o.optimizer !== undefined) args.push("--optimizer", o.optimizer);
  if (o.momentum !== undefined) args.push("--momentum", String(o.momentum));
  if (o.adamEps !== undefined) args.push("--adam-eps", String(o.adamEps));
  if (o.finalLrPortion !== undefined) args.push("--final-lr-portion", String(o.finalLrPortion));
  if (o.fadeSteps) args.push("--fade-steps", String(o.fadeSteps));
  if (o.threads) args.push("--threads", String(o.threads));
  if (o.device) args.push("--device", o.device);
  if (o.precision) args.push("--precision", o.precision);
  if (o.stopAfter) args.push("--stop-after", String(o.stopAfter));
  return args;
}

export async function runTraining(o: TrainOptions): Promise<TrainResult> {
  const vocab = requireLlamaMoe(o.moe);
  const data = readTrainingData(o.data, vocab);
  const domains = [...data.train.keys()].sort();
  const weights = parseDomainWeights(o.domainWeights, domains);
  if (o.sampling === "dynamic") {
    const missing = domains.filter((d) => !data.valid.has(d) || !data.referenceLoss.has(d));
    if (missing.length > 0)
      throw new UserError(
        `${o.data}: --sampling dynamic needs validation sequences with "dense_nll" (the reference loss) for every domain; missing for ${missing.join(", ")}`,
      );
  }
  const torch = requireTorch(o.python);
  const script = trainerScript();
  const command =
    o.nproc > 1
      ? [
          torch.python,
          "-m",
          "torch.distributed.run",
          "--standalone",
          `--nproc_per_node=${o.nproc}`,
          // Rank 0's stdout tee'd through torchrun (lines prefixed "[default0]:"). Explicit values: torch 1.13's
          // default (0) is misparsed on Python 3.11 (its Std flag enum no longer iterates the 0 member).
          "--redirects=1",
          "--tee=1",
          script,
          ...trainerArgs(o, weights),
        ]
      : [torch.python, script, ...trainerArgs(o, weights)];

  const valid = validSequences(data, o.block);
  const before = o.evaluate && valid.length > 0 ? validationNll(o.moe, valid) : undefined;

  const progress = o.progress;
  progress?.setTotal(o.steps);
  const log: StepEvent[] = [];
  const evals: TrainResult["evals"] = [];
  let start: Record<string, unknown> | undefined;
  const done = await runTrainer(command, (ev) => {
    if (ev.event === "start") {
      start = ev;
      progress?.set(Number(ev.step));
    } else if (ev.event === "step") {
      const s = ev as unknown as StepEvent;
      log.push(s);
      progress?.set(s.step);
      progress?.setDetail(
        `loss ${s.lm_loss.toFixed(3)}, balance ${s.balance_loss.toFixed(4)}, ${Math.round(s.tokens_per_s)} tok/s, ETA ${Math.round(s.eta_s)} s`,
      );
    } else if (ev.event === "eval") {
      evals.push(ev as unknown as TrainResult["evals"][number]);
    }
  });

  const checkpoint = (done.checkpoint as string | null) ?? null;
  let perplexity: TrainResult["perplexity"];
  if (before && checkpoint) {
    const after = validationNll(checkpoint, valid);
    const ref = [...data.referenceLoss.values()];
    perplexity = {
      untrained: Math.exp(before.nll),
      trained: Math.exp(after.nll),
      ...(ref.length === data.valid.size ? { dense: Math.exp(denseNll(data)) } : {}),
      tokens: after.tokens,
    };
  }
  return {
    out: o.out,
    checkpoint,
    resumedFrom: (start?.resumed_from as string | null) ?? null,
    step: Number(done.step),
    steps: o.steps,
    tokens: Number(done.tokens),
    seconds: Number(done.seconds),
    python: torch.python,
    torch: torch.torch ?? "",
    command,
    log,
    evals,
    weights: done.weights as Record<string, number>,
    ...(perplexity ? { perplexity } : {}),
  };
}

/** The dense model's mean loss over all validation sequences (dense_nll weighted by predicted tokens). */
function denseNll(data: TrainingData): number {
  let sum = 0;
  let n = 0;
  for (const [d, seqs] of data.valid) {
    const ref = data.referenceLoss.get(d)!;
    for (const s of seqs) {
      sum += ref * (s.length - 1);
      n += s.length - 1;
    }
  }
  return sum / n;
}

export function formatTrain(r: TrainResult): string {
  const last = r.log.at(-1);
  const lines = [
    `trained ${r.step}/${r.steps} steps, ${r.tokens} tokens in ${r.seconds.toFixed(1)} s${r.resumedFrom ? ` (resumed from ${r.resumedFrom})` : ""} with ${r.python} (torch ${r.torch})`,
  ];
  if (last)
    lines.push(
      `  last step: loss ${last.lm_loss.toFixed(3)}, balance loss ${last.balance_loss.toFixed(4)}, ${Math.round(last.tokens_per_s)} tokens/s`,
    );
  lines.push(
    `  domain weights: ${Object.entries(r.weights)
      .map(([d, w]) => `${d} ${w.toFixed(3)}`)
      .join(", ")}`,
  );
  if (r.perplexity)
    lines.push(
      `  validation perplexity (Assay's engine, ${r.perplexity.tokens} tokens): untrained ${r.perplexity.untrained.toFixed(2)} → trained ${r.perplexity.trained.toFixed(2)}${r.perplexity.dense ? ` (dense ${r.perplexity.dense.toFixed(2)})` : ""}`,
    );
  lines.push(`  checkpoint ${r.checkpoint} (log: ${r.out}/train_log.jsonl, ${r.out}/domain_weights.jsonl)`);
  return lines.join("\n");
}
