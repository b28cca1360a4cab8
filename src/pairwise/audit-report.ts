/**
 * The report of a judge-audit run: one line per probe with its measure, a bootstrap CI over items, what a
 * fair judge would give, and whether the judge is flagged. The thresholds are fixed and documented
 * (docs/judging.md): a flag means the CI lies clearly on the biased side of the fair value.
 */
import { bootstrapStatistic } from "../stats/bootstrap.js";
import type { RunStore } from "../store/run-store.js";
import { UserError } from "../util/errors.js";
import type { Probe } from "./audit-probes.js";
import { AUDIT_SCORER, AUDIT_TASK } from "./names.js";

interface AuditedItem {
  probe: Probe;
  /** Preference for the probe's answer: 1 both orders, 0.5 tie or split, 0 never. */
  value: number;
  consistent: boolean;
  readable: number;
  firstPositionWins: number;
  agreement?: Record<string, number>;
}

export interface ProbeResult {
  probe: "position" | Probe;
  measure: string;
  n: number;
  value: number;
  lower: number;
  upper: number;
  fair: string;
  /** null when the probe had no items. */
  flagged: boolean | null;
  note?: string;
}

export interface AuditReport {
  runId: string;
  judge: string;
  probes: ProbeResult[];
}

function itemsOf(store: RunStore, runId: string): AuditedItem[] {
  const run = store.requireRun(runId);
  if (run.task !== AUDIT_TASK) throw new UserError(`run ${run.id} is a ${run.task} run, not a judge audit`);
  return store
    .scoresFor(run.id)
    .filter((s) => s.scorer === AUDIT_SCORER && s.value !== null)
    .map((s) => {
      const m = s.metadata as Omit<AuditedItem, "value">;
      return { ...m, value: s.value! };
    });
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function auditReport(
  store: RunStore,
  runId: string,
  opts: { rounds?: number; seed?: number } = {},
): AuditReport {
  const run = store.requireRun(runId);
  const items = itemsOf(store, run.id);
  const estimate = (values: number[]) => {
    if (values.length === 0) return { n: 0, value: Number.NaN, lower: Number.NaN, upper: Number.NaN };
    const e = bootstrapStatistic(values.length, (idx) => mean(idx.map((i) => values[i]!)), {
      rounds: opts.rounds ?? 1000,
      seed: opts.seed ?? 0,
    });
    return { n: values.length, value: e.value, lower: e.lower, upper: e.upper };
  };
  const flag = (n: number, biased: boolean): boolean | null => (n === 0 ? null : biased);
  const of = (p: Probe) => items.filter((i) => i.probe === p);

  const both = items.filter((i) => i.readable === 2);
  const flips = estimate(both.map((i) => (i.consistent ? 0 : 1)));
  const firstShare = both.length
    ? both.reduce((a, i) => a + i.firstPositionWins, 0) / (2 * both.length)
    : Number.NaN;
  const verbosity = estimate(of("verbosity").map((i) => i.value));
  const planted = estimate(of("planted").map((i) => 1 - i.value));
  const self = estimate(of("self").map((i) => i.value));
  const stable = of("stability").filter((i) => i.agreement);
  const temps = stable.length ? Object.keys(stable[0]!.agreement!) : [];
  const atZero = estimate(stable.map((i) => i.agreement!["0"] ?? Number.NaN).filter(Number.isFinite));
  const hot = temps.find((t) => t !== "0");
  const atHot = estimate(
    stable.map((i) => (hot ? i.agreement![hot] : Number.NaN) ?? Number.NaN).filter(Number.isFinite),
  );
  const probes: ProbeResult[] = [
    {
      probe: "position",
      measure: "flip rate: the winner changes when the order is swapped",
      ...flips,
      fair: "0",
      flagged: flag(flips.n, flips.lower > 0.1),
      note: Number.isFinite(firstShare)
        ? `first-shown answer preferred in ${(100 * firstShare).toFixed(1)}% of judgments`
        : undefined,
    },
    {
      probe: "verbosity",
      measure: "preference for the padded answer",
      ...verbosity,
      fair: "≤ 0.5",
      flagged: flag(verbosity.n, verbosity.lower > 0.5),
    },
    {
      probe: "planted",
      measure: "detection rate: the original preferred over the copy with a changed number",
      ...planted,
      fair: "1",
      flagged: flag(planted.n, planted.upper < 0.9),
    },
    {
      probe: "self",
      measure: "preference for the judge's own answer (equal scores)",
      ...self,
      fair: "0.5",
      flagged: flag(self.n, self.lower > 0.5),
      ...(self.n === 0 ? { note: "needs --self-run: a run of the judge model on the same samples" } : {}),
    },
    {
      probe: "stability",
      measure: "agreement of repeated judgments with their most common verdict, at temperature 0",
      ...atZero,
      fair: "1",
      flagged: flag(atZero.n, atZero.upper < 0.9),
      ...(hot
        ? {
            note: `at temperature ${hot}: ${Number.isFinite(atHot.value) ? atHot.value.toFixed(3) : "–"} [${atHot.lower.toFixed(3)}, ${atHot.upper.toFixed(3)}]`,
          }
        : {}),
    },
  ];
  return { runId: run.id, judge: run.model, probes };
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : "–");

export function formatAuditReport(r: AuditReport): string {
  const lines = [`judge audit ${r.runId} · judge ${r.judge}`];
  for (const p of r.probes) {
    const verdict = p.flagged === null ? "n/a" : p.flagged ? "FLAGGED" : "ok";
    lines.push(
      `  ${p.probe.padEnd(10)} ${verdict.padEnd(8)} ${f3(p.value)} [${f3(p.lower)}, ${f3(p.upper)}] n=${p.n}  (fair: ${p.fair}) ${p.measure}`,
    );
    if (p.note) lines.push(`  ${"".padEnd(10)} ${p.note}`);
  }
  return `${lines.join("\n")}\n`;
}
