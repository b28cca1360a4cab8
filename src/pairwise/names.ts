/** Names and record shapes shared by the pairwise task and its report. */
import type { PairVerdict } from "./verdict.js";

export const PAIRWISE_TASK = "pairwise";
export const PAIRWISE_SCORER = "pairwise";
export const AUDIT_TASK = "judge-audit";
export const AUDIT_SCORER = "audit";

export interface PairMeta {
  sample: string;
  runA: string;
  runB: string;
  question: string;
  answerA: string;
  answerB: string;
  /** A label for grouping: "runA vs runB". */
  pair: string;
}

/** Both orders' verdicts, in the original order, and what they add up to for A. */
export interface PairScoreMeta {
  verdictAB: PairVerdict | null;
  /** The B/A judgment, expressed in the A/B order. */
  verdictBA: PairVerdict | null;
  consistent: boolean;
  /** How many of the (readable) orders preferred whichever answer was shown first. */
  firstPositionWins: number;
  readable: number;
}

/** A text report as `assay report --format table|html` wants it (html: the text in a <pre>). */
export function textReport(text: string, format: "table" | "html", title: string): string {
  if (format === "table") return text;
  const esc = text.replace(/[&<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>${title}</title><pre>${esc}</pre>\n`;
}
