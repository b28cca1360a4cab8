/**
 * `assay moe verify OUT --dense MODEL`: structural checks of an export against its dense source, and the
 * exact-equivalence check — with every expert selected (k = E), a zero gate (all probabilities 1/E) and scale
 * factor E, the MoE FFN equals the dense FFN (for sharing splits: the dense FFN with neuron i counted c_i times).
 */

import { decodeToF32, isFloatDType } from "../formats/dtype.js";
import { ggufToHfName, hfToGgufName, permuteRopeRows } from "../formats/names.js";
import { LlamaEngine } from "../llama/engine.js";
import { Llama2cRandom } from "../llama/sampler.js";
import type { LayerWeights, LlamaWeights } from "../llama/weights.js";
import { type DenseModel, loadDenseWeights, readFfnF32, sampleSequences } from "./dense.js";
import { denseFfn, type MoeLayer, moeForward, scratchFor } from "./layer.js";
import type { LlamaCppComparison } from "./llamacpp.js";
import { loadNonFfnWeights, type MoeModel, moeEngine } from "./model.js";
import { type MoeSplit, neuronMultiplicity } from "./split.js";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface EquivalenceResult {
  inputs: number;
  perLayer: { layer: number; maxAbsDiff: number; maxAbsDense: number }[];
  maxAbsDiff: number;
  tolerance: number;
  ok: boolean;
}

export interface VerifyReport {
  out: string;
  format: string;
  /** Sharing split: equivalence is with the dense FFN counting neuron i as often as experts hold it. */
  sharing: boolean;
  checks: Check[];
  equivalence: EquivalenceResult;
  /** Whole-model logits with the zero-gate k = E MoE vs the dense model (small models only). */
  model?: { tokens: number; maxAbsLogitDiff: number; ok: boolean };
  /** llama.cpp (node-llama-cpp) vs our engine on the GGUF export as routed (its own gate and top-k). */
  llamaCpp?: LlamaCppComparison;
  ok: boolean;
}

/** The same layer with a zero gate, every expert selected and the scale that makes it dense-equivalent. */
export function equivalenceLayer(layer: MoeLayer, folded: number): MoeLayer {
  const E = layer.experts.length;
  const d = layer.dim;
  return {
    ...layer,
    gate: { kind: "linear", w: new Float32Array(E * d) },
    topK: E,
    scale: E / folded,
    residualScale: layer.residual.length,
  };
}

/** A dense layer's FFN matrices as float32. */
export type DenseFfnOf = (l: number) => Pick<LayerWeights, "wGate" | "wUp" | "wDown">;

/** Dense FFN access that reads one layer at a time from the checkpoint (large models). */
export function denseFfnReader(dense: DenseModel): DenseFfnOf {
  return (l) => ({
    wGate: readFfnF32(dense.ck, l, "gate"),
    wUp: readFfnF32(dense.ck, l, "up"),
    wDown: readFfnF32(dense.ck, l, "down"),
  });
}

export function checkEquivalence(
  moe: MoeModel,
  denseOf: DenseFfnOf,
  split: MoeSplit | undefined,
  extraInputs: Float32Array[][] = [],
  randomInputs = 8,
  seed = 1,
): EquivalenceResult {
  const d = moe.config.hiddenSize;
  const rng = new Llama2cRandom(seed);
  const perLayer: EquivalenceResult["perLayer"] = [];
  let inputs = 0;
  for (let l = 0; l < moe.numLayers; l++) {
    const eq = equivalenceLayer(moe.layer(l), moe.foldedScale[l]!);
    const denseL = denseOf(l);
    const s = scratchFor(eq);
    const mult = split?.sharing ? neuronMultiplicity(split.layers[l]!, split.intermediateSize) : undefined;
    const xs: Float32Array[] = [...(extraInputs[l] ?? [])];
    for (let r = 0; r < randomInputs; r++) xs.push(Float32Array.from({ length: d }, () => rng.normal()));
    const a = new Float32Array(d);
    const b = new Float32Array(d);
    let maxDiff = 0;
    let maxDense = 0;
    for (const x of xs) {
      moeForward(eq, x, a, s);
      denseFfn(denseL, x, b, mult);
      for (let i = 0; i < d; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
        maxDense = Math.max(maxDense, Math.abs(b[i]!));
      }
    }
    inputs = xs.length;
    perLayer.push({ layer: l, maxAbsDiff: maxDiff, maxAbsDense: maxDense });
  }
  const maxAbsDiff = Math.max(...perLayer.map((p) => p.maxAbsDiff));
  const scaleRef = Math.max(1, ...perLayer.map((p) => p.maxAbsDense));
  // Float32 storage, float64 sums in a different order: a few float32 ulps of the output's magnitude.
  const tolerance = 1e-5 * scaleRef;
  return { inputs, perLayer, maxAbsDiff, tolerance, ok: maxAbsDiff <= tolerance };
}

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/** The export's own MoE fields agree with its tensors (size_experts, intermediate_size, expert counts). */
export function exportConfigCheck(moe: MoeModel): Check {
  const problems: string[] = [];
  const c = moe.hfConfig;
  for (let l = 0; l < moe.numLayers && problems.length < 3; l++) {
    const layer = moe.layer(l);
    const sizes = layer.experts.map((e) => e.size);
    if (moe.format === "llama-moe" && c) {
      const declared = (c.size_experts as number[][] | undefined)?.[l];
      if (!declared || declared.length !== sizes.length || declared.some((v, j) => v !== sizes[j])) {
        problems.push(
          `layer ${l}: size_experts ${JSON.stringify(declared)} but tensors hold ${JSON.stringify(sizes)}`,
        );
      }
      const moeWidth = sizes.reduce((a, b) => a + b, 0);
      const resWidth = layer.residual.reduce((a, e) => a + e.size, 0);
      if (c.intermediate_size !== moeWidth + resWidth) {
        problems.push(
          `intermediate_size ${String(c.intermediate_size)} ≠ Σ expert sizes ${moeWidth + resWidth}`,
        );
      }
      if (c.num_experts !== sizes.length)
        problems.push(`num_experts ${String(c.num_experts)} ≠ ${sizes.length} experts`);
    } else if (sizes.some((m) => m !== moe.config.intermediateSize)) {
      problems.push(
        `layer ${l}: expert widths ${[...new Set(sizes)].join("/")} ≠ the declared ${moe.config.intermediateSize}`,
      );
    }
    if (layer.topK < 1 || layer.topK > sizes.length)
      problems.push(`top-k ${layer.topK} outside 1..${sizes.length}`);
  }
  const first = moe.layer(0);
  return {
    name: "export configuration",
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `${first.experts.length} experts${first.residual.length ? ` + ${first.residual.length} residual` : ""}, top-${first.topK}, ${first.gate.kind} gate; declared sizes match the tensors`
        : problems.join("; "),
  };
}

/** Structural checks: configuration, non-FFN tensors identical, expert slices identical to the dense rows/columns. */
export function structuralChecks(
  moe: MoeModel,
  dense: DenseModel,
  denseOf: DenseFfnOf,
  split: MoeSplit | undefined,
): Check[] {
  const checks: Check[] = [];
  const a = moe.config;
  const b = dense.config;
  const keys = ["hiddenSize", "numLayers", "numHeads", "numKvHeads", "headDim", "vocabSize"] as const;
  const bad = keys.filter((k) => a[k] !== b[k]);
  checks.push({
    name: "configuration",
    ok: bad.length === 0,
    detail:
      bad.length === 0
        ? "hidden size, layers, heads, vocabulary match the dense model"
        : `differs in ${bad.map((k) => `${k} ${a[k]} vs ${b[k]}`).join(", ")}`,
  });
  if (bad.length > 0) return checks;
  checks.push(exportConfigCheck(moe));
  // Non-FFN tensors: stored bytes equal after the RoPE row permutation (values equal when GGUF widened 1-D tensors to F32).
  let compared = 0;
  const mismatched: string[] = [];
  const ffn = new Set<string>();
  for (let l = 0; l < b.numLayers; l++) {
    const n = dense.ck.names.layer(l);
    ffn.add(n.wGate).add(n.wUp).add(n.wDown);
  }
  const qk = new Map<string, number>();
  for (let l = 0; l < b.numLayers; l++) {
    qk.set(dense.ck.names.layer(l).wq, b.numHeads);
    qk.set(dense.ck.names.layer(l).wk, b.numKvHeads);
  }
  for (const t of dense.ck.tensors) {
    if (ffn.has(t.name) || !isFloatDType(t.dtype)) continue;
    const name =
      dense.ck.naming === moe.ck.naming
        ? t.name
        : moe.ck.naming === "gguf"
          ? hfToGgufName(t.name)
          : ggufToHfName(t.name);
    if (!name || !moe.ck.has(name)) {
      mismatched.push(`${t.name} missing`);
      continue;
    }
    const o = moe.ck.tensor(name);
    let raw: Uint8Array = dense.ck.readRaw(t.name);
    const heads = qk.get(t.name);
    if (heads !== undefined && dense.ck.ropeLayout !== moe.ck.ropeLayout) {
      raw = permuteRopeRows(
        raw,
        heads,
        b.headDim,
        t.shape[1]! * (t.dtype === "F32" ? 4 : 2),
        dense.ck.ropeLayout,
        moe.ck.ropeLayout,
      );
    }
    const same =
      o.dtype === t.dtype
        ? Buffer.compare(Buffer.from(raw), moe.ck.readRaw(name)) === 0
        : bitsEqual(decodeToF32(raw, t.dtype), moe.ck.readF32(name));
    if (!same) mismatched.push(name);
    compared++;
  }
  checks.push({
    name: "dense tensors copied",
    ok: mismatched.length === 0,
    detail:
      mismatched.length === 0
        ? `${compared} non-FFN tensors identical to the source`
        : `differ or missing: ${mismatched.slice(0, 5).join(", ")}`,
  });
  if (!split) {
    checks.push({
      name: "expert slices",
      ok: true,
      detail: "skipped: no split stored with the export (pass --split)",
    });
    return checks;
  }
  const sizeProblems: string[] = [];
  let sliceMismatch = "";
  let sliced = 0;
  let finite = true;
  for (let l = 0; l < moe.numLayers; l++) {
    const layer = moe.layer(l);
    const gateArrays = layer.gate.kind === "linear" ? [layer.gate.w] : [layer.gate.w0, layer.gate.w2];
    if (!gateArrays.every((w) => w.every(Number.isFinite))) finite = false;
    const S = split.layers[l];
    if (
      !S ||
      S.experts.length !== layer.experts.length ||
      (S.residual ?? []).length !== layer.residual.length
    ) {
      sizeProblems.push(`layer ${l}: expert count differs from the split`);
      continue;
    }
    const sets = [...S.experts, ...(S.residual ?? [])];
    const experts = [...layer.experts, ...layer.residual];
    const L = denseOf(l);
    const n = b.intermediateSize;
    const d = b.hiddenSize;
    const f = moe.foldedScale[l]!;
    sets.forEach((set, j) => {
      const e = experts[j]!;
      if (e.size !== set.length) {
        sizeProblems.push(`layer ${l} expert ${j}: ${e.size} neurons, split says ${set.length}`);
        return;
      }
      const isResidual = j >= S.experts.length;
      for (let c = 0; c < set.length && !sliceMismatch; c++) {
        const i = set[c]!;
        for (let k = 0; k < d; k++) {
          if (e.gate[c * d + k] !== L.wGate[i * d + k] || e.up[c * d + k] !== L.wUp[i * d + k]) {
            sliceMismatch = `layer ${l} expert ${j} row ${c} (neuron ${i})`;
            break;
          }
          const want = isResidual ? L.wDown[k * n + i]! : Math.fround(L.wDown[k * n + i]! * f);
          const got = e.down[k * set.length + c]!;
          // Folding a power-of-two scale is exact; other scales round once in the stored type.
          const tol = Number.isInteger(Math.log2(f)) ? 0 : Math.abs(want) * 2 ** -7;
          if (Math.abs(got - want) > tol) {
            sliceMismatch = `layer ${l} expert ${j} down column ${c} (neuron ${i})`;
            break;
          }
        }
      }
      sliced++;
    });
  }
  checks.push({
    name: "expert sizes",
    ok: sizeProblems.length === 0,
    detail:
      sizeProblems.length === 0 ? "every expert has the split's size" : sizeProblems.slice(0, 3).join("; "),
  });
  checks.push({
    name: "expert slices",
    ok: !sliceMismatch,
    detail: sliceMismatch
      ? `differs from the dense weights at ${sliceMismatch}`
      : `${sliced} experts are exact copies of their neurons' gate/up rows and down columns${moe.foldedScale.some((s) => s !== 1) ? " (down × folded scale)" : ""}`,
  });
  checks.push({
    name: "gate",
    ok: finite,
    detail: finite ? `finite values in every layer's gate` : "gate has non-finite values",
  });
  return checks;
}

/** FFN inputs seen when the dense model runs `tokens` (one copy per position and layer). */
export function collectFfnInputs(weights: LlamaWeights, sequences: readonly number[][]): Float32Array[][] {
  const out: Float32Array[][] = weights.layers.map(() => []);
  const engine = new LlamaEngine(weights, {
    maxSeqLen: Math.max(...sequences.map((s) => s.length)),
    observeFfn: (l, input) => {
      out[l]!.push(Float32Array.from(input));
    },
  });
  for (const seq of sequences) for (let p = 0; p < seq.length; p++) engine.forward(seq[p]!, p);
  return out;
}

export interface VerifyOptions {
  split?: MoeSplit;
  /** Run the whole model (dense vs MoE) when it has at most this many parameters. */
  maxModelParams?: number;
  tokens?: number;
  seed?: number;
  llamaCpp?: boolean;
}

export async function verifyMoe(
  moe: MoeModel,
  dense: DenseModel,
  opts: VerifyOptions = {},
): Promise<VerifyReport> {
  const split = opts.split ?? moe.split;
  // Small models are loaded whole (the engine runs them); large ones are checked one layer at a time.
  const small = dense.ck.parameterCount() <= (opts.maxModelParams ?? 50e6);
  const denseW = small ? loadDenseWeights(dense) : undefined;
  const denseOf: DenseFfnOf = denseW ? (l) => denseW.layers[l]! : denseFfnReader(dense);
  const checks = structuralChecks(moe, dense, denseOf, split);
  const tokens = opts.tokens ?? 32;
  const seqs = denseW
    ? sampleSequences(denseW, 1, Math.min(tokens, dense.config.maxSeqLen), opts.seed ?? 3)
    : [];
  const extra = denseW ? collectFfnInputs(denseW, seqs) : [];
  const equivalence = checkEquivalence(moe, denseOf, split, extra, 8, opts.seed ?? 3);
  const report: VerifyReport = {
    out: moe.path,
    format: moe.format,
    sharing: split?.sharing === true,
    checks,
    equivalence,
    ok: false,
  };
  if (denseW) {
    const seq = seqs[0]!;
    const moeW = loadNonFfnWeights(moe.ck, moe.config);
    const eqLayers = moe.layers.map((layer, l) => equivalenceLayer(layer, moe.foldedScale[l]!));
    const a = moeEngine(moeW, eqLayers, seq.length);
    // Sharing splits equal the dense FFN with neuron i counted c_i times; compare against exactly that.
    const mults = split?.sharing
      ? split.layers.map((L) => neuronMultiplicity(L, split.intermediateSize))
      : undefined;
    const b = new LlamaEngine(denseW, {
      maxSeqLen: seq.length,
      ...(mults
        ? {
            ffnOverride: (l: number, x: Float32Array, out: Float32Array) => {
              denseFfn(denseW.layers[l]!, x, out, mults[l]);
              return true;
            },
          }
        : {}),
    });
    let maxDiff = 0;
    let maxLogit = 0;
    for (let p = 0; p < seq.length; p++) {
      const la = a.forward(seq[p]!, p);
      const lb = b.forward(seq[p]!, p);
      for (let i = 0; i < la.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(la[i]! - lb[i]!));
        maxLogit = Math.max(maxLogit, Math.abs(lb[i]!));
      }
    }
    report.model = {
      tokens: seq.length,
      maxAbsLogitDiff: maxDiff,
      ok: maxDiff <= 1e-4 * Math.max(1, maxLogit),
    };
    if (moe.format === "gguf" && opts.llamaCpp !== false) {
      const { compareWithLlamaCpp } = await import("./llamacpp.js");
      report.llamaCpp = await compareWithLlamaCpp(moe, seq);
    }
  }
  report.ok =
    checks.every((c) => c.ok) &&
    equivalence.ok &&
    (report.model?.ok ?? true) &&
    (report.llamaCpp?.ok ?? true);
  return report;
}

export function formatVerify(r: VerifyReport): string {
  const lines = [`verify ${r.out} (${r.format})`];
  for (const c of r.checks) lines.push(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
  const e = r.equivalence;
  lines.push(
    `  ${e.ok ? "ok  " : "FAIL"} equivalence (k = E, zero gate, scale E): max |MoE − dense| = ${e.maxAbsDiff.toExponential(2)} over ${e.inputs} inputs × ${e.perLayer.length} layers (tolerance ${e.tolerance.toExponential(1)})`,
  );
  for (const p of e.perLayer)
    lines.push(
      `         layer ${p.layer}: ${p.maxAbsDiff.toExponential(2)} (max |dense| ${p.maxAbsDense.toFixed(3)})`,
    );
  if (r.model)
    lines.push(
      `  ${r.model.ok ? "ok  " : "FAIL"} whole model (k = E, zero gate) vs dense${r.sharing ? " with shared neurons counted per copy" : ""}, ${r.model.tokens} tokens: max |Δlogit| = ${r.model.maxAbsLogitDiff.toExponential(2)}`,
    );
  if (r.llamaCpp) {
    const c = r.llamaCpp;
    lines.push(
      `  ${c.ok ? "ok  " : "FAIL"} llama.cpp vs reference engine on the export as routed, ${c.compared === c.tokens ? `${c.tokens} tokens` : `${c.compared} of ${c.tokens} tokens`}: max |Δlogit| = ${c.maxAbsLogitDiff.toExponential(2)} (max |logit| ${c.maxAbsLogit.toFixed(2)})${c.detail ? ` — ${c.detail}` : ""}`,
    );
  }
  lines.push(r.ok ? "verified" : "NOT verified");
  return lines.join("\n");
}
