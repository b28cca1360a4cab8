/**
 * Per-item overlap statistics from merged scan counts, the scan's JSONL and its table.
 * An n-gram "is found" when at least one corpus document contains it.
 */
import { readFileSync } from "node:fs";
import { table } from "../cli-kit/output.js";
import { UserError } from "../util/errors.js";
import type { GramTable } from "./ngrams.js";
import type { MergedScan } from "./partial.js";

export interface ItemOverlap {
  id: string;
  /** Tokens of all checked fields, and of the segments long enough to be checked. */
  tokens: number;
  checkedTokens: number;
  ngrams: number;
  /** N-grams (positions) found in the corpus. */
  overlapping: number;
  /** Longest run of tokens covered by found n-grams at consecutive positions (0 when none). */
  longest: number;
  /** Checked tokens covered by found n-grams / checked tokens (0 when nothing is checked). */
  coverage: number;
  /** Corpus documents holding at least one of the item's n-grams. */
  documents: number;
  contaminated: boolean;
  locations: string[];
}

export function itemOverlaps(table: GramTable, merged: MergedScan, minCoverage: number): ItemOverlap[] {
  const { itemStart, gramSegment, gramPos, gramLen, gramPattern } = table;
  return table.items.map((item, i) => {
    const tokens = item.segments.reduce((a, s) => a + s.length, 0);
    let checkedTokens = 0;
    let overlapping = 0;
    let longest = 0;
    let covered = 0;
    let segment = -1;
    let coveredTo = 0; // first token of the current segment not yet counted as covered
    let runStart = -1; // position where the current run of consecutive found grams starts
    let lastPos = -2;
    for (let g = itemStart[i]!; g < itemStart[i + 1]!; g++) {
      const s = gramSegment[g]!;
      const pos = gramPos[g]!;
      const len = gramLen[g]!;
      if (s !== segment) {
        segment = s;
        checkedTokens += item.segments[s]!.length;
        coveredTo = 0;
        lastPos = -2;
      }
      if (merged.patternDocs[gramPattern[g]!]! === 0) continue;
      overlapping++;
      covered += pos + len - Math.max(pos, coveredTo);
      coveredTo = pos + len;
      if (pos !== lastPos + 1) runStart = pos;
      lastPos = pos;
      longest = Math.max(longest, pos + len - runStart);
    }
    const coverage = checkedTokens > 0 ? covered / checkedTokens : 0;
    return {
      id: item.id,
      tokens,
      checkedTokens,
      ngrams: itemStart[i + 1]! - itemStart[i]!,
      overlapping,
      longest,
      coverage,
      documents: merged.itemDocs[i]!,
      contaminated: overlapping > 0 && coverage >= minCoverage,
      locations: merged.locations[i]!,
    };
  });
}

export function toJsonl(rows: readonly object[]): string {
  return rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");
}

/** Reads a scan's JSONL (or any JSONL of id and member): item id → contaminated. */
export function readScanFlags(path: string): Map<string, boolean> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UserError(`${path}: cannot read the scan (${(err as Error).message})`);
  }
  const flags = new Map<string, boolean>();
  text.split("\n").forEach((line, k) => {
    if (line.trim() === "") return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new UserError(`${path}:${k + 1}: not a JSON line`);
    }
    const r = row as { id?: unknown; contaminated?: unknown; member?: unknown };
    if (typeof r.id !== "string") throw new UserError(`${path}:${k + 1}: field "id" must be a string`);
    const flag = r.contaminated ?? r.member;
    if (typeof flag !== "boolean") {
      throw new UserError(`${path}:${k + 1}: field "contaminated" (or "member") must be true or false`);
    }
    flags.set(r.id, flag);
  });
  if (flags.size === 0) throw new UserError(`${path}: the scan holds no items`);
  return flags;
}

/** The contaminated items (all items with --all), most covered first. */
export function overlapTable(rows: readonly ItemOverlap[], all = false): string {
  const shown = rows
    .filter((r) => all || r.contaminated)
    .sort((a, b) => b.coverage - a.coverage || b.longest - a.longest);
  return table(
    ["item", "n-grams", "found", "longest", "covered", "docs", "first location"],
    shown.map((r) => [
      r.id,
      String(r.ngrams),
      String(r.overlapping),
      String(r.longest),
      `${(100 * r.coverage).toFixed(1)}%`,
      String(r.documents),
      r.locations[0] ?? "",
    ]),
  );
}
