/**
 * The training data of `assay moe train`: JSONL, one sequence per line, `{"tokens": [ids…], "domain": "…",
 * "split": "train" | "valid", "dense_nll": x}` (domain defaults to "default", split to "train"; dense_nll is
 * optional: the dense model's mean loss, the dynamic strategy's reference). Validated here so that a bad
 * corpus is one clear error before Python starts.
 */
import { readFileSync } from "node:fs";
import { UserError } from "../util/errors.js";

export interface TrainingRecord {
  tokens: number[];
  domain: string;
  split: "train" | "valid";
  dense_nll?: number;
}

export interface TrainingData {
  train: Map<string, number[][]>;
  valid: Map<string, number[][]>;
  /** Mean dense_nll of each domain's validation sequences (domains that have it). */
  referenceLoss: Map<string, number>;
  trainTokens: number;
}

export function readTrainingData(file: string, vocab: number): TrainingData {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UserError(`${file}: cannot read (${(err as Error).message})`);
  }
  const train = new Map<string, number[][]>();
  const valid = new Map<string, number[][]>();
  const nll = new Map<string, number[]>();
  let trainTokens = 0;
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const where = `${file}:${i + 1}`;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line);
    } catch (err) {
      throw new UserError(`${where}: not JSON (${(err as Error).message})`);
    }
    if (typeof rec !== "object" || rec === null || Array.isArray(rec))
      throw new UserError(`${where}: expected a JSON object`);
    if (rec.tokens === undefined && rec.text !== undefined)
      throw new UserError(
        `${where}: "text" records need a tokenizer; give token ids in "tokens" (e.g. from \`assay moe distill-data\`)`,
      );
    const tokens = rec.tokens;
    if (!Array.isArray(tokens) || tokens.length < 2)
      throw new UserError(`${where}: field "tokens" must be an array of at least 2 token ids`);
    for (const t of tokens)
      if (!Number.isSafeInteger(t) || t < 0 || t >= vocab)
        throw new UserError(
          `${where}: field "tokens": ${JSON.stringify(t)} is outside the vocabulary [0, ${vocab})`,
        );
    const domain = rec.domain === undefined ? "default" : rec.domain;
    if (typeof domain !== "string" || domain === "")
      throw new UserError(`${where}: field "domain" must be a non-empty string`);
    const split = rec.split ?? "train";
    if (split !== "train" && split !== "valid")
      throw new UserError(`${where}: field "split" must be "train" or "valid", got ${JSON.stringify(split)}`);
    const target = split === "valid" ? valid : train;
    if (!target.has(domain)) target.set(domain, []);
    target.get(domain)!.push(tokens as number[]);
    if (split === "train") trainTokens += tokens.length;
    if (split === "valid" && typeof rec.dense_nll === "number") {
      if (!nll.has(domain)) nll.set(domain, []);
      nll.get(domain)!.push(rec.dense_nll);
    }
  });
  if (train.size === 0)
    throw new UserError(
      `${file}: no training sequences (the corpus is empty or has only "split": "valid" records)`,
    );
  const referenceLoss = new Map([...nll].map(([d, v]) => [d, v.reduce((a, b) => a + b, 0) / v.length]));
  return { train, valid, referenceLoss, trainTokens };
}

/**
 * `--domain-weights a=0.5,b=0.5` (or a JSON object) → weights over the corpus's training domains, normalised;
 * domains not named get 0. Undefined: uniform.
 */
export function parseDomainWeights(
  spec: string | undefined,
  domains: readonly string[],
): Map<string, number> {
  if (spec === undefined) return new Map(domains.map((d) => [d, 1 / domains.length]));
  let pairs: [string, unknown][];
  if (spec.trim().startsWith("{")) {
    try {
      pairs = Object.entries(JSON.parse(spec));
    } catch (err) {
      throw new UserError(`--domain-weights: not valid JSON (${(err as Error).message})`);
    }
  } else {
    pairs = spec.split(",").map((part) => {
      const eq = part.lastIndexOf("=");
      if (eq <= 0) throw new UserError(`--domain-weights: "${part}" is not domain=weight`);
      return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    });
  }
  const given = new Map<string, number>();
  for (const [d, raw] of pairs) {
    const w = typeof raw === "number" ? raw : Number(raw);
    if (!domains.includes(d))
      throw new UserError(
        `--domain-weights: domain "${d}" has no training sequences (domains: ${domains.join(", ")})`,
      );
    if (raw === "" || !Number.isFinite(w) || w < 0)
      throw new UserError(
        `--domain-weights: the weight of "${d}" must be a finite number ≥ 0, got ${JSON.stringify(raw)}`,
      );
    given.set(d, w);
  }
  const total = [...given.values()].reduce((a, b) => a + b, 0);
  if (total <= 0) throw new UserError("--domain-weights: at least one weight must be positive");
  return new Map(domains.map((d) => [d, (given.get(d) ?? 0) / total]));
}
