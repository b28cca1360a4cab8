/**
 * Exact balanced assignment: give each of n points one of E clusters, cluster c receiving exactly cap[c] points,
 * minimising the total cost Σ cost[p, label[p]]. This is a transportation problem; we solve it with successive
 * shortest paths, adding one point at a time. After each addition the partial assignment is optimal for the
 * points added so far, so the residual graph has no negative cycle and Bellman–Ford on the E cluster nodes
 * finds the cheapest way to place the next point, possibly pushing already-placed points along a chain of
 * clusters. Edge a→b ("move one point from a to b") costs min_{q in a} cost[q,b] − cost[q,a]; a per-(a,b)
 * lazy heap keeps that minimum. Cost per point: O(E³) for Bellman–Ford plus O(E² log n) heap work.
 */

/** Binary min-heap of (key, point) with lazy deletion checked by the caller. */
class Heap {
  keys: number[] = [];
  vals: number[] = [];
  push(key: number, val: number): void {
    const k = this.keys;
    const v = this.vals;
    let i = k.length;
    k.push(key);
    v.push(val);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p]! <= key) break;
      k[i] = k[p]!;
      v[i] = v[p]!;
      i = p;
    }
    k[i] = key;
    v[i] = val;
  }
  pop(): void {
    const k = this.keys;
    const v = this.vals;
    const lastK = k.pop()!;
    const lastV = v.pop()!;
    const n = k.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && k[r]! < k[l]! ? r : l;
      if (k[c]! >= lastK) break;
      k[i] = k[c]!;
      v[i] = v[c]!;
      i = c;
    }
    k[i] = lastK;
    v[i] = lastV;
  }
  get size(): number {
    return this.keys.length;
  }
}

/**
 * cost: row-major [n, E]. cap: capacities summing to n. Returns labels (Int32Array of length n) of a
 * minimum-cost assignment with exactly cap[c] points in cluster c.
 */
export function balancedAssign(cost: Float64Array, n: number, cap: readonly number[]): Int32Array {
  const E = cap.length;
  if (cost.length !== n * E) throw new Error(`cost has ${cost.length} entries, expected ${n}×${E}`);
  const total = cap.reduce((a, b) => a + b, 0);
  if (total !== n) throw new Error(`capacities sum to ${total}, expected ${n}`);
  const label = new Int32Array(n).fill(-1);
  const load = new Int32Array(E);
  // heaps[a*E+b]: points currently in a, keyed by cost[q,b] − cost[q,a].
  const heaps: Heap[] = Array.from({ length: E * E }, () => new Heap());
  const place = (q: number, c: number): void => {
    label[q] = c;
    const row = q * E;
    for (let b = 0; b < E; b++) if (b !== c) heaps[c * E + b]!.push(cost[row + b]! - cost[row + c]!, q);
  };
  /** Cheapest point to move from a to b (cleaning stale heap tops), or -1. */
  const best = (a: number, b: number): number => {
    const h = heaps[a * E + b]!;
    while (h.size > 0 && label[h.vals[0]!] !== a) h.pop();
    return h.size > 0 ? h.vals[0]! : -1;
  };
  const dist = new Float64Array(E);
  const prev = new Int32Array(E); // -1: reached directly from the new point; else the cluster before
  const edgeW = new Float64Array(E * E);
  const edgeP = new Int32Array(E * E);
  for (let p = 0; p < n; p++) {
    const row = p * E;
    for (let a = 0; a < E; a++) {
      for (let b = 0; b < E; b++) {
        if (a === b) continue;
        const q = best(a, b);
        edgeP[a * E + b] = q;
        edgeW[a * E + b] = q < 0 ? Number.POSITIVE_INFINITY : cost[q * E + b]! - cost[q * E + a]!;
      }
    }
    for (let c = 0; c < E; c++) {
      dist[c] = cost[row + c]!;
      prev[c] = -1;
    }
    // Bellman–Ford: at most E−1 rounds of relaxation (no negative cycles by optimality of the partial assignment).
    for (let round = 0; round < E - 1; round++) {
      let changed = false;
      for (let a = 0; a < E; a++) {
        const da = dist[a]!;
        for (let b = 0; b < E; b++) {
          if (a === b) continue;
          const nd = da + edgeW[a * E + b]!;
          if (nd < dist[b]! - 1e-12) {
            dist[b] = nd;
            prev[b] = a;
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    let target = -1;
    for (let c = 0; c < E; c++) {
      if (load[c]! < cap[c]! && (target < 0 || dist[c]! < dist[target]!)) target = c;
    }
    // Walk the path back: the point on edge a→b moves to b; the new point lands in the first cluster.
    load[target] = load[target]! + 1;
    let b = target;
    let guard = 0;
    while (prev[b]! >= 0) {
      const a = prev[b]!;
      const q = edgeP[a * E + b]!;
      place(q, b);
      b = a;
      if (++guard > E) throw new Error("balancedAssign: cycle in the shortest-path tree");
    }
    place(p, b);
  }
  return label;
}
