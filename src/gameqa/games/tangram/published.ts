/**
 * Published samples whose state file the original's example folder lacks (3 of 15): the answer is
 * rebuilt from the facts the original's analysis states, with our rules and option matching.
 */
import type { ConformResult, GameQASample } from "../../types.js";
import { optionResult } from "./common.js";
import { rotationPhrase, type Turn } from "./logic.js";
import { publishedTurnTests } from "./rotation-task.js";

/** Piece ids in the analysis line listing the pieces still on the board. */
function listedOnBoard(analysis: string): number | undefined {
  const line = /Pieces currently on the board:\s*\n([^\n]*)/.exec(analysis)?.[1];
  return line === undefined ? undefined : new Set([...line.matchAll(/Piece (\d+)/g)].map((m) => m[1])).size;
}

/** Distinct pieces named in the cell-by-cell contact lines ("- up: Piece 4 ..."). */
function contactPieces(analysis: string): number {
  return new Set([...analysis.matchAll(/^\s*- (?:up|down|left|right): Piece (\d+)/gm)].map((m) => m[1])).size;
}

/** Sum of the per-row cell counts ("Row 3: 4 cells from column ..."). */
function rowCellSum(analysis: string): number | undefined {
  const rows = [...analysis.matchAll(/^Row \d+: (\d+) cells? from column/gm)];
  return rows.length ? rows.reduce((n, m) => n + Number(m[1]), 0) : undefined;
}

export function fromAnalysis(sample: GameQASample): ConformResult {
  const a = sample.analysis;
  switch (sample.question_id) {
    case 1: {
      const n = listedOnBoard(a);
      return n === undefined ? { skip: "no list of pieces on the board" } : optionResult(sample, n);
    }
    case 2: {
      const { tests } = publishedTurnTests(a);
      const fits = tests.filter((t) => t.endsWith(":fits")).map((t) => Number(t.split(":")[0]) as Turn);
      return optionResult(sample, rotationPhrase(fits));
    }
    case 3: {
      const n = rowCellSum(a);
      return n === undefined ? { skip: "no row counts in the analysis" } : optionResult(sample, n);
    }
    case 4:
      return optionResult(sample, contactPieces(a));
    default:
      return { skip: "a placement cannot be rebuilt without the board" };
  }
}
