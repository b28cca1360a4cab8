/**
 * Counting grid lines in decoded pixels, for the grid-line test. A pixel column belongs to a
 * vertical line on a row when its colour differs from the pixels 3 columns to either side (a thin
 * feature: anti-aliased, 1-4 px wide, whatever the cell colours). Columns where that holds on at
 * least half as many rows as the best column are line columns; adjacent ones form one line.
 * Rows likewise for horizontal lines. With a declared line colour, only pixels within DIFF of it on
 * every channel count (other thin features of the picture are then ignored).
 */
import type { GridLines } from "../../src/gameqa/types.js";

interface Image {
  width: number;
  height: number;
  pixels: Uint32Array;
}

/** Minimum colour difference (max over channels) that counts as "differs". */
const DIFF = 24;
const AWAY = 3;

function differs(a: number, b: number): boolean {
  for (let shift = 0; shift < 24; shift += 8) {
    if (Math.abs(((a >>> shift) & 255) - ((b >>> shift) & 255)) >= DIFF) return true;
  }
  return false;
}

function near(a: number, b: number): boolean {
  return !differs(a, b);
}

/** `#rrggbb` as the decoder's pixel value (R in the low byte, as decodePng packs it). */
function pixelOf(hex: string): number {
  const v = Number.parseInt(hex.slice(1), 16);
  return (((v >> 16) & 255) | (v & 0xff00) | ((v & 255) << 16)) >>> 0;
}

/** Thin-feature counts along one axis: scores[i] = rows (or columns) where position i is thin. */
function thinScores(img: Image, vertical: boolean, color?: number): number[] {
  const along = vertical ? img.width : img.height;
  const across = vertical ? img.height : img.width;
  const at = (i: number, j: number): number =>
    img.pixels[vertical ? j * img.width + i : i * img.width + j] as number;
  const scores = new Array<number>(along).fill(0);
  for (let i = 0; i < along; i++) {
    for (let j = 0; j < across; j++) {
      const p = at(i, j);
      if (color !== undefined && !near(p, color)) continue;
      const before = i - AWAY >= 0 ? differs(p, at(i - AWAY, j)) : true;
      const after = i + AWAY < along ? differs(p, at(i + AWAY, j)) : true;
      if (before && after && (i - AWAY >= 0 || i + AWAY < along)) scores[i] = (scores[i] as number) + 1;
    }
  }
  return scores;
}

function countLines(scores: number[]): number {
  const best = Math.max(...scores);
  let lines = 0;
  let inLine = false;
  for (const s of scores) {
    const on = s >= best / 2;
    if (on && !inLine) lines++;
    inLine = on;
  }
  return lines;
}

export function countGridLines(img: Image, color?: string): GridLines {
  const c = color === undefined ? undefined : pixelOf(color);
  return {
    vertical: countLines(thinScores(img, true, c)),
    horizontal: countLines(thinScores(img, false, c)),
  };
}
