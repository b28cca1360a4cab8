/**
 * `assay moe split`: compute a split of every layer of a dense model with one of the four methods.
 */
import { readFileSync } from "node:fs";
import { Llama2cRandom } from "../llama/sampler.js";
import type { LlamaWeights } from "../llama/weights.js";
import { UserError } from "../util/errors.js";
import type { Progress } from "../util/progress.js";
import {
  type DenseModel,
  loadDenseWeights,
  normaliseRows,
  parseTokenFile,
  readFfnF32,
  requireRunnable,
  sampleSequences,
} from "./dense.js";
import { balancedKMeans } from "./kmeans.js";
import {
  balancedGraphPartition,
  greedyImportanceSplit,
  labelsToExperts,
  randomPartition,
  residualImportanceSplit,
  sharingImportanceSplit,
} from "./partition.js";
import {
  expertSizes,
  type LayerSplit,
  type MoeSplit,
  type RemainderPolicy,
  type SplitMethod,
} from "./split.js";
import { activationImportance, coactivation } from "./stats.js";

export interface SplitOptions {
  method: SplitMethod;
  experts: number;
  seed: number;
  remainder: RemainderPolicy;
  /** clustering: which projection's rows to cluster. */
  proj?: "up" | "gate";
  /** clustering: subtract the mean row before clustering (as the reference's k-means does). */
  centre?: boolean;
  restarts?: number;
  iterations?: number;
  /** coactivation / importance (computed): token sequences file; sampled from the model when absent. */
  tokensFile?: string;
  sequences?: number;
  sequenceLength?: number;
  /** importance: per-neuron scores file (JSON {"scores": [layer][expert][neuron]}); computed when absent. */
  scoresFile?: string;
  /** importance: "greedy" (disjoint), "sharing" (top-m per expert), or residual experts with `residual` > 0. */
  sharing?: boolean;
  residual?: number;
  /** importance sharing: neurons per expert (default width / (experts + residual), rounded down). */
  expertSize?: number;
  /** clustering: labels already computed per layer (by worker threads). */
  precomputedLabels?: Int32Array[];
  progress?: Progress;
}

function sequencesFor(dense: DenseModel, weights: LlamaWeights, opts: SplitOptions): number[][] {
  if (opts.tokensFile) {
    let text: string;
    try {
      text = readFileSync(opts.tokensFile, "utf8");
    } catch (err) {
      throw new UserError(`${opts.tokensFile}: cannot read (${(err as NodeJS.ErrnoException).code ?? ""})`);
    }
    return parseTokenFile(text, opts.tokensFile, dense.config.vocabSize);
  }
  return sampleSequences(weights, opts.sequences ?? 16, opts.sequenceLength ?? 128, opts.seed + 1);
}

function readScores(file: string, split: { layers: number; experts: number; width: number }): number[][][] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserError(`${file}: cannot read scores (${(err as Error).message})`);
  }
  const scores = (json as { scores?: unknown })?.scores;
  if (!Array.isArray(scores) || scores.length !== split.layers) {
    throw new UserError(
      `${file}: field "scores" must be an array with one entry per layer (${split.layers})`,
    );
  }
  scores.forEach((layer: unknown, l: number) => {
    if (!Array.isArray(layer) || layer.length < split.experts) {
      throw new UserError(
        `${file}: scores[${l}] must hold at least ${split.experts} score vectors (one per expert / data cluster)`,
      );
    }
    layer.forEach((v: unknown, c: number) => {
      if (
        !Array.isArray(v) ||
        v.length !== split.width ||
        !v.every((x) => typeof x === "number" && Number.isFinite(x))
      ) {
        throw new UserError(`${file}: scores[${l}][${c}] must be ${split.width} finite numbers`);
      }
    });
  });
  // Only the first E vectors are used (as in the reference, which reads E of E+R cluster files).
  return (scores as number[][][]).map((layer) => layer.slice(0, split.experts));
}

export function computeSplit(dense: DenseModel, opts: SplitOptions): MoeSplit {
  const { config, ck } = dense;
  const E = opts.experts;
  const width = config.intermediateSize;
  const R = opts.method === "importance" ? (opts.residual ?? 0) : 0;
  if (R > 0 && opts.method !== "importance")
    throw new UserError("--residual is only available with --method importance");
  const sizes = expertSizes(width, E + R, opts.remainder, `${ck.path}: `);
  const residualSizes = sizes.slice(0, R);
  const routedSizes = sizes.slice(R);
  const rng = new Llama2cRandom(opts.seed + 1);
  const layers: LayerSplit[] = [];
  const used: Record<string, unknown> = {};
  opts.progress?.setTotal(config.numLayers);
  let weights: LlamaWeights | undefined;
  let coact: Float64Array[] | undefined;
  let scores: ArrayLike<number>[][] | undefined;
  if (opts.method === "coactivation" || (opts.method === "importance" && !opts.scoresFile)) {
    requireRunnable(
      dense,
      `--method ${opts.method}${opts.method === "importance" ? " without --scores" : ""}`,
    );
    weights = loadDenseWeights(dense);
    const seqs = sequencesFor(dense, weights, opts);
    used.sequences = seqs.length;
    used.tokens = seqs.reduce((a, s) => a + s.length, 0);
    used.tokenSource = opts.tokensFile ?? "sampled from the model (temperature 1)";
    opts.progress?.setDetail(`running the model on ${used.tokens} tokens`);
    if (opts.method === "coactivation") coact = coactivation(weights, seqs);
    else {
      scores = activationImportance(weights, seqs, E, opts.seed);
      used.scores = "activation × down-projection column norm per data cluster";
    }
  }
  if (opts.method === "importance" && opts.scoresFile) {
    scores = readScores(opts.scoresFile, { layers: config.numLayers, experts: E, width });
    used.scores = opts.scoresFile;
  }
  if (opts.method === "clustering") {
    used.proj = opts.proj ?? "up";
    used.centre = opts.centre ?? true;
    used.restarts = opts.restarts ?? 3;
    used.iterations = opts.iterations ?? 100;
  }
  let variant: string | undefined;
  const sharing = opts.method === "importance" && opts.sharing === true;
  for (let l = 0; l < config.numLayers; l++) {
    opts.progress?.setDetail(`layer ${l}`);
    switch (opts.method) {
      case "random":
        layers.push({ experts: randomPartition(width, routedSizes, rng) });
        break;
      case "clustering": {
        const labels =
          opts.precomputedLabels?.[l] ?? clusterLayer(dense, l, clusterParams(opts, routedSizes));
        // Cluster c was given exactly sizes[c] neurons by the balanced assignment.
        layers.push({ experts: labelsToExperts(labels, E) });
        variant = `${opts.proj ?? "up"}_proj`;
        break;
      }
      case "coactivation":
        layers.push({
          experts: balancedGraphPartition(coact![l]!, width, routedSizes, opts.seed + l, opts.restarts ?? 3),
        });
        break;
      case "importance": {
        const s = scores![l]!;
        const m = opts.expertSize ?? Math.floor(width / (E + R));
        if (R > 0) {
          layers.push(
            residualImportanceSplit(
              s,
              residualSizes,
              sharing ? routedSizes.map(() => m) : routedSizes,
              sharing,
            ),
          );
          variant = sharing ? "residual-sharing" : "residual";
        } else if (sharing) {
          layers.push({ experts: sharingImportanceSplit(s, m) });
          variant = "sharing";
        } else {
          layers.push({ experts: greedyImportanceSplit(s, routedSizes) });
          variant = "greedy";
        }
        if (sharing) used.expertSize = m;
        break;
      }
    }
    opts.progress?.tick();
  }
  const split: MoeSplit = {
    format: "assay-moe-split",
    version: 1,
    method: opts.method,
    numExperts: E,
    numResidual: R,
    sharing,
    remainder: opts.remainder,
    seed: opts.seed,
    hiddenSize: config.hiddenSize,
    intermediateSize: width,
    numLayers: config.numLayers,
    model: ck.path,
    options: used,
    layers,
  };
  if (variant) split.variant = variant;
  return split;
}

export interface ClusterParams {
  proj: "up" | "gate";
  centre: boolean;
  sizes: number[];
  restarts: number;
  iterations: number;
  seed: number;
}

export function clusterParams(opts: SplitOptions, sizes: number[]): ClusterParams {
  return {
    proj: opts.proj ?? "up",
    centre: opts.centre ?? true,
    sizes,
    restarts: opts.restarts ?? 3,
    iterations: opts.iterations ?? 100,
    seed: opts.seed,
  };
}

/** Balanced k-means labels of one layer's normalised (and centred) up- or gate-projection rows. */
export function clusterLayer(dense: DenseModel, l: number, p: ClusterParams): Int32Array {
  const { intermediateSize: width, hiddenSize: d } = dense.config;
  const rows = normaliseRows(readFfnF32(dense.ck, l, p.proj), width, d);
  if (p.centre) centreColumns(rows, width, d);
  return balancedKMeans(rows, width, d, {
    sizes: p.sizes,
    restarts: p.restarts,
    maxIterations: p.iterations,
    seed: p.seed + l,
  }).labels;
}

function centreColumns(m: Float32Array, rows: number, cols: number): void {
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] = mean[c]! + m[r * cols + c]!;
  for (let c = 0; c < cols; c++) mean[c] = mean[c]! / rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m[r * cols + c] = m[r * cols + c]! - mean[c]!;
}
