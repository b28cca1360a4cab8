/**
 * Balanced (size-constrained) k-means: Lloyd iterations whose assignment step is the exact balanced
 * assignment of `assign.ts` (cluster c receives exactly sizes[c] points), k-means++ seeding, several restarts,
 * the best by inertia (sum of squared distances to the assigned centroid).
 */
import { Llama2cRandom } from "../llama/sampler.js";
import { balancedAssign } from "./assign.js";

export interface KMeansOptions {
  sizes: readonly number[];
  restarts: number;
  maxIterations: number;
  seed: number;
  /** Stop when the inertia improves by less than this fraction (default 1e-6). */
  tolerance?: number;
}

export interface KMeansResult {
  labels: Int32Array;
  centroids: Float64Array;
  inertia: number;
  iterations: number;
}

/** data: row-major [n, dim]. */
export function balancedKMeans(
  data: Float32Array | Float64Array,
  n: number,
  dim: number,
  opts: KMeansOptions,
): KMeansResult {
  const E = opts.sizes.length;
  let best: KMeansResult | undefined;
  for (let r = 0; r < Math.max(1, opts.restarts); r++) {
    const result = oneRun(data, n, dim, opts, new Llama2cRandom(opts.seed * 1000 + r + 1), E);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}

function sqDistances(
  data: Float32Array | Float64Array,
  n: number,
  dim: number,
  centroids: Float64Array,
  E: number,
  out: Float64Array,
): void {
  for (let p = 0; p < n; p++) {
    const base = p * dim;
    for (let c = 0; c < E; c++) {
      const cb = c * dim;
      let s = 0;
      for (let j = 0; j < dim; j++) {
        const d = data[base + j]! - centroids[cb + j]!;
        s += d * d;
      }
      out[p * E + c] = s;
    }
  }
}

function kmeansPlusPlus(
  data: Float32Array | Float64Array,
  n: number,
  dim: number,
  E: number,
  rng: Llama2cRandom,
): Float64Array {
  const centroids = new Float64Array(E * dim);
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let pick = Math.floor(rng.float() * n);
  for (let c = 0; c < E; c++) {
    for (let j = 0; j < dim; j++) centroids[c * dim + j] = data[pick * dim + j]!;
    let total = 0;
    for (let p = 0; p < n; p++) {
      let s = 0;
      for (let j = 0; j < dim; j++) {
        const d = data[p * dim + j]! - centroids[c * dim + j]!;
        s += d * d;
      }
      if (s < nearest[p]!) nearest[p] = s;
      total += nearest[p]!;
    }
    // Next centre with probability proportional to the squared distance to the nearest chosen centre.
    let u = rng.float() * total;
    pick = n - 1;
    for (let p = 0; p < n; p++) {
      u -= nearest[p]!;
      if (u < 0) {
        pick = p;
        break;
      }
    }
  }
  return centroids;
}

function oneRun(
  data: Float32Array | Float64Array,
  n: number,
  dim: number,
  opts: KMeansOptions,
  rng: Llama2cRandom,
  E: number,
): KMeansResult {
  const tol = opts.tolerance ?? 1e-6;
  const centroids = kmeansPlusPlus(data, n, dim, E, rng);
  const dist = new Float64Array(n * E);
  let labels: Int32Array = new Int32Array(n);
  let inertia = Number.POSITIVE_INFINITY;
  let iterations = 0;
  for (let it = 0; it < Math.max(1, opts.maxIterations); it++) {
    iterations = it + 1;
    sqDistances(data, n, dim, centroids, E, dist);
    const next = balancedAssign(dist, n, opts.sizes);
    let total = 0;
    for (let p = 0; p < n; p++) total += dist[p * E + next[p]!]!;
    const same = next.every((v, i) => v === labels[i]);
    labels = next;
    // M-step: centroids are the means of their points.
    centroids.fill(0);
    const counts = new Float64Array(E);
    for (let p = 0; p < n; p++) {
      const c = labels[p]!;
      counts[c] = counts[c]! + 1;
      for (let j = 0; j < dim; j++) centroids[c * dim + j] = centroids[c * dim + j]! + data[p * dim + j]!;
    }
    for (let c = 0; c < E; c++)
      for (let j = 0; j < dim; j++)
        centroids[c * dim + j] = centroids[c * dim + j]! / Math.max(1, counts[c]!);
    const improved = inertia - total;
    inertia = total;
    if (it > 0 && (same || improved <= tol * Math.abs(total))) break;
  }
  // Inertia of the final labels against the final centroids.
  sqDistances(data, n, dim, centroids, E, dist);
  let final = 0;
  for (let p = 0; p < n; p++) final += dist[p * E + labels[p]!]!;
  return { labels, centroids, inertia: final, iterations };
}
