/**
 * Style control for Bradley–Terry ratings, in the way Chatbot Arena introduced it (LMSYS, "Does style
 * matter? Disentangling style and substance in Chatbot Arena", Aug 2024): a logistic regression of the
 * outcome on the players' indicator difference plus style covariates, so each player's θ is its strength
 * with the style difference held at zero. The covariates are, per answer pair, the normalised differences
 * (a − b)/(a + b) of length (words), markdown headers, list items and bold spans, each then divided by
 * its standard deviation over the battles. Fitted by Newton's method on the (fractional-outcome)
 * log-likelihood with a small ridge penalty (10⁻⁴) that keeps θ finite; θ is centred.
 *
 * Deviation: Arena counts length in tokens of each model's tokenizer; the judge's answers here may come
 * from any model, so length is counted in whitespace-separated words.
 */
import { ELO_SCALE } from "./bradley-terry.js";

export const STYLE_FEATURES = ["length", "headers", "lists", "bold"] as const;
export type StyleFeature = (typeof STYLE_FEATURES)[number];

export function styleCounts(text: string): Record<StyleFeature, number> {
  return {
    length: text.split(/\s+/).filter(Boolean).length,
    headers: (text.match(/^#{1,6}\s/gm) ?? []).length,
    lists: (text.match(/^\s*(?:[-*+]|\d+[.)])\s/gm) ?? []).length,
    bold: (text.match(/\*\*[^*\n]+\*\*|__[^_\n]+__/g) ?? []).length,
  };
}

export interface StyledBattle {
  a: string;
  b: string;
  /** a's share of the win in [0, 1]. */
  outcome: number;
  answerA: string;
  answerB: string;
}

export interface StyleFit {
  players: string[];
  theta: number[];
  elo: number[];
  /** Coefficient of each standardised covariate (0 for a covariate with no variation, which is left out). */
  coefficients: Record<StyleFeature, number>;
}

const RIDGE = 1e-4;

/** Solves A x = b (A symmetric positive definite, small) by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const pivot = M[c]![c]!;
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / pivot;
      if (f !== 0) for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

export function fitStyleControlled(battles: readonly StyledBattle[], players: readonly string[]): StyleFit {
  const index = new Map(players.map((p, i) => [p, i]));
  const rows = battles.filter((bt) => index.has(bt.a) && index.has(bt.b) && bt.a !== bt.b);
  // Normalised differences, then standardised; a covariate without variation is dropped.
  const raw = rows.map((bt) => {
    const ca = styleCounts(bt.answerA);
    const cb = styleCounts(bt.answerB);
    return STYLE_FEATURES.map((f) => (ca[f] + cb[f] === 0 ? 0 : (ca[f] - cb[f]) / (ca[f] + cb[f])));
  });
  const scale = STYLE_FEATURES.map((_, k) => {
    const xs = raw.map((r) => r[k]!);
    const m = xs.reduce((s, v) => s + v, 0) / (xs.length || 1);
    const sd = Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length || 1));
    return sd > 1e-12 ? sd : 0;
  });
  const used = STYLE_FEATURES.map((_, k) => k).filter((k) => scale[k]! > 0);
  const n = players.length;
  const dim = n + used.length;
  const design = rows.map((bt, r) => {
    const x = new Array<number>(dim).fill(0);
    x[index.get(bt.a)!] = 1;
    x[index.get(bt.b)!] = -1;
    used.forEach((k, u) => {
      x[n + u] = raw[r]![k]! / scale[k]!;
    });
    return x;
  });
  let beta = new Array<number>(dim).fill(0);
  for (let iter = 0; iter < 100; iter++) {
    const grad = beta.map((v) => -RIDGE * v);
    const hess = Array.from({ length: dim }, (_, i) =>
      Array.from({ length: dim }, (_, j) => (i === j ? RIDGE : 0)),
    );
    rows.forEach((bt, r) => {
      const x = design[r]!;
      let z = 0;
      for (let k = 0; k < dim; k++) z += x[k]! * beta[k]!;
      const p = 1 / (1 + Math.exp(-z));
      const w = p * (1 - p);
      for (let i = 0; i < dim; i++) {
        if (x[i] === 0) continue;
        grad[i]! += x[i]! * (bt.outcome - p);
        for (let j = 0; j < dim; j++) if (x[j] !== 0) hess[i]![j]! += w * x[i]! * x[j]!;
      }
    });
    const step = solve(hess, grad);
    beta = beta.map((v, k) => v + step[k]!);
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  const mean = beta.slice(0, n).reduce((s, v) => s + v, 0) / n;
  const theta = beta.slice(0, n).map((t) => t - mean);
  const coefficients = Object.fromEntries(STYLE_FEATURES.map((f) => [f, 0])) as Record<StyleFeature, number>;
  used.forEach((k, u) => {
    coefficients[STYLE_FEATURES[k]!] = beta[n + u]!;
  });
  return { players: [...players], theta, elo: theta.map((t) => ELO_SCALE * t + 1000), coefficients };
}
