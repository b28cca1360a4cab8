/**
 * Hue boards: gradients laid along rows and columns the way the original lays them, and the
 * lookups the questions need (which gradients run through a cell, a cell's label).
 */
import type { Rng } from "../../types.js";
import { type RGB, rgbToHsv } from "./color.js";

/** [row, col], 0-based (questions and labels print them 1-based). */
export type Pos = [number, number];

export interface Gradient {
  type: "row" | "column";
  index: number;
  /** Always null in the original's output (kept for the published key set). */
  direction: number | null;
  start_color: RGB | null;
  end_color: RGB | null;
}

/** Linear mix as the original does it: (1 - t) * a + t * b, clipped, truncated to integers. */
export function mix(a: RGB, b: RGB, t: number): RGB {
  return a.map((v, i) => Math.trunc(Math.min(255, Math.max(0, (1 - t) * v + t * (b[i] as number))))) as RGB;
}

const randomColor = (rng: Rng): RGB => [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];

/** A board being built: colours, which cells are coloured, and the gradients laid so far. */
export interface Build {
  size: number;
  board: RGB[][];
  colored: boolean[][];
  gradients: Gradient[];
}

export function emptyBuild(size: number): Build {
  return {
    size,
    board: Array.from({ length: size }, () => Array.from({ length: size }, (): RGB => [0, 0, 0])),
    colored: Array.from({ length: size }, () => new Array<boolean>(size).fill(false)),
    gradients: [],
  };
}

/**
 * Lay one gradient on a random row or column (10 tries; never beside a parallel gradient), as the
 * original does: an empty line gets a gradient between two random colours from cell 0-1 to cell
 * size-2..size-1; a line with one coloured cell fades to half-black before it and half-white after
 * it; otherwise a gap of at least one cell between two neighbouring coloured cells is filled.
 */
export function addLine(b: Build, rng: Rng): boolean {
  const n = b.size;
  for (let attempt = 0; attempt < 10; attempt++) {
    const type = rng.pick(["row", "column"] as const);
    const index = rng.int(0, n - 1);
    if (b.gradients.some((g) => g.type === type && Math.abs(g.index - index) === 1)) continue;
    const at = (i: number): Pos => (type === "row" ? [index, i] : [i, index]);
    const paint = (i: number, color: RGB): void => {
      const [r, c] = at(i);
      (b.board[r] as RGB[])[c] = color;
      (b.colored[r] as boolean[])[c] = true;
    };
    const lineColored = Array.from({ length: n }, (_, i) => i).filter((i) => b.colored[at(i)[0]]?.[at(i)[1]]);
    const g: Gradient = { type, index, direction: null, start_color: null, end_color: null };
    if (lineColored.length === 0) {
      const from = rng.int(0, 1);
      const to = rng.int(n - 2, n - 1);
      const c1 = randomColor(rng);
      const c2 = randomColor(rng);
      g.start_color = c1;
      g.end_color = c2;
      for (let i = from; i <= to; i++) paint(i, mix(c1, c2, (i - from) / (to - from)));
    } else if (lineColored.length === 1) {
      const base = lineColored[0] as number;
      const [br, bc] = at(base);
      const baseColor = (b.board[br] as RGB[])[bc] as RGB;
      const darker = mix(baseColor, [0, 0, 0], 0.5);
      const lighter = mix(baseColor, [255, 255, 255], 0.5);
      g.start_color = darker;
      g.end_color = lighter;
      for (let i = base - 1; i >= 0; i--) paint(i, mix(baseColor, darker, (base - i) / base));
      for (let i = base + 1; i < n; i++) paint(i, mix(baseColor, lighter, (i - base) / (n - base - 1)));
    } else {
      const gaps: Array<[number, number]> = [];
      for (let k = 0; k + 1 < lineColored.length; k++) {
        const a = lineColored[k] as number;
        const z = lineColored[k + 1] as number;
        if (z - a >= 2) gaps.push([a, z]);
      }
      if (gaps.length === 0) continue;
      const [a, z] = rng.pick(gaps);
      const ca = (b.board[at(a)[0]] as RGB[])[at(a)[1]] as RGB;
      const cz = (b.board[at(z)[0]] as RGB[])[at(z)[1]] as RGB;
      g.start_color = ca.slice() as RGB;
      g.end_color = cz.slice() as RGB;
      for (let i = a + 1; i < z; i++) paint(i, mix(ca, cz, (i - a) / (z - a)));
    }
    b.gradients.push(g);
    return true;
  }
  return false;
}

/** The original's colour distance: circular hue difference plus saturation and value differences. */
function hsvGap(a: readonly number[], b: readonly number[]): number {
  const dh = Math.abs((a[0] as number) - (b[0] as number));
  return (
    Math.min(dh, 1 - dh) +
    Math.abs((a[1] as number) - (b[1] as number)) +
    Math.abs((a[2] as number) - (b[2] as number))
  );
}

/** Of 100 random colours, the one farthest (smallest distance largest) from `existing`. */
export function distantColor(rng: Rng, existing: readonly RGB[]): RGB {
  const known = existing.map(rgbToHsv);
  let best: RGB = randomColor(rng);
  let bestDistance = -1;
  for (let i = 0; i < 100; i++) {
    const c = i === 0 ? best : randomColor(rng);
    const hsv = rgbToHsv(c);
    let d = known.length ? Number.POSITIVE_INFINITY : 0;
    for (const e of known) d = Math.min(d, hsvGap(hsv, e));
    if (d > bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

/** Gradients of the cell's row and column, row first. */
export function gradientsThrough(gradients: readonly Gradient[], [r, c]: Pos): Gradient[] {
  return gradients.filter(
    (g) => (g.type === "row" && g.index === r) || (g.type === "column" && g.index === c),
  );
}

export const sameColor = (a: RGB, b: RGB): boolean => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
