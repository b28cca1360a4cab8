/**
 * Length-controlled win rate, after AlpacaEval 2 (Dubois et al. 2024, arXiv 2404.04475): a logistic model of
 * the judge's preference for the model over the baseline,
 *   logit P(model preferred) = θ + φ · tanh(Δ / σ),   Δ = length(model) − length(baseline),
 * σ = the standard deviation of Δ over the items, fitted by maximum likelihood (ties as y = 0.5) with a small
 * L2 penalty `l2` on θ and φ; the length-controlled win rate is the model's predicted preference with the
 * length term set to zero, σ(θ), as a percentage. AlpacaEval also has an instruction-difficulty term learnt
 * from its whole leaderboard; with one model and a baseline there is nothing to learn it from, so it is
 * left out (the raw win rate is reported beside the controlled one).
 */

export interface LcItem {
  /** 1: model preferred, 0: baseline preferred, 0.5: tie. */
  preference: number;
  modelLength: number;
  baselineLength: number;
}

export interface LcResult {
  /** Plain mean preference, percent. */
  winRate: number;
  /** σ(θ), percent. */
  lengthControlledWinRate: number;
  theta: number;
  /** Weight of the length term: how much the judge's preference follows length. */
  phi: number;
  items: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function lengthControlledWinRate(items: readonly LcItem[], opts: { l2?: number } = {}): LcResult {
  if (items.length === 0) throw new Error("length-controlled win rate of no items");
  const deltas = items.map((it) => it.modelLength - it.baselineLength);
  const mean = deltas.reduce((a, b) => a + b, 0) / deltas.length;
  const sd = Math.sqrt(deltas.reduce((a, d) => a + (d - mean) ** 2, 0) / Math.max(1, deltas.length - 1));
  const x = deltas.map((d) => (sd > 0 ? Math.tanh(d / sd) : 0));
  const y = items.map((it) => it.preference);
  const l2 = opts.l2 ?? 1e-3;
  let theta = 0;
  let phi = 0;
  // Newton–Raphson on the penalised log-likelihood: two parameters, so the Hessian inverts by hand.
  for (let iter = 0; iter < 100; iter++) {
    let g0 = -l2 * theta;
    let g1 = -l2 * phi;
    let h00 = l2;
    let h01 = 0;
    let h11 = l2;
    for (let i = 0; i < x.length; i++) {
      const p = sigmoid(theta + phi * x[i]!);
      const r = y[i]! - p;
      const w = p * (1 - p);
      g0 += r;
      g1 += r * x[i]!;
      h00 += w;
      h01 += w * x[i]!;
      h11 += w * x[i]! * x[i]!;
    }
    const det = h00 * h11 - h01 * h01;
    // No length signal at all (every Δ equal): only θ can be learnt.
    const flat = det <= 1e-12 * Math.max(1, h00 * h00);
    const d0 = flat ? g0 / h00 : (h11 * g0 - h01 * g1) / det;
    const d1 = flat ? 0 : (h00 * g1 - h01 * g0) / det;
    theta += d0;
    phi += d1;
    if (Math.abs(d0) + Math.abs(d1) < 1e-12) break;
  }
  return {
    winRate: (100 * y.reduce((a, b) => a + b, 0)) / y.length,
    lengthControlledWinRate: 100 * sigmoid(theta),
    theta,
    phi,
    items: items.length,
  };
}
