/**
 * `assay moe split|build|verify|convert|fit-gates|report|distill-data|train`: build a mixture-of-experts model from a dense LLaMA
 * checkpoint (LLaMA-MoE expert construction) and measure how faithful it is. Human output by default, JSON
 * with --json; bad input throws UserError (exit 2); a failed verification exits 1.
 */
import type { Command } from "commander";
import { SPLIT_METHODS } from "./split.js";

/** MOE_FORMATS of build.js, for the help text: build.js loads only when `moe build` runs
 * (test/cli/startup.test.ts checks the two agree). */
const FORMAT_NAMES = "llama-moe, mixtral, gguf";

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
    .action(async (opts) => (await import("./cli-actions.js")).splitAction(opts));

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
    .action(async (opts) => (await import("./cli-actions.js")).buildAction(opts));

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
    .action(async (out, opts) => (await import("./cli-actions.js")).verifyAction(out, opts));

  moe
    .command("convert <checkpoint>")
    .description(
      "convert a trained LLaMA-MoE checkpoint (e.g. from `moe train`) to GGUF for llama.cpp / node-llama-cpp (scale factor folded into the down projections)",
    )
    .requiredOption("--out <file>", "GGUF file to write")
    .option(
      "--tokenizer-from <path>",
      "checkpoint whose tokenizer to embed (default: the dense model recorded in config.json)",
    )
    .option("--dtype <t>", "expert matrices: f32, f16 or bf16 (default: as stored)")
    .option("--json", "print JSON")
    .action(async (ckpt, opts) => (await import("./train-actions.js")).convertAction(ckpt, opts));

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
    .action(async (out, opts) => (await import("./cli-actions.js")).fitGatesAction(out, opts));

  moe
    .command("distill-data")
    .description(
      "sample training and validation token sequences from the dense model (self-distillation; one domain per temperature) as JSONL for `moe train`",
    )
    .requiredOption("--model <path>", "dense checkpoint (small enough for the reference engine)")
    .requiredOption("--tokens <N>", "training tokens in all (split evenly over the domains)")
    .requiredOption("--out <file>", "JSONL file to write")
    .option("--length <n>", "tokens per sequence (BOS included)", "128")
    .option("--valid <fraction>", "validation tokens as a share of the training tokens", "0.1")
    .option("--temperatures <list>", "comma-separated sampling temperatures, one domain each", "0.8,1.0,1.2")
    .option("--seed <S>", "sampling seed", "0")
    .option("--json", "print JSON")
    .action(async (opts) => (await import("./train-actions.js")).distillAction(opts));

  moe
    .command("train [moe]")
    .description(
      "continual pre-training of a LLaMA-MoE checkpoint with PyTorch (resources/moe/train_moe.py; torchrun with --nproc)",
    )
    .option("--check", "report python, torch and devices (and what to install), then exit")
    .option("--data <file>", "training JSONL (token ids, domain, split), e.g. from `assay moe distill-data`")
    .option(
      "--out <dir>",
      "output folder: checkpoint-NNNNNN/ (LLaMA-MoE layout), train_log.jsonl, domain_weights.jsonl; resumes from its newest checkpoint",
    )
    .option("--steps <n>", "optimiser steps in all", "300")
    .option("--batch <n>", "sequences per step and process", "8")
    .option("--block <n>", "tokens per training sequence", "128")
    .option("--lr <x>", "peak learning rate (AdamW β 0.9/0.95, weight decay 0.1, clip 1.0)", "0.0002")
    .option("--warmup <n>", "linear warm-up steps, then cosine decay to 10 %", "100")
    .option("--save-every <n>", "checkpoint every n steps (and at the end)", "100")
    .option("--eval-every <n>", "validation loss (and dynamic weight update) every n steps", "50")
    .option(
      "--sampling <s>",
      "domain sampling: static (fixed weights) or dynamic (loss gap to the dense model)",
      "static",
    )
    .option(
      "--domain-weights <w>",
      "static or starting weights: domain=w,… or a JSON object (default uniform)",
    )
    .option("--no-noise", "train without the gate noise (default: noisy top-k gating as in the paper)")
    .option(
      "--balance-weight <x>",
      "balance-loss weight (default: the checkpoint's gate_balance_loss_weight)",
    )
    .option(
      "--distill <alpha>",
      "loss = (1 − α)·cross-entropy + α·KL(dense ‖ MoE), the dense teacher being the input export with every expert (beyond the paper; default 0)",
    )
    .option("--weight-decay <x>", "AdamW weight decay on matrices (default 0.1, the paper's)")
    .option(
      "--freeze-dense",
      "train only the MoE layers (experts, gates); embeddings, attention and norms stay fixed",
    )
    .option(
      "--dense-lr <x>",
      "learning rate of the pre-trained weights outside the MoE layers (embeddings, attention, norms) as a multiple of --lr; 0 freezes them (default 1)",
    )
    .option("--gate-lr <x>", "learning rate of the gates as a multiple of --lr (default 1)")
    .option(
      "--optimizer <o>",
      "adamw (the paper's) or sgd (Nesterov momentum; steps in proportion to the gradient)",
    )
    .option("--momentum <x>", "--optimizer sgd: Nesterov momentum (default 0.9)")
    .option(
      "--adam-eps <x>",
      "AdamW ε (default 1e-8); larger values damp the steps of weights whose gradients are small",
    )
    .option("--final-lr <x>", "end of the cosine decay as a fraction of --lr (default 0.1, the paper's)")
    .option(
      "--fade-steps <n>",
      "gradual routing: train (1 − λ)·top-k output + λ·dense FFN (every expert at weight 1), λ from 1 to 0 over n steps (default 0: plain top-k throughout)",
    )
    .option("--nproc <n>", "processes (GPUs) under torchrun; 1 runs plain python", "1")
    .option("--device <d>", "cpu, cuda or cuda:N (default: cuda when present)")
    .option("--precision <p>", "auto (bf16 on GPUs that have it), fp32 or bf16", "auto")
    .option("--threads <n>", "torch CPU threads")
    .option("--seed <S>", "seed", "0")
    .option("--stop-after <n>", "stop after n steps of this run (a later run resumes)")
    .option("--no-eval", "skip the validation perplexity (Assay's engine) before and after")
    .option(
      "--importance <file>",
      "instead of training: write gradient importance scores |h·∂L/∂h| per neuron and data cluster (for `moe split --method importance --scores`)",
    )
    .option("--clusters <n>", "--importance: data clusters (default: the number of experts)")
    .option("--python <path>", "python interpreter with torch (default: python3, then /usr/bin/python3)")
    .option("--json", "print JSON")
    .action(async (model, opts) => (await import("./train-actions.js")).trainAction(model, opts));

  moe
    .command("report")
    .description(
      "fidelity table across methods × (E, k) × gate init/fit: perplexity, KL from dense, load balance, routing entropy, with a plot; --runs adds training curves",
    )
    .option(
      "--model <path>",
      "dense checkpoint (small enough for the reference engine) for the fidelity table",
    )
    .option(
      "--runs <dirs>",
      "comma-separated `moe train` output folders: chart their loss, balance loss, expert load and domain weights",
    )
    .option("--labels <list>", "--runs: comma-separated names for the runs (default: folder names)")
    .option("--dense-loss <x>", "--runs: the dense model's validation loss, drawn as a reference line")
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
    .action(async (opts) => (await import("./cli-actions.js")).reportAction(opts));
}
