/** Names and record shapes shared by the pairwise task and its report. */
import type { PairVerdict } from "./verdict.js";

export const PAIRWISE_TASK = "pairwise";
export const PAIRWISE_SCORER = "pairwise";

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
