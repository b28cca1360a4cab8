import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Llama2cRandom } from "../../src/llama/sampler.js";
import { balancedAssign } from "../../src/moe/assign.js";
import { balancedKMeans } from "../../src/moe/kmeans.js";
import {
  balancedGraphPartition,
  greedyImportanceSplit,
  intraPartWeight,
  randomPartition,
  residualImportanceSplit,
  sharingImportanceSplit,
} from "../../src/moe/partition.js";
import { expertSizes, type MoeSplit, neuronMultiplicity, validateSplit } from "../../src/moe/split.js";
import { assertUserError } from "../formats/helpers.js";

function assertPartition(experts: number[][], width: number, sizes: readonly number[]): void {
  const seen = new Set<number>();
  experts.forEach((e, j) => {
    assert.equal(e.length, sizes[j], `expert ${j} size`);
    for (const i of e) {
      assert.ok(Number.isInteger(i) && i >= 0 && i < width);
      assert.ok(!seen.has(i), `neuron ${i} twice`);
      seen.add(i);
    }
  });
  assert.equal(seen.size, width, "every neuron assigned");
}

describe("expert sizes", () => {
  test("172 neurons over 8 experts: the first four get 22, the rest 21", () => {
    assert.deepEqual(expertSizes(172, 8, "spread"), [22, 22, 22, 22, 21, 21, 21, 21]);
    assert.deepEqual(expertSizes(172, 4, "error"), [43, 43, 43, 43]);
  });
  test("impossible requests are UserErrors", () => {
    assertUserError(() => expertSizes(172, 8, "error"), "not divisible", "172");
    assertUserError(() => expertSizes(10, 11, "spread"), "more experts than neurons");
    assertUserError(() => expertSizes(10, 0, "spread"), "positive integer");
  });
});

describe("random partition", () => {
  test("disjoint, complete, sized, ascending; deterministic per seed", () => {
    for (const [width, E] of [
      [172, 8],
      [172, 4],
      [11, 3],
    ] as const) {
      const sizes = expertSizes(width, E, "spread");
      const a = randomPartition(width, sizes, new Llama2cRandom(5));
      assertPartition(a, width, sizes);
      for (const e of a)
        assert.deepEqual(
          e,
          [...e].sort((x, y) => x - y),
        );
      assert.deepEqual(randomPartition(width, sizes, new Llama2cRandom(5)), a);
      assert.notDeepEqual(randomPartition(width, sizes, new Llama2cRandom(6)), a);
    }
  });
});

/** All assignments of n points to clusters with the given capacities (brute force, for tiny n). */
function bruteForceBest(cost: Float64Array, n: number, cap: number[]): number {
  const E = cap.length;
  let best = Number.POSITIVE_INFINITY;
  const load = new Array<number>(E).fill(0);
  const rec = (p: number, acc: number): void => {
    if (p === n) {
      best = Math.min(best, acc);
      return;
    }
    for (let c = 0; c < E; c++) {
      if (load[c]! >= cap[c]!) continue;
      load[c]!++;
      rec(p + 1, acc + cost[p * E + c]!);
      load[c]!--;
    }
  };
  rec(0, 0);
  return best;
}

describe("exact balanced assignment", () => {
  test("matches brute force on random instances (incl. negative-cycle-prone ones)", () => {
    const rng = new Llama2cRandom(11);
    for (let trial = 0; trial < 60; trial++) {
      const E = 2 + (trial % 3);
      const n = E * 2 + (trial % 2);
      const cap = expertSizes(n, E, "spread");
      const cost = Float64Array.from({ length: n * E }, () => Math.round(rng.float() * 100) / 10);
      const labels = balancedAssign(cost, n, cap);
      const load = new Array<number>(E).fill(0);
      let total = 0;
      labels.forEach((c, p) => {
        load[c]!++;
        total += cost[p * E + c]!;
      });
      assert.deepEqual(load, cap, "capacities honoured");
      assert.ok(
        Math.abs(total - bruteForceBest(cost, n, cap)) < 1e-9,
        `trial ${trial}: ${total} is not optimal`,
      );
    }
  });
});

describe("balanced k-means", () => {
  test("recovers three well-separated equal clusters (known answer)", () => {
    const rng = new Llama2cRandom(3);
    const centres = [
      [10, 0],
      [0, 10],
      [-10, -10],
    ];
    const n = 30;
    const data = new Float32Array(n * 2);
    const truth: number[] = [];
    for (let p = 0; p < n; p++) {
      const c = p % 3;
      truth.push(c);
      data[p * 2] = centres[c]![0]! + rng.normal() * 0.5;
      data[p * 2 + 1] = centres[c]![1]! + rng.normal() * 0.5;
    }
    const r = balancedKMeans(data, n, 2, { sizes: [10, 10, 10], restarts: 3, maxIterations: 50, seed: 1 });
    // Same grouping up to a relabelling.
    const map = new Map<number, number>();
    truth.forEach((t, p) => {
      const l = r.labels[p]!;
      if (!map.has(t)) map.set(t, l);
      assert.equal(map.get(t), l, `point ${p}`);
    });
  });
  test("balance is enforced even when the natural clusters are unequal", () => {
    // 8 points near 0, 2 points near 100: two clusters of 5 each.
    const xs = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 100, 101];
    const r = balancedKMeans(Float32Array.from(xs), xs.length, 1, {
      sizes: [5, 5],
      restarts: 2,
      maxIterations: 50,
      seed: 0,
    });
    const counts = [0, 0];
    for (const l of r.labels) counts[l]!++;
    assert.deepEqual(counts, [5, 5]);
    // The two far points share a cluster with the three largest of the near points (the optimal balanced split).
    const far = r.labels[8]!;
    assert.equal(r.labels[9], far);
    assert.deepEqual(
      [5, 6, 7].map((p) => r.labels[p]),
      [far, far, far],
    );
  });
});

describe("importance splits", () => {
  // Hand-worked example: 6 neurons, 2 experts of 3.
  const scores = [Float64Array.from([9, 8, 1, 7, 0, 2]), Float64Array.from([8, 1, 6, 5, 4, 3])];
  test("greedy disjoint split (highest remaining score first, ties to the larger expert)", () => {
    // Picks: e0:0 (9); e0:1 (8) vs e1:2 (6) → e0 takes 1 (8); e0:3 (7) → e0 full {0,1,3}; e1 takes 2,5,4.
    assert.deepEqual(greedyImportanceSplit(scores, [3, 3]), [
      [0, 1, 3],
      [2, 4, 5],
    ]);
    // Ties go to the larger expert id.
    assert.deepEqual(greedyImportanceSplit([Float64Array.from([1, 0]), Float64Array.from([1, 0])], [1, 1]), [
      [1],
      [0],
    ]);
  });
  test("sharing split: each expert's top-m in descending order, overlaps allowed", () => {
    assert.deepEqual(sharingImportanceSplit(scores, 2), [
      [0, 1],
      [0, 2],
    ]);
  });
  test("residual split: neurons in most top-m lists become the shared expert", () => {
    // top-2 lists: e0 {0,1}, e1 {0,2}: neuron 0 is in both → residual {0}; then routed greedy over the rest.
    const r = residualImportanceSplit(scores, [1], [2, 3], false);
    assert.deepEqual(r.residual, [[0]]);
    const all = [...r.residual!.flat(), ...r.experts.flat()].sort((a, b) => a - b);
    assert.deepEqual(all, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(r.experts, [
      [1, 3],
      [2, 4, 5],
    ]);
  });
});

describe("co-activation graph partition", () => {
  test("recovers planted blocks of a block-diagonal graph", () => {
    const n = 12;
    const rng = new Llama2cRandom(2);
    const block = (i: number): number => [2, 0, 1][i % 3]!;
    const adj = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        if (i !== j) adj[i * n + j] = block(i) === block(j) ? 5 + rng.float() : rng.float() * 0.5;
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) adj[i * n + j] = adj[j * n + i]!;
    const parts = balancedGraphPartition(adj, n, [4, 4, 4], 0, 2);
    assertPartition(parts, n, [4, 4, 4]);
    for (const p of parts)
      assert.ok(
        p.every((i) => block(i) === block(p[0]!)),
        `part ${p} mixes blocks`,
      );
    const planted = [0, 1, 2].map((b) =>
      Array.from({ length: n }, (_, i) => i).filter((i) => block(i) === b),
    );
    assert.ok(Math.abs(intraPartWeight(adj, n, parts) - intraPartWeight(adj, n, planted)) < 1e-9);
  });
});

describe("split validation", () => {
  const base = (layers: MoeSplit["layers"], sharing = false): MoeSplit => ({
    format: "assay-moe-split",
    version: 1,
    method: "random",
    numExperts: 2,
    numResidual: 0,
    sharing,
    remainder: "spread",
    seed: 0,
    hiddenSize: 4,
    intermediateSize: 4,
    numLayers: 1,
    model: "m",
    options: {},
    layers,
  });
  test("names the layer, expert and neuron", () => {
    validateSplit(
      base([
        {
          experts: [
            [0, 1],
            [2, 3],
          ],
        },
      ]),
      "s.json",
    );
    assertUserError(
      () =>
        validateSplit(
          base([
            {
              experts: [
                [0, 1],
                [1, 3],
              ],
            },
          ]),
          "s.json",
        ),
      "s.json",
      "layers[0]",
      "neuron 1",
    );
    assertUserError(
      () => validateSplit(base([{ experts: [[0, 1], [2]] }]), "s.json"),
      "neuron 3 is in no expert",
    );
    assertUserError(
      () =>
        validateSplit(
          base([
            {
              experts: [
                [0, 9],
                [2, 3],
              ],
            },
          ]),
          "s.json",
        ),
      "outside [0, 4)",
    );
    // Sharing splits may overlap and drop neurons; multiplicities count the copies.
    const shared = base(
      [
        {
          experts: [
            [0, 1],
            [1, 3],
          ],
        },
      ],
      true,
    );
    validateSplit(shared, "s.json");
    assert.deepEqual([...neuronMultiplicity(shared.layers[0]!, 4)], [1, 2, 0, 1]);
  });
});

describe("clustering with worker threads", () => {
  test("gives the same labels as the single-threaded split", async (t) => {
    const { sharedPath, SHARED_MISSING } = await import("../helpers/shared.js");
    const model = sharedPath("models", "stories260K.bin");
    if (!model) {
      t.skip(SHARED_MISSING);
      return;
    }
    const { openDense } = await import("../../src/moe/dense.js");
    const { clusterParams, computeSplit } = await import("../../src/moe/methods.js");
    const { clusterLayersParallel } = await import("../../src/moe/cluster-workers.js");
    const dense = openDense(model);
    const opts = {
      method: "clustering" as const,
      experts: 4,
      seed: 2,
      remainder: "spread" as const,
      restarts: 1,
      iterations: 30,
    };
    const single = computeSplit(dense, opts);
    const labels = await clusterLayersParallel(model, 5, clusterParams(opts, [43, 43, 43, 43]), 2);
    assert.deepEqual(computeSplit(dense, { ...opts, precomputedLabels: labels }).layers, single.layers);
    dense.ck.close();
  });
});
