/**
 * Pure partition algorithms for one layer (no model access): random, labels → experts, the importance-based
 * greedy / neuron-sharing / residual splits of LLaMA-MoE, and a balanced graph partition for co-activation.
 */
import type { Llama2cRandom } from "../llama/sampler.js";
import { balancedKMeans } from "./kmeans.js";
import type { LayerSplit } from "./split.js";

/** Seeded random partition of `width` neurons into experts of the given sizes (ascending indices per expert). */
export function randomPartition(width: number, sizes: readonly number[], rng: Llama2cRandom): number[][] {
  const perm = Array.from({ length: width }, (_, i) => i);
  for (let i = width - 1; i > 0; i--) {
    const j = Math.floor(rng.float() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const experts: number[][] = [];
  let at = 0;
  for (const s of sizes) {
    experts.push(perm.slice(at, at + s).sort((a, b) => a - b));
    at += s;
  }
  return experts;
}

export function labelsToExperts(labels: ArrayLike<number>, E: number): number[][] {
  const experts: number[][] = Array.from({ length: E }, () => []);
  for (let i = 0; i < labels.length; i++) experts[labels[i]!]!.push(i);
  return experts;
}

/** Indices of `scores` in descending order (ties: lower index first). */
export function descending(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/**
 * Greedy disjoint split from per-expert importance (LLaMA-MoE "gradient split without sharing"): repeatedly,
 * among experts that are not full, take the (expert, still-unassigned neuron) pair with the highest score;
 * ties go to the larger expert id. `allowed` restricts the neurons (residual ones removed).
 */
export function greedyImportanceSplit(
  scores: readonly ArrayLike<number>[],
  sizes: readonly number[],
  allowed?: ReadonlySet<number>,
): number[][] {
  const E = scores.length;
  const width = scores[0]!.length;
  const order = scores.map((s) => descending(s).filter((i) => !allowed || allowed.has(i)));
  const ptr = new Int32Array(E);
  const taken = new Uint8Array(width);
  const experts: number[][] = Array.from({ length: E }, () => []);
  const total = sizes.reduce((a, b) => a + b, 0);
  for (let assigned = 0; assigned < total; assigned++) {
    let bestJ = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < E; j++) {
      if (experts[j]!.length >= sizes[j]!) continue;
      const list = order[j]!;
      while (ptr[j]! < list.length && taken[list[ptr[j]!]!]) ptr[j] = ptr[j]! + 1;
      if (ptr[j]! >= list.length) continue;
      const s = scores[j]![list[ptr[j]!]!]!;
      if (s >= bestScore) {
        bestScore = s;
        bestJ = j;
      }
    }
    if (bestJ < 0) throw new Error("greedy split: ran out of neurons before the experts were full");
    const i = order[bestJ]![ptr[bestJ]!]!;
    taken[i] = 1;
    experts[bestJ]!.push(i);
  }
  return experts.map((e) => e.sort((a, b) => a - b));
}

/** Neuron-sharing split (Sharing_Inner): expert j = its top-m neurons, in descending score order; overlaps allowed. */
export function sharingImportanceSplit(
  scores: readonly ArrayLike<number>[],
  m: number,
  allowed?: ReadonlySet<number>,
): number[][] {
  return scores.map((s) =>
    descending(s)
      .filter((i) => !allowed || allowed.has(i))
      .slice(0, m),
  );
}

/**
 * Residual (shared-expert) split (Sharing_Inter): fill R·m residual slots with the neurons that appear in the
 * most experts' top-m lists (repeatedly: the largest count first, ascending index within a count), chunk them
 * into R residual experts, then split the remaining neurons among the E routed experts (greedy disjoint, or
 * top-m sharing).
 */
export function residualImportanceSplit(
  scores: readonly ArrayLike<number>[],
  residualSizes: readonly number[],
  routedSizes: readonly number[],
  sharing: boolean,
): LayerSplit {
  const width = scores[0]!.length;
  const capacity = residualSizes.reduce((a, b) => a + b, 0);
  const m = routedSizes[0]!;
  const inResidual = new Set<number>();
  const residualOrder: number[] = [];
  const lists = scores.map((s) => descending(s));
  while (residualOrder.length < capacity) {
    const count = new Int32Array(width);
    for (const list of lists) {
      let k = 0;
      for (const i of list) {
        if (inResidual.has(i)) continue;
        count[i] = count[i]! + 1;
        if (++k >= m) break;
      }
    }
    let top = 0;
    for (let i = 0; i < width; i++) if (count[i]! > top) top = count[i]!;
    if (top === 0) {
      // Every top-m list is exhausted: fill with the remaining neurons by total score.
      const sum = new Float64Array(width);
      for (const s of scores) for (let i = 0; i < width; i++) sum[i] = sum[i]! + s[i]!;
      for (const i of descending(sum)) {
        if (residualOrder.length >= capacity) break;
        if (!inResidual.has(i)) {
          inResidual.add(i);
          residualOrder.push(i);
        }
      }
      break;
    }
    for (let i = 0; i < width && residualOrder.length < capacity; i++) {
      if (count[i] === top) {
        inResidual.add(i);
        residualOrder.push(i);
      }
    }
  }
  const residual: number[][] = [];
  let at = 0;
  for (const s of residualSizes) {
    residual.push(residualOrder.slice(at, at + s));
    at += s;
  }
  const allowed = new Set<number>();
  for (let i = 0; i < width; i++) if (!inResidual.has(i)) allowed.add(i);
  const experts = sharing
    ? sharingImportanceSplit(scores, m, allowed)
    : greedyImportanceSplit(scores, routedSizes, allowed);
  return { experts, residual };
}

/**
 * Balanced graph partition of a symmetric co-activation matrix (n×n): seed with balanced k-means on the
 * L2-normalised rows (neurons that fire with the same partners land together), then improve the total weight
 * kept inside parts with pairwise swaps between parts (Kernighan–Lin style) until no swap gains.
 */
export function balancedGraphPartition(
  adj: Float64Array,
  n: number,
  sizes: readonly number[],
  seed: number,
  restarts: number,
  maxPasses = 20,
): number[][] {
  const rows = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += adj[i * n + j]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < n; j++) rows[i * n + j] = adj[i * n + j]! * inv;
  }
  const km = balancedKMeans(rows, n, n, { sizes, restarts, maxIterations: 50, seed });
  const label = Int32Array.from(km.labels);
  const E = sizes.length;
  // w[i*E + c]: weight between neuron i and part c.
  const w = new Float64Array(n * E);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) if (i !== j) w[i * E + label[j]!] = w[i * E + label[j]!]! + adj[i * n + j]!;
  for (let pass = 0; pass < maxPasses; pass++) {
    let improved = false;
    for (let i = 0; i < n; i++) {
      const a = label[i]!;
      let bestGain = 1e-12;
      let bestJ = -1;
      for (let j = 0; j < n; j++) {
        const b = label[j]!;
        if (b === a) continue;
        // Gain in intra-part weight from swapping i (in a) and j (in b).
        const gain = w[i * E + b]! - w[i * E + a]! + w[j * E + a]! - w[j * E + b]! - 2 * adj[i * n + j]!;
        if (gain > bestGain) {
          bestGain = gain;
          bestJ = j;
        }
      }
      if (bestJ < 0) continue;
      const b = label[bestJ]!;
      for (let k = 0; k < n; k++) {
        if (k !== i) {
          w[k * E + a] = w[k * E + a]! - adj[k * n + i]!;
          w[k * E + b] = w[k * E + b]! + adj[k * n + i]!;
        }
        if (k !== bestJ) {
          w[k * E + b] = w[k * E + b]! - adj[k * n + bestJ]!;
          w[k * E + a] = w[k * E + a]! + adj[k * n + bestJ]!;
        }
      }
      label[i] = b;
      label[bestJ] = a;
      improved = true;
    }
    if (!improved) break;
  }
  return labelsToExperts(label, E);
}

/** Total weight of edges inside parts (each unordered pair once). */
export function intraPartWeight(adj: Float64Array, n: number, experts: readonly number[][]): number {
  let s = 0;
  for (const e of experts)
    for (let a = 0; a < e.length; a++) for (let b = a + 1; b < e.length; b++) s += adj[e[a]! * n + e[b]!]!;
  return s;
}
