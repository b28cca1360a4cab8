/**
 * `assay moe split|build|verify|fit-gates|report`: build a mixture-of-experts model from a dense LLaMA
 * checkpoint (LLaMA-MoE expert construction) and measure how faithful it is. Human output by default, JSON
 * with --json; bad input throws UserError (exit 2); a failed verification exits 1.
 */
import type { Command } from "commander";
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

/** MOE_FORMATS of build.js, for the help text: build.js loads only when `moe build` runs
 * (test/cli/startup.test.ts checks the two agree). */
const FORMAT_NAMES = "llama-moe, mixtral, gguf";

function print(json: boolean | undefined, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 1)}\n` : `${human}\n`);
}

function int(value: string | undefined, flag: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new UserError(`${flag} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

function positive(value: string | undefined, flag: string, fallback: number): number {
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

export function registerMoeCommands(program: Command): void {
  const moe = program
    .command("moe")
    .description(
      "build a mixture-of-experts model from a dense LLaMA checkpoint (LLaMA-MoE) and measure its fidelity",
    );

  moe
    .command("split")
    .description("assign each layer's FFN neurons to experts (writes split.json)")
    .requiredOption("--model <path>", "dense checkpoint (safetensors file or folder, GGUF, llama2.c .bin)")
    .requiredOption("--experts <E>", "number of routed experts")
    .requiredOption("--method <m>", `split method: ${SPLIT_METHODS.join(", ")}`)
    .requiredOption("--out <file>", "split file to write (JSON)")
    .option("--seed <S>", "random seed", "0")
    .option(
      "--remainder <policy>",
      "FFN width not divisible by E: spread (first experts get one more neuron) or error",
      "spread",
    )
    .option("--proj <p>", "clustering: rows to cluster, up or gate", "up")
    .option("--no-centre", "clustering: do not subtract the mean row before clustering")
    .option("--restarts <n>", "clustering/coactivation: k-means restarts (best inertia wins)", "3")
    .option("--iterations <n>", "clustering: maximum k-means iterations per restart", "100")
    .option("--workers <n>", "clustering: layers clustered in parallel by this many worker threads", "1")
    .option(
      "--tokens <file>",
      "coactivation/importance: token sequences (JSON array of arrays, or one comma-separated line each); default: sampled from the model",
    )
    .option("--sequences <n>", "sampled sequences when no --tokens", "16")
    .option("--length <n>", "tokens per sampled sequence", "128")
    .option(
      "--scores <file>",
      'importance: per-neuron scores, JSON {"scores": [layer][expert][neuron]}; default: computed from activations',
    )
    .option(
      "--sharing",
      "importance: neuron-sharing split (each expert takes its top-m neurons; overlaps allowed)",
    )
    .option(
      "--residual <R>",
      "importance: R residual (always-on, shared) experts besides the E routed ones",
      "0",
    )
    .option("--expert-size <m>", "importance --sharing: neurons per expert (default width / (E + R))")
    .option("--json", "print JSON")
    .action(async (opts: Record<string, string | boolean | undefined>) => {
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
    });

  moe
    .command("build")
    .description(
      "slice the dense FFNs into experts, add a gate, and write a LLaMA-MoE, Mixtral or GGUF checkpoint",
    )
    .requiredOption("--model <path>", "dense checkpoint")
    .requiredOption("--split <file>", "split.json from `assay moe split`")
    .requiredOption("--out <path>", "output folder (llama-moe, mixtral) or .gguf file")
    .option("--format <f>", `output layout: ${FORMAT_NAMES}`, "llama-moe")
    .option("--top-k <k>", "experts selected per token", "2")
    .option(
      "--gate <init>",
      "gate initialisation: random (N(0, 0.02²)), centroid (mean normalised up rows), zero",
      "random",
    )
    .option("--gate-network <n>", "linear or mlp (LLaMA-MoE only: Linear → tanh → Linear)", "linear")
    .option(
      "--scale-factor <F>",
      "score scale factor: one number or one per layer, comma-separated (default E/k)",
    )
    .option("--residual-scale <F>", "residual experts' scale factor (default R)")
    .option("--seed <S>", "gate initialisation seed", "0")
    .option("--name <name>", "general.name in GGUF")
    .option(
      "--modeling-files <dir>",
      "llama-moe: copy configuration_llama_moe.py and modeling_llama_moe_hf.py from this folder",
    )
    .option("--json", "print JSON")
    .action(async (opts: Record<string, string | boolean | undefined>) => {
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
    });

  moe
    .command("verify <out>")
    .description(
      "structural checks and the exact-equivalence check (k = E, zero gate, scale E ⇒ MoE FFN = dense FFN); GGUF: llama.cpp logits vs ours",
    )
    .requiredOption("--dense <path>", "the dense checkpoint the export was built from")
    .option("--split <file>", "split.json (default: the copy stored with the export)")
    .option("--tokens <n>", "tokens for the whole-model and llama.cpp comparisons", "32")
    .option("--no-llama-cpp", "skip the node-llama-cpp comparison for GGUF exports")
    .option("--json", "print JSON")
    .action(async (out: string, opts: Record<string, string | boolean | undefined>) => {
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
    });

  moe
    .command("fit-gates <out>")
    .description(
      "fit each layer's linear gate (and optionally rescale) on FFN inputs collected from the dense model; rewrites the gate tensors in place",
    )
    .requiredOption("--dense <path>", "the dense checkpoint the export was built from")
    .option("--tokens <N>", "FFN inputs to collect (tokens sampled from the dense model)", "4096")
    .option("--held-out <N>", "held-out tokens for the before/after fidelity", "1024")
    .option("--epochs <n>", "passes of gradient descent over the collected inputs", "30")
    .option("--lr <x>", "learning rate (Adam)", "0.01")
    .option(
      "--rescale",
      "also fit one output scale per layer (least squares): llama-moe stores it as score_scale_factor, Mixtral/GGUF fold it into the down projections",
    )
    .option(
      "--refit-down",
      "also refit the experts' down projections by ridge regression (small models; the experts are then no longer copies)",
    )
    .option("--seed <S>", "sampling seed", "0")
    .option("--dry-run", "fit and report, but do not write the checkpoint")
    .option("--json", "print JSON")
    .action(async (out: string, opts: Record<string, string | boolean | undefined>) => {
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
    });

  moe
    .command("report")
    .description(
      "fidelity table across methods × (E, k) × gate init/fit: perplexity, KL from dense, load balance, routing entropy, with a plot",
    )
    .requiredOption("--model <path>", "dense checkpoint (small enough for the reference engine)")
    .option("--methods <list>", "comma-separated split methods", "random,clustering,coactivation,importance")
    .option("--configs <list>", "comma-separated E:k pairs", "2:1,4:1,4:2,8:2")
    .option(
      "--gates <list>",
      "comma-separated gate variants: random, centroid, fit (gate fitted), fit-down (gate + down projections refitted)",
      "random,centroid,fit,fit-down",
    )
    .option("--sequences <n>", "held-out sequences sampled from the dense model", "8")
    .option("--length <n>", "tokens per held-out sequence", "128")
    .option("--fit-tokens <n>", "tokens of FFN inputs for gate fitting", "4096")
    .option("--seed <S>", "seed", "0")
    .option("--out <dir>", "write report.json, report.md, report.svg and report.png here")
    .option("--json", "print JSON")
    .action(async (opts: Record<string, string | boolean | undefined>) => {
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
          .map((g) =>
            oneOf(g.trim(), "--gates", ["random", "centroid", "fit", "fit-down"] as const, "random"),
          );
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
    });
}
