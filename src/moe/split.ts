/**
 * The split file (split.json): which FFN neurons each expert of each layer owns. Written by `assay moe split`,
 * read by `build`, `verify` and `report`. Format documented in docs/moe.md.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { UserError } from "../util/errors.js";

export type SplitMethod = "random" | "clustering" | "coactivation" | "importance";
export const SPLIT_METHODS: readonly SplitMethod[] = ["random", "clustering", "coactivation", "importance"];

/** What to do when the FFN width is not a multiple of the number of experts. */
export type RemainderPolicy = "spread" | "error";

export interface LayerSplit {
  /** Neuron indices of each routed expert (ascending for disjoint splits; stored order for sharing splits). */
  experts: number[][];
  /** Neuron indices of each residual (always-on, shared) expert; absent or empty when there are none. */
  residual?: number[][];
}

export interface MoeSplit {
  format: "assay-moe-split";
  version: 1;
  method: SplitMethod;
  /** Variant inside the method, e.g. "greedy", "sharing", "residual" for importance; "up"/"gate" for clustering. */
  variant?: string;
  numExperts: number;
  numResidual: number;
  /** True when experts may share neurons and some neurons may be in no expert (index format). */
  sharing: boolean;
  remainder: RemainderPolicy;
  seed: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  /** The dense model the split was computed from (informational). */
  model: string;
  /** Method options as used (restarts, iterations, token counts...). */
  options: Record<string, unknown>;
  layers: LayerSplit[];
}

/**
 * Expert sizes for `width` neurons and `experts` experts: as equal as possible; with the "spread" policy the
 * first (width mod E) experts get one neuron more (172 over 8 → 22,22,22,22,21,21,21,21).
 */
export function expertSizes(width: number, experts: number, policy: RemainderPolicy, where = ""): number[] {
  if (!Number.isSafeInteger(experts) || experts < 1) {
    throw new UserError(`${where}number of experts must be a positive integer, got ${experts}`);
  }
  if (experts > width) {
    throw new UserError(
      `${where}cannot split an FFN of width ${width} into ${experts} experts (more experts than neurons)`,
    );
  }
  const base = Math.floor(width / experts);
  const extra = width % experts;
  if (extra !== 0 && policy === "error") {
    throw new UserError(
      `${where}FFN width ${width} is not divisible by ${experts} experts (use --remainder spread for unequal sizes ${base + 1}/${base})`,
    );
  }
  return Array.from({ length: experts }, (_, j) => base + (j < extra ? 1 : 0));
}

/** Check a split against a model shape: index ranges, no duplicates, and (unless sharing) a partition. */
export function validateSplit(split: MoeSplit, where: string): void {
  const { intermediateSize: width } = split;
  if (split.layers.length !== split.numLayers) {
    throw new UserError(`${where}: ${split.layers.length} layers listed, numLayers says ${split.numLayers}`);
  }
  split.layers.forEach((layer, l) => {
    const at = `${where}: layers[${l}]`;
    if (layer.experts.length !== split.numExperts) {
      throw new UserError(`${at}: ${layer.experts.length} experts, numExperts says ${split.numExperts}`);
    }
    const residual = layer.residual ?? [];
    if (residual.length !== split.numResidual) {
      throw new UserError(
        `${at}: ${residual.length} residual experts, numResidual says ${split.numResidual}`,
      );
    }
    const seen = new Uint8Array(width);
    const all = [
      ...residual.map((e, r) => ({ e, name: `residual[${r}]` })),
      ...layer.experts.map((e, j) => ({ e, name: `experts[${j}]` })),
    ];
    for (const { e, name } of all) {
      if (!Array.isArray(e) || e.length === 0)
        throw new UserError(`${at}.${name}: must be a non-empty array`);
      const inExpert = new Set<number>();
      for (const i of e) {
        if (!Number.isSafeInteger(i) || i < 0 || i >= width) {
          throw new UserError(`${at}.${name}: neuron index ${JSON.stringify(i)} outside [0, ${width})`);
        }
        if (inExpert.has(i)) throw new UserError(`${at}.${name}: neuron ${i} listed twice`);
        inExpert.add(i);
        if (!split.sharing && seen[i]) {
          throw new UserError(
            `${at}.${name}: neuron ${i} is in two experts but the split is not a sharing split`,
          );
        }
        seen[i] = 1;
      }
    }
    if (!split.sharing) {
      const missing = seen.indexOf(0);
      if (missing >= 0)
        throw new UserError(
          `${at}: neuron ${missing} is in no expert (a disjoint split must cover every neuron)`,
        );
    }
  });
}

export function writeSplit(file: string, split: MoeSplit): void {
  // One line per expert keeps large splits readable and diffable.
  const layers = split.layers.map((layer) => {
    const experts = layer.experts.map((e) => `      ${JSON.stringify(e)}`).join(",\n");
    const residual = (layer.residual ?? []).map((e) => `      ${JSON.stringify(e)}`).join(",\n");
    return `    {"experts": [\n${experts}\n    ]${layer.residual && layer.residual.length > 0 ? `, "residual": [\n${residual}\n    ]` : ""}}`;
  });
  const { layers: _omit, ...head } = split;
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, "");
  writeFileSync(file, `${headText},\n  "layers": [\n${layers.join(",\n")}\n  ]\n}\n`);
}

export function readSplit(file: string): MoeSplit {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserError(`${file}: cannot read split (${(err as Error).message})`);
  }
  if (typeof json !== "object" || json === null) throw new UserError(`${file}: split must be a JSON object`);
  const s = json as Record<string, unknown>;
  if (s.format !== "assay-moe-split")
    throw new UserError(`${file}: field "format" must be "assay-moe-split"`);
  if (s.version !== 1) throw new UserError(`${file}: field "version" must be 1`);
  for (const key of ["numExperts", "numResidual", "hiddenSize", "intermediateSize", "numLayers"]) {
    const v = s[key];
    if (!Number.isSafeInteger(v) || (v as number) < 0)
      throw new UserError(`${file}: field "${key}" must be a non-negative integer`);
  }
  if (!SPLIT_METHODS.includes(s.method as SplitMethod)) {
    throw new UserError(`${file}: field "method" must be one of ${SPLIT_METHODS.join(", ")}`);
  }
  if (typeof s.sharing !== "boolean") throw new UserError(`${file}: field "sharing" must be true or false`);
  if (!Array.isArray(s.layers)) throw new UserError(`${file}: field "layers" must be an array`);
  s.layers.forEach((layer: unknown, l: number) => {
    const L = layer as Record<string, unknown>;
    if (typeof L !== "object" || L === null || !Array.isArray(L.experts)) {
      throw new UserError(`${file}: layers[${l}].experts must be an array of index arrays`);
    }
  });
  const split = json as MoeSplit;
  if (typeof split.options !== "object" || split.options === null) split.options = {};
  validateSplit(split, file);
  return split;
}

/** How many experts (routed and residual) contain each neuron: all ones for a disjoint split. */
export function neuronMultiplicity(layer: LayerSplit, width: number): Float64Array {
  const c = new Float64Array(width);
  for (const e of [...layer.experts, ...(layer.residual ?? [])]) for (const i of e) c[i] = c[i]! + 1;
  return c;
}

/** True when every routed expert of every layer has the same size (what Mixtral and GGUF need). */
export function equalExpertSizes(split: MoeSplit): number | undefined {
  const m = split.layers[0]?.experts[0]?.length;
  if (m === undefined) return undefined;
  for (const layer of split.layers) for (const e of layer.experts) if (e.length !== m) return undefined;
  return m;
}
