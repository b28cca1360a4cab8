/**
 * Bradley–Terry ratings: P(i beats j) = 1 / (1 + exp(−(θi − θj))), fitted by maximum likelihood with the
 * minorisation–maximisation iteration of Hunter (2004): p_i ← W_i / Σ_j n_ij / (p_i + p_j), p = exp(θ),
 * where W_i counts i's wins and n_ij the games between i and j. Ties count half a win to each side (the
 * Chatbot Arena practice). θ is centred (mean 0) and reported on the Elo scale as 400·θ/ln 10 + 1000.
 * A tiny prior (one virtual tie of each player against every other, weight `prior`) keeps θ finite when a
 * player won or lost everything.
 */

/**
 * One comparison: `a` vs `b` with `a`'s share of the win — 1 (a wins), 0 (b wins), 0.5 (tie), or in between
 * for a comparison judged in both orders and averaged — counted `weight` times.
 */
export interface Battle {
  a: string;
  b: string;
  outcome: number;
  weight?: number;
}

export interface BtFit {
  players: string[];
  /** Log-strengths, mean 0. */
  theta: number[];
  /** 400·θ/ln 10 + 1000. */
  elo: number[];
  iterations: number;
}

export const ELO_SCALE = 400 / Math.LN10;

export function fitBradleyTerry(
  battles: readonly Battle[],
  opts: { prior?: number; tolerance?: number; maxIterations?: number; players?: readonly string[] } = {},
): BtFit {
  const players = [...(opts.players ?? [...new Set(battles.flatMap((b) => [b.a, b.b]))].sort())];
  const index = new Map(players.map((p, i) => [p, i]));
  const n = players.length;
  const wins = new Float64Array(n);
  const games = Array.from({ length: n }, () => new Float64Array(n));
  const prior = opts.prior ?? 0.01;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      if (i !== j) {
        games[i]![j]! += prior;
        wins[i]! += prior / 2;
      }
  for (const bt of battles) {
    const i = index.get(bt.a);
    const j = index.get(bt.b);
    if (i === undefined || j === undefined || i === j) continue;
    const w = bt.weight ?? 1;
    games[i]![j]! += w;
    games[j]![i]! += w;
    wins[i]! += w * bt.outcome;
    wins[j]! += w * (1 - bt.outcome);
  }
  let p = new Float64Array(n).fill(1);
  const tolerance = opts.tolerance ?? 1e-10;
  const maxIterations = opts.maxIterations ?? 10_000;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let denom = 0;
      for (let j = 0; j < n; j++) if (j !== i && games[i]![j]! > 0) denom += games[i]![j]! / (p[i]! + p[j]!);
      next[i] = denom > 0 ? wins[i]! / denom : p[i]!;
    }
    // Geometric-mean normalisation: the likelihood depends on ratios only.
    const logMean = next.reduce((s, v) => s + Math.log(v), 0) / n;
    let change = 0;
    for (let i = 0; i < n; i++) {
      next[i] = Math.exp(Math.log(next[i]!) - logMean);
      change = Math.max(change, Math.abs(Math.log(next[i]!) - Math.log(p[i]!)));
    }
    p = next;
    if (change < tolerance) break;
  }
  const theta = [...p].map(Math.log);
  return { players, theta, elo: theta.map((t) => ELO_SCALE * t + 1000), iterations };
}

/** The model's P(i beats j) for every pair, from fitted strengths. */
export function winMatrix(fit: BtFit): number[][] {
  return fit.theta.map((ti) => fit.theta.map((tj) => 1 / (1 + Math.exp(-(ti - tj)))));
}
