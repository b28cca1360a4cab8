/**
 * `assay export`: one line per (sample, epoch). JSONL is lossless by default (the whole conversation,
 * the per-sample store where judged tasks keep every judge prompt and verdict, each scorer's value,
 * extracted answer, explanation and metadata); `--slim` keeps the short layout. CSV is for spreadsheets:
 * a fixed set of columns plus value and answer per scorer, and every text cell that a spreadsheet would
 * read as a formula is neutralised.
 */
import type { RunRow, RunStore } from "../store/run-store.js";

const CSV_FIXED = [
  "run_id",
  "sample_id",
  "epoch",
  "input",
  "target",
  "output",
  "error",
  "input_tokens",
  "output_tokens",
  "judge_input_tokens",
  "judge_output_tokens",
  "latency_ms",
  "cached",
];

/**
 * A text starting with =, +, -, @ (or a tab / carriage return, which some spreadsheets skip before
 * reading a formula) is prefixed with a single quote, as OWASP recommends against CSV injection.
 * Numbers are written as numbers and are never prefixed.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = typeof v === "string" ? v : JSON.stringify(v);
  if (typeof v !== "number" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface ExportOptions {
  /** The short JSONL layout: no transcript, store or score metadata. */
  slim?: boolean;
}

export async function exportRun(
  store: RunStore,
  run: RunRow,
  format: "jsonl" | "csv",
  write: (line: string) => unknown,
  opts: ExportOptions = {},
): Promise<void> {
  const scorerNames = run.manifest.scorers.map((s) => s.name);
  if (format === "csv") {
    write(`${[...CSV_FIXED, ...scorerNames.flatMap((n) => [n, `${n}_answer`])].join(",")}\n`);
  }
  for (const s of store.iterateSamples(run.id)) {
    const scores: Record<string, Record<string, unknown>> = {};
    for (const sc of store.scoresOf(run.id, s.sampleId, s.epoch)) {
      scores[sc.scorer] = opts.slim
        ? { value: sc.raw, answer: sc.answer, explanation: sc.explanation }
        : { value: sc.raw, answer: sc.answer, explanation: sc.explanation, metadata: sc.metadata ?? null };
    }
    if (format === "jsonl") {
      const line: Record<string, unknown> = {
        run_id: run.id,
        sample_id: s.sampleId,
        epoch: s.epoch,
        input: s.input,
        target: s.target ?? null,
        output: s.output,
        scores,
        metadata: s.metadata ?? null,
        input_tokens: s.inputTokens,
        output_tokens: s.outputTokens,
        judge_input_tokens: s.judgeInputTokens,
        judge_output_tokens: s.judgeOutputTokens,
        latency_ms: s.latencyMs,
        cached: s.cached,
        error: s.error,
      };
      if (!opts.slim) {
        line.choices = s.choices ?? null;
        line.messages = s.messages ?? null;
        line.store = s.store ?? null;
        line.finished_at = s.finishedAt;
      }
      write(`${JSON.stringify(line)}\n`);
    } else {
      const fixed = [
        run.id,
        s.sampleId,
        s.epoch,
        s.input,
        s.target,
        s.output,
        s.error,
        s.inputTokens,
        s.outputTokens,
        s.judgeInputTokens,
        s.judgeOutputTokens,
        s.latencyMs,
        s.cached ? 1 : 0,
      ];
      const per = scorerNames.flatMap((n) => [scores[n]?.value, scores[n]?.answer]);
      write(`${[...fixed, ...per].map(csvCell).join(",")}\n`);
    }
  }
}
