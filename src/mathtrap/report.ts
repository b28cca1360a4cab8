/**
 * MathTrap report for stored runs: per-sample scores of the `mathtrap` scorer → item results →
 * the paper's metrics, plus how often rules vs the judge decided and how consistent the judge was.
 */
import type { RunStore } from "../store/run-store.js";
import { UserError } from "../util/errors.js";
import { type ProblemKind, TRAP_TYPES, type TrapType } from "./data.js";
import {
  formatBreakdownTable,
  formatMainTable,
  type ItemResult,
  type MathtrapBootstrapOptions,
  type MathtrapReport,
  mathtrapReport,
} from "./metrics.js";

export interface SampleRow {
  sampleId: string;
  epoch: number;
  metadata: Record<string, unknown> | undefined;
  error: string | null;
}

export interface ScoreRow {
  sampleId: string;
  epoch: number;
  scorer: string;
  value: number | null;
  metadata: unknown;
}

export interface JudgeConsistency {
  /** Trap judgments with at least one readable verdict. */
  judged: number;
  /** Mean share of a sample's verdicts that agree with its majority (1 = always unanimous). */
  meanAgreement: number | null;
  /** Share of trap judgments where every verdict agreed. */
  unanimous: number | null;
  ties: number;
  unreadableVerdicts: number;
}

export interface RunMathtrapReport {
  runId: string;
  model: string;
  variant: string | null;
  report: MathtrapReport;
  /** kind → decision path (rule / judge / no-judge) → count of scored (sample, epoch) pairs. */
  decidedBy: Record<string, Record<string, number>>;
  judge: JudgeConsistency;
  /** (sample, epoch) pairs that failed and are left out. */
  errors: number;
}

const KINDS = new Set<ProblemKind>(["conceptual", "original", "trap"]);

function asTrapType(v: unknown): TrapType | undefined {
  return TRAP_TYPES.find((t) => t === v);
}

/** Item results (epochs averaged), decision paths and judge agreement from stored rows. */
export function resultsFromRows(
  samples: readonly SampleRow[],
  scores: readonly ScoreRow[],
): {
  items: ItemResult[];
  decidedBy: Record<string, Record<string, number>>;
  judge: JudgeConsistency;
  errors: number;
} {
  const meta = new Map<string, Record<string, unknown>>();
  let errors = 0;
  for (const s of samples) {
    if (s.error) errors++;
    if (s.metadata && !meta.has(s.sampleId)) meta.set(s.sampleId, s.metadata);
  }
  const values = new Map<string, number[]>();
  const decidedBy: Record<string, Record<string, number>> = {};
  let judged = 0;
  let agreementSum = 0;
  let unanimous = 0;
  let ties = 0;
  let unreadable = 0;
  for (const sc of scores) {
    if (sc.scorer !== "mathtrap" || sc.value === null) continue;
    const list = values.get(sc.sampleId) ?? [];
    list.push(sc.value);
    values.set(sc.sampleId, list);
    const m = (sc.metadata ?? {}) as Record<string, unknown>;
    const kind = String(m.kind ?? meta.get(sc.sampleId)?.kind ?? "unknown");
    const path = String(m.path ?? "unknown");
    decidedBy[kind] ??= {};
    decidedBy[kind][path] = (decidedBy[kind][path] ?? 0) + 1;
    if (typeof m.agreement === "number") {
      judged++;
      agreementSum += m.agreement;
      if (m.agreement === 1) unanimous++;
    }
    if (m.tie === true) ties++;
    const votes = m.votes as { invalid?: unknown } | undefined;
    if (typeof votes?.invalid === "number") unreadable += votes.invalid;
  }
  const items: ItemResult[] = [];
  for (const [sampleId, vals] of values) {
    const md = meta.get(sampleId);
    const kind = md?.kind as ProblemKind | undefined;
    if (!md || !kind || !KINDS.has(kind)) continue;
    const trapTypes: TrapType[] =
      kind === "trap"
        ? [asTrapType(md.trap_type)].filter((t): t is TrapType => t !== undefined)
        : kind === "original"
          ? String(md.trap_types ?? "")
              .split("|")
              .map(asTrapType)
              .filter((t): t is TrapType => t !== undefined)
          : [];
    items.push({
      id: sampleId,
      kind,
      correct: vals.reduce((a, b) => a + b, 0) / vals.length,
      trapTypes,
      ...(typeof md.subject === "string" ? { subject: md.subject } : {}),
      group: String(md.group ?? sampleId),
    });
  }
  return {
    items,
    decidedBy,
    judge: {
      judged,
      meanAgreement: judged ? agreementSum / judged : null,
      unanimous: judged ? unanimous / judged : null,
      ties,
      unreadableVerdicts: unreadable,
    },
    errors,
  };
}

/** The MathTrap report of one stored run. */
export function reportForRun(
  store: RunStore,
  runId: string,
  opts: MathtrapBootstrapOptions = {},
): RunMathtrapReport {
  const run = store.requireRun(runId);
  if (run.task !== "mathtrap") throw new UserError(`run ${runId} is a "${run.task}" run, not a mathtrap run`);
  const samples: SampleRow[] = [];
  for (const s of store.iterateSamples(runId))
    samples.push({ sampleId: s.sampleId, epoch: s.epoch, metadata: s.metadata, error: s.error });
  const { items, decidedBy, judge, errors } = resultsFromRows(samples, store.scoresFor(runId));
  const variant = run.manifest.task.args.variant;
  return {
    runId,
    model: run.model,
    variant: variant === undefined ? null : String(variant),
    report: mathtrapReport(items, { seed: run.manifest.seed ?? 0, ...opts }),
    decidedBy,
    judge,
    errors,
  };
}

// ---------- text ----------

function pct(v: number | null): string {
  return v === null ? "—" : `${(100 * v).toFixed(1)}%`;
}

function rowLabel(r: RunMathtrapReport, all: readonly RunMathtrapReport[]): string {
  const variant = r.variant && r.variant !== "plain" ? ` (${r.variant})` : "";
  const label = `${r.model}${variant}`;
  // Two runs of the same model and variant: tell them apart by run id.
  return all.filter((x) => `${x.model}${x.variant}` === `${r.model}${r.variant}`).length > 1
    ? `${label} [${r.runId}]`
    : label;
}

/** Text of the MathTrap report for runs (rows = models), as `assay mathtrap report` prints it. */
export function formatRunReports(
  reports: readonly RunMathtrapReport[],
  opts: { ci?: boolean; breakdown?: boolean } = {},
): string {
  const rows = reports.map((r) => ({ model: rowLabel(r, reports), report: r.report }));
  const parts = [formatMainTable(rows, opts.ci ?? true)];
  if (opts.breakdown) {
    parts.push(formatBreakdownTable(rows, "byTrapType"));
    parts.push(formatBreakdownTable(rows, "bySubject"));
  }
  const notes = reports.map((r) => {
    const paths = Object.entries(r.decidedBy)
      .sort()
      .map(
        ([kind, byPath]) =>
          `${kind}: ${Object.entries(byPath)
            .map(([p, n]) => `${p} ${n}`)
            .join(", ")}`,
      )
      .join("; ");
    const j = r.judge;
    const judge = j.judged
      ? `judge agreement ${pct(j.meanAgreement)}, unanimous ${pct(j.unanimous)} of ${j.judged}, ties ${j.ties}, unreadable verdicts ${j.unreadableVerdicts}`
      : "no trap judgments";
    return `${rowLabel(r, reports)}: decided by ${paths || "nothing"} · ${judge}${r.errors ? ` · ${r.errors} failed sample(s) left out` : ""}`;
  });
  const b = reports[0]?.report.bootstrap;
  const ciNote = b
    ? `Accuracies in %, Ratio = Trap / Original × 100; [${Math.round(b.confidence * 100)}% bootstrap CI, ${b.resamples} resamples]`
    : "";
  return [...parts, ciNote, ...notes].filter(Boolean).join("\n\n");
}
