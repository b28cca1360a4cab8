/**
 * `--fail-under metric=value` (and a config's `fail_under:`): a CI gate. `metric` is a metric name
 * (every scorer that computes it is checked) or `scorer.metric` (that scorer's only). The command exits
 * 3 when a checked value is below its bound, or when there is no value to check (every sample failed).
 */
import type { Scorer } from "../core/types.js";
import type { RunSummary } from "../engine/summary.js";
import { UserError } from "../util/errors.js";

export interface FailUnder {
  /** As written, for messages. */
  text: string;
  scorer?: string;
  metric: string;
  min: number;
}

/** Exit status of a run whose gate failed. */
export const FAIL_UNDER_EXIT = 3;

export function parseFailUnder(text: string, min?: number): FailUnder {
  let key = text;
  let bound = min;
  if (bound === undefined) {
    const eq = text.lastIndexOf("=");
    if (eq <= 0) throw new UserError(`--fail-under expects metric=value, got "${text}"`);
    key = text.slice(0, eq).trim();
    const raw = text.slice(eq + 1).trim();
    bound = Number(raw);
    if (raw === "" || !Number.isFinite(bound))
      throw new UserError(`--fail-under ${text}: "${raw}" is not a number`);
  }
  const dot = key.lastIndexOf(".");
  const metric = dot < 0 ? key : key.slice(dot + 1);
  if (!metric) throw new UserError(`--fail-under ${text}: name a metric (e.g. accuracy=0.8)`);
  return { text: `${key}=${bound}`, ...(dot > 0 ? { scorer: key.slice(0, dot) } : {}), metric, min: bound };
}

/** Before a run: every gate must name a metric one of the task's scorers computes. */
export function checkGatesApply(
  gates: readonly FailUnder[],
  scorers: readonly Scorer[],
  where: string,
): void {
  for (const g of gates) {
    const matching = scorers.filter(
      (s) => (g.scorer === undefined || s.name === g.scorer) && s.metrics.includes(g.metric),
    );
    if (!matching.length) {
      const known = scorers.flatMap((s) => s.metrics.map((m) => `${s.name}.${m}`)).join(", ");
      throw new UserError(`${where}: fail-under ${g.text}: no scorer computes that metric (known: ${known})`);
    }
  }
}

export interface GateResult {
  gate: FailUnder;
  scorer: string;
  value: number | null;
  passed: boolean;
}

/** Each gate against each scorer it applies to. */
export function evaluateGates(gates: readonly FailUnder[], summary: RunSummary | undefined): GateResult[] {
  const results: GateResult[] = [];
  for (const g of gates) {
    for (const s of summary?.scorers ?? []) {
      if (g.scorer !== undefined && s.scorer !== g.scorer) continue;
      if (!(g.metric in s.metrics) && g.scorer === undefined) continue;
      const v = s.metrics[g.metric];
      const value = typeof v === "number" && Number.isFinite(v) ? v : null;
      results.push({ gate: g, scorer: s.scorer, value, passed: value !== null && value >= g.min });
    }
    if (!results.some((r) => r.gate === g))
      results.push({ gate: g, scorer: g.scorer ?? "?", value: null, passed: false });
  }
  return results;
}

export function describeGate(r: GateResult): string {
  const v = r.value === null ? "no value" : String(Number(r.value.toFixed(6)));
  return `${r.scorer}.${r.gate.metric} = ${v} ${r.passed ? "≥" : "<"} ${r.gate.min}`;
}

/** Commander collector for repeated `--fail-under metric=value`. */
export function collectFailUnder(value: string, previous: FailUnder[] = []): FailUnder[] {
  return [...previous, parseFailUnder(value)];
}

/**
 * After a run: print each gate's result on stderr and turn the exit status into 3 when one fails (a
 * stop by Ctrl-C or SIGTERM keeps its own status).
 */
export function applyGates(
  gates: readonly FailUnder[],
  summary: RunSummary | undefined,
  print: boolean,
): GateResult[] {
  const results = evaluateGates(gates, summary);
  if (print)
    for (const r of results)
      process.stderr.write(`fail-under: ${r.passed ? "ok  " : "FAIL"} ${describeGate(r)}\n`);
  const stopped = typeof process.exitCode === "number" && process.exitCode >= 128;
  if (!stopped && results.some((r) => !r.passed)) process.exitCode = FAIL_UNDER_EXIT;
  return results;
}
