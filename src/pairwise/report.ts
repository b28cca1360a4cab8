/**
 * The report of a pairwise run: per pair of runs, wins/ties/losses, position consistency and the judge's
 * first-position win rate, the inconsistent items; across runs, Bradley–Terry strengths with bootstrap
 * CIs over samples (a resampled set of prompts, every battle of each), Elo scores, the model's win matrix;
 * and, with a baseline, the length-controlled win rate of each run against it.
 */
import { bootstrapItems } from "../stats/bootstrap.js";
import { groupBy } from "../stats/group.js";
import type { RunStore } from "../store/run-store.js";
import { UserError } from "../util/errors.js";
import { type Battle, ELO_SCALE, fitBradleyTerry, winMatrix } from "./bradley-terry.js";
import { type LcResult, lengthControlledWinRate } from "./length-controlled.js";
import { PAIRWISE_SCORER, PAIRWISE_TASK, type PairMeta, type PairScoreMeta } from "./names.js";
import { fitStyleControlled, type StyledBattle, type StyleFeature } from "./style-control.js";

export interface PairStats {
  runA: string;
  runB: string;
  items: number;
  /** Consistent verdicts: A better in both orders / tie / B better. Inconsistent ones count as ties. */
  winsA: number;
  ties: number;
  winsB: number;
  /** Items judged in both orders with the same winner, over items with both orders readable. */
  positionConsistency: number;
  /** Share of readable judgments that preferred the answer shown first. */
  firstPositionWinRate: number;
  inconsistent: string[];
  /** A's mean score (win 1, tie 0.5, loss 0; both orders averaged), percent. */
  winRateA: number;
  /** vs a baseline run: A's length-controlled win rate. */
  lengthControlled?: LcResult;
}

export interface Rating {
  run: string;
  theta: number;
  elo: number;
  eloLo: number;
  eloHi: number;
}

export interface PairwiseReport {
  runId: string;
  runs: string[];
  pairs: PairStats[];
  ratings: Rating[];
  /** P(row beats column) under the fitted model, in `runs` order. */
  winMatrix: number[][];
  bootstrapRounds: number;
  /** With `styleControl`: ratings with length and markdown differences held at zero (style-control.ts). */
  styleControlled?: { ratings: Rating[]; coefficients: Record<StyleFeature, number> };
}

interface Judged {
  meta: PairMeta;
  value: number;
  score: PairScoreMeta;
}

function judgedItems(store: RunStore, runId: string): Judged[] {
  const run = store.requireRun(runId);
  if (run.task !== PAIRWISE_TASK)
    throw new UserError(`run ${run.id} is a "${run.task}" run, not a pairwise run`);
  const scores = new Map<string, { value: number; meta: PairScoreMeta }>();
  for (const s of store.scoresFor(run.id))
    if (s.scorer === PAIRWISE_SCORER && s.value !== null && s.epoch === 1)
      scores.set(s.sampleId, { value: s.value, meta: s.metadata as PairScoreMeta });
  const out: Judged[] = [];
  for (const s of store.iterateSamples(run.id)) {
    const sc = scores.get(s.sampleId);
    if (s.epoch !== 1 || !sc) continue;
    out.push({ meta: s.metadata as unknown as PairMeta, value: sc.value, score: sc.meta });
  }
  return out;
}

function battlesOf(items: readonly Judged[]): Battle[] {
  // Each item is one battle worth both orders: its outcome is A's averaged score (1, 0.75, 0.5, 0.25, 0).
  return items.map((j) => ({ a: j.meta.runA, b: j.meta.runB, outcome: j.value }));
}

export function pairwiseReport(
  store: RunStore,
  runId: string,
  opts: { rounds?: number; seed?: number; baseline?: string; styleControl?: boolean } = {},
): PairwiseReport {
  const items = judgedItems(store, runId);
  if (items.length === 0) throw new UserError(`pairwise run ${runId} has no judged item yet`);
  const runs = [...new Set(items.flatMap((j) => [j.meta.runA, j.meta.runB]))].sort();
  const pairs = new Map<string, Judged[]>();
  for (const j of items) {
    const key = `${j.meta.runA}\u0000${j.meta.runB}`;
    pairs.set(key, [...(pairs.get(key) ?? []), j]);
  }
  const pairStats: PairStats[] = [...pairs.values()].map((list) => {
    const both = list.filter((j) => j.score.readable === 2);
    const judgments = list.reduce((s, j) => s + j.score.readable, 0);
    const stat: PairStats = {
      runA: list[0]!.meta.runA,
      runB: list[0]!.meta.runB,
      items: list.length,
      winsA: list.filter((j) => j.score.consistent && j.score.verdictAB?.winner === "A").length,
      winsB: list.filter((j) => j.score.consistent && j.score.verdictAB?.winner === "B").length,
      ties: 0,
      positionConsistency: both.length
        ? both.filter((j) => j.score.consistent).length / both.length
        : Number.NaN,
      firstPositionWinRate: judgments
        ? list.reduce((s, j) => s + j.score.firstPositionWins, 0) / judgments
        : Number.NaN,
      inconsistent: both.filter((j) => !j.score.consistent).map((j) => j.meta.sample),
      winRateA: (100 * list.reduce((s, j) => s + j.value, 0)) / list.length,
    };
    stat.ties = list.length - stat.winsA - stat.winsB;
    if (opts.baseline && stat.runB === opts.baseline)
      stat.lengthControlled = lengthControlledWinRate(
        list.map((j) => ({
          preference: j.value,
          modelLength: j.meta.answerA.length,
          baselineLength: j.meta.answerB.length,
        })),
      );
    return stat;
  });
  const fit = fitBradleyTerry(battlesOf(items), { players: runs });
  // Bootstrap over samples (prompts): a resampled prompt brings every battle fought on it.
  // The shared bootstrap of src/stats (clustered: the units are prompts).
  const rounds = opts.rounds ?? 1000;
  const groups = [...groupBy(items, (j) => j.meta.sample).values()];
  const strengths = bootstrapItems(
    groups.length,
    (idx) => {
      const f = fitBradleyTerry(battlesOf(idx.flatMap((k) => groups[k]!)), { players: runs });
      return Object.fromEntries(f.theta.map((t, i) => [i, t]));
    },
    { rounds, seed: opts.seed ?? 1 },
  );
  const ratings: Rating[] = runs.map((run, i) => {
    const ci = strengths[i]!;
    return {
      run,
      theta: fit.theta[i]!,
      elo: fit.elo[i]!,
      eloLo: rounds ? ELO_SCALE * ci.lower + 1000 : Number.NaN,
      eloHi: rounds ? ELO_SCALE * ci.upper + 1000 : Number.NaN,
    };
  });
  ratings.sort((a, b) => b.elo - a.elo);
  const report: PairwiseReport = {
    runId,
    runs,
    pairs: pairStats,
    ratings,
    winMatrix: winMatrix(fit),
    bootstrapRounds: rounds,
  };
  if (opts.styleControl)
    report.styleControlled = styleControlled(items, groups, runs, rounds, opts.seed ?? 1);
  return report;
}

function styledOf(items: readonly Judged[]): StyledBattle[] {
  return items.map((j) => ({
    a: j.meta.runA,
    b: j.meta.runB,
    outcome: j.value,
    answerA: j.meta.answerA,
    answerB: j.meta.answerB,
  }));
}

function styleControlled(
  items: readonly Judged[],
  groups: readonly Judged[][],
  runs: string[],
  rounds: number,
  seed: number,
): NonNullable<PairwiseReport["styleControlled"]> {
  const fit = fitStyleControlled(styledOf(items), runs);
  const strengths = bootstrapItems(
    groups.length,
    (idx) => {
      const f = fitStyleControlled(styledOf(idx.flatMap((k) => groups[k]!)), runs);
      return Object.fromEntries(f.theta.map((t, i) => [i, t]));
    },
    { rounds, seed },
  );
  const ratings = runs
    .map((run, i) => ({
      run,
      theta: fit.theta[i]!,
      elo: fit.elo[i]!,
      eloLo: rounds ? ELO_SCALE * strengths[i]!.lower + 1000 : Number.NaN,
      eloHi: rounds ? ELO_SCALE * strengths[i]!.upper + 1000 : Number.NaN,
    }))
    .sort((a, b) => b.elo - a.elo);
  return { ratings, coefficients: fit.coefficients };
}

export function formatPairwiseReport(r: PairwiseReport): string {
  const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–");
  const lines = [
    `pairwise run ${r.runId}`,
    "",
    "ranking (Bradley–Terry, Elo scale, 95% bootstrap CI over samples):",
  ];
  for (const [i, x] of r.ratings.entries())
    lines.push(`  ${i + 1}. ${x.run}  ${x.elo.toFixed(0)}  [${x.eloLo.toFixed(0)}, ${x.eloHi.toFixed(0)}]`);
  lines.push(
    "",
    "pairs (A vs B): A wins / ties / B wins · A's win rate · position consistency · first-position wins",
  );
  for (const p of r.pairs) {
    lines.push(
      `  ${p.runA} vs ${p.runB}: ${p.winsA} / ${p.ties} / ${p.winsB} · ${p.winRateA.toFixed(1)}% · ${pct(p.positionConsistency)} · ${pct(p.firstPositionWinRate)}` +
        (p.lengthControlled
          ? ` · length-controlled ${p.lengthControlled.lengthControlledWinRate.toFixed(1)}%`
          : ""),
    );
    if (p.inconsistent.length)
      lines.push(
        `    inconsistent (winner changed with the order): ${p.inconsistent.slice(0, 10).join(", ")}${p.inconsistent.length > 10 ? " …" : ""}`,
      );
  }
  if (r.styleControlled) {
    lines.push(
      "",
      "style-controlled ranking (length, headers, lists and bold held equal; Elo scale, 95% CI):",
    );
    for (const [i, x] of r.styleControlled.ratings.entries())
      lines.push(`  ${i + 1}. ${x.run}  ${x.elo.toFixed(0)}  [${x.eloLo.toFixed(0)}, ${x.eloHi.toFixed(0)}]`);
    lines.push(
      `  style coefficients (per standard deviation of the normalised difference): ${Object.entries(
        r.styleControlled.coefficients,
      )
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(", ")}`,
    );
  }
  lines.push("", "win matrix, P(row beats column):");
  lines.push(`  ${["", ...r.runs].map((s) => s.padEnd(14).slice(0, 14)).join(" ")}`);
  for (const [i, row] of r.winMatrix.entries())
    lines.push(
      `  ${[r.runs[i]!, ...row.map((p, j) => (i === j ? "–" : p.toFixed(2)))].map((s) => s.padEnd(14).slice(0, 14)).join(" ")}`,
    );
  return `${lines.join("\n")}\n`;
}
