/**
 * Card ranks and suit pips drawn as whole-pixel rectangles. The rasteriser fills crisp rectangles
 * directly, while every other element (stroke-font text, polygons) is rendered once per distinct
 * element string and position; card games put the same label at hundreds of positions, so pixel
 * rectangles keep boards fast at any position (and pixel-identical to resvg).
 */
import { rect } from "../../../render/svg.js";
import type { Suit } from "./model.js";

/** Rank glyphs on a grid 9 pixels high with 2-pixel strokes ("#" = ink). */
const GLYPHS: Record<string, string[]> = {
  A: ["..##..", ".####.", "##..##", "##..##", "##..##", "######", "##..##", "##..##", "##..##"],
  "0": [".####.", "##..##", "##..##", "##..##", "##..##", "##..##", "##..##", "##..##", ".####."],
  "1": ["..##", ".###", "####", "..##", "..##", "..##", "..##", "..##", "..##"],
  "2": [".####.", "##..##", "....##", "...##.", "..##..", ".##...", "##....", "##....", "######"],
  "3": ["#####.", "....##", "....##", "..###.", "....##", "....##", "....##", "##..##", ".####."],
  "4": ["...##.", "..###.", ".####.", "##.##.", "##.##.", "######", "...##.", "...##.", "...##."],
  "5": ["######", "##....", "##....", "#####.", "....##", "....##", "....##", "##..##", ".####."],
  "6": [".####.", "##....", "##....", "#####.", "##..##", "##..##", "##..##", "##..##", ".####."],
  "7": ["######", "....##", "...##.", "...##.", "..##..", "..##..", ".##...", ".##...", ".##..."],
  "8": [".####.", "##..##", "##..##", ".####.", "##..##", "##..##", "##..##", "##..##", ".####."],
  "9": [".####.", "##..##", "##..##", "##..##", ".#####", "....##", "....##", "....##", ".####."],
  J: ["..####", "....##", "....##", "....##", "....##", "....##", "##..##", "##..##", ".####."],
  Q: [".####.", "##..##", "##..##", "##..##", "##..##", "##.###", "##.###", ".####.", "....##"],
  K: ["##..##", "##.##.", "####..", "###...", "####..", "##.##.", "##..##", "##..##", "##..##"],
};
export const GLYPH_HEIGHT = 9;

type Span = [x: number, y: number, w: number, h: number];

/**
 * A bitmap as rectangles: horizontal ink runs, each merged with the same run on the rows below
 * (few rectangles keep documents small).
 */
function spansOf(rows: readonly string[]): Span[] {
  const out: Span[] = [];
  let open = new Map<string, Span>();
  rows.forEach((row, y) => {
    const next = new Map<string, Span>();
    for (let x = 0; x < row.length; ) {
      if (row[x] !== "#") {
        x++;
        continue;
      }
      const start = x;
      while (row[x] === "#") x++;
      const key = `${start}:${x - start}`;
      const prev = open.get(key);
      if (prev) {
        prev[3]++;
        next.set(key, prev);
      } else {
        const span: Span = [start, y, x - start, 1];
        out.push(span);
        next.set(key, span);
      }
    }
    open = next;
  });
  return out;
}

const glyphSpans = new Map<string, Span[]>();
const glyphWidth = (ch: string): number => GLYPHS[ch]?.[0]?.length ?? 0;

/** Width in pixels of a rank label ("10", "Q"), one pixel between glyphs. */
export function pixelTextWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += glyphWidth(ch) + 1;
  return Math.max(0, w - 1);
}

/** `text` with its top-left corner at whole pixel (x, y). */
export function pixelText(text: string, x: number, y: number, color: string): string {
  let out = "";
  let ox = x;
  for (const ch of text) {
    let spans = glyphSpans.get(ch);
    if (!spans) {
      spans = spansOf(GLYPHS[ch] ?? []);
      glyphSpans.set(ch, spans);
    }
    for (const [sx, sy, w, h] of spans) out += rect(ox + sx, y + sy, w, h, color);
    ox += glyphWidth(ch) + 1;
  }
  return out;
}

/* ------------------------------ pips ------------------------------ */

type Inside = (x: number, y: number) => boolean;
const inDisc =
  (cx: number, cy: number, r: number): Inside =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
function inTriangle(a: [number, number], b: [number, number], c: [number, number]): Inside {
  const side = (p: [number, number], q: [number, number], x: number, y: number) =>
    (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  return (x, y) => {
    const d1 = side(a, b, x, y);
    const d2 = side(b, c, x, y);
    const d3 = side(c, a, x, y);
    return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
  };
}
const union =
  (...parts: Inside[]): Inside =>
  (x, y) =>
    parts.some((p) => p(x, y));

/** The pip outline around (0, 0) with half-size s (the shapes of the card pips). */
function pipShape(suit: Suit, s: number): Inside {
  const stem = inTriangle([0, 0.1 * s], [0.32 * s, s], [-0.32 * s, s]);
  switch (suit) {
    case "diamonds":
      return (x, y) => Math.abs(x) / (0.72 * s) + Math.abs(y) / s <= 1;
    case "hearts":
      return union(
        inDisc(-0.47 * s, -0.42 * s, 0.5 * s),
        inDisc(0.47 * s, -0.42 * s, 0.5 * s),
        inTriangle([-0.95 * s, -0.25 * s], [0.95 * s, -0.25 * s], [0, s]),
      );
    case "spades":
      return union(
        inDisc(-0.45 * s, 0.18 * s, 0.46 * s),
        inDisc(0.45 * s, 0.18 * s, 0.46 * s),
        inTriangle([0, -s], [0.9 * s, 0.08 * s], [-0.9 * s, 0.08 * s]),
        stem,
      );
    case "clubs":
      return union(
        inDisc(0, -0.52 * s, 0.42 * s),
        inDisc(-0.5 * s, 0.08 * s, 0.42 * s),
        inDisc(0.5 * s, 0.08 * s, 0.42 * s),
        stem,
      );
  }
}

/** Hand-drawn pips for rank labels: at 10 pixels the drawn shapes of clubs and spades blur together. */
const SMALL_PIPS: Record<Suit, string[]> = {
  spades: [
    ".....#.....",
    "....###....",
    "...#####...",
    "..#######..",
    ".#########.",
    "###########",
    "###########",
    ".###.#.###.",
    ".....#.....",
    "....###....",
  ],
  clubs: [
    "....###....",
    "...#####...",
    "...#####...",
    ".##.###.##.",
    "###########",
    "###########",
    ".##..#..##.",
    ".....#.....",
    "....###....",
    "...#####...",
  ],
  hearts: [
    ".###...###.",
    "#####.#####",
    "###########",
    "###########",
    ".#########.",
    "..#######..",
    "...#####...",
    "....###....",
    ".....#.....",
    "...........",
  ],
  diamonds: [
    ".....#.....",
    "....###....",
    "...#####...",
    "..#######..",
    ".#########.",
    "..#######..",
    "...#####...",
    "....###....",
    ".....#.....",
    "...........",
  ],
};
export const SMALL_PIP_WIDTH = 11;
const SMALL_PIP_HEIGHT = 10;

const pipSpans = new Map<string, Span[]>();

/** Pixel runs of a pip `size` pixels tall, relative to its top-left pixel. */
function pipRuns(suit: Suit, size: number): Span[] {
  const key = `${suit}${size}`;
  let spans = pipSpans.get(key);
  if (!spans && size <= 12) {
    spans = spansOf(SMALL_PIPS[suit]);
    pipSpans.set(key, spans);
  }
  if (!spans) {
    const s = size / 2;
    const inside = pipShape(suit, s);
    const rows: string[] = [];
    for (let y = 0; y < size; y++) {
      let row = "";
      for (let x = 0; x < size; x++) row += inside(x + 0.5 - s, y + 0.5 - s) ? "#" : ".";
      rows.push(row);
    }
    spans = spansOf(rows);
    pipSpans.set(key, spans);
  }
  return spans;
}

/** A pip `size` pixels square centred on (cx, cy), snapped to whole pixels. */
export function pixelPip(suit: Suit, cx: number, cy: number, size: number, color: string): string {
  const n = Math.max(3, Math.round(size));
  const small = n <= 12;
  const x0 = Math.round(cx - (small ? SMALL_PIP_WIDTH : n) / 2);
  const y0 = Math.round(cy - (small ? SMALL_PIP_HEIGHT : n) / 2);
  let out = "";
  for (const [x, y, w, h] of pipRuns(suit, n)) out += rect(x0 + x, y0 + y, w, h, color);
  return out;
}
