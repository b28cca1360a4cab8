/**
 * A small built-in stroke font, so board labels never depend on the fonts installed on the
 * machine (resvg has no font fallback; a missing font would silently drop the text, and different
 * fonts would change the PNG bytes between machines).
 *
 * Glyphs live on a 4 x 6 grid (x right, y down, baseline at y = 6); each glyph is a list of
 * polylines "x,y x,y ...". Lowercase letters are drawn as capitals.
 */
const GLYPHS: Record<string, string[]> = {
  "0": ["1,0 3,0 4,1 4,5 3,6 1,6 0,5 0,1 1,0", "0.6,5.2 3.4,0.8"],
  "1": ["1,1 2,0 2,6", "1,6 3,6"],
  "2": ["0,1 1,0 3,0 4,1 4,2 0,6 4,6"],
  "3": ["0,0 4,0 2,2.5 3,2.5 4,3.5 4,5 3,6 1,6 0,5"],
  "4": ["3,6 3,0 0,4 4,4"],
  "5": ["4,0 0,0 0,2.5 3,2.5 4,3.5 4,5 3,6 0,6"],
  "6": ["3,0 1,0 0,1 0,5 1,6 3,6 4,5 4,3.5 3,2.5 0,2.5"],
  "7": ["0,0 4,0 1.5,6"],
  "8": ["1,0 3,0 4,1 4,2 3,3 1,3 0,4 0,5 1,6 3,6 4,5 4,4 3,3", "1,3 0,2 0,1 1,0"],
  "9": ["4,3.5 1,3.5 0,2.5 0,1 1,0 3,0 4,1 4,5 3,6 1,6"],
  A: ["0,6 0,2 2,0 4,2 4,6", "0,3.5 4,3.5"],
  B: ["0,0 0,6 3,6 4,5 4,4 3,3 0,3", "0,0 3,0 4,1 4,2 3,3"],
  C: ["4,1 3,0 1,0 0,1 0,5 1,6 3,6 4,5"],
  D: ["0,0 0,6 2.5,6 4,4.5 4,1.5 2.5,0 0,0"],
  E: ["4,0 0,0 0,6 4,6", "0,3 3,3"],
  F: ["4,0 0,0 0,6", "0,3 3,3"],
  G: ["4,1 3,0 1,0 0,1 0,5 1,6 3,6 4,5 4,3.5 2,3.5"],
  H: ["0,0 0,6", "4,0 4,6", "0,3 4,3"],
  I: ["1,0 3,0", "2,0 2,6", "1,6 3,6"],
  J: ["4,0 4,5 3,6 1,6 0,5"],
  K: ["0,0 0,6", "4,0 0,3.5", "1.3,2.7 4,6"],
  L: ["0,0 0,6 4,6"],
  M: ["0,6 0,0 2,3 4,0 4,6"],
  N: ["0,6 0,0 4,6 4,0"],
  O: ["1,0 3,0 4,1 4,5 3,6 1,6 0,5 0,1 1,0"],
  P: ["0,6 0,0 3,0 4,1 4,2 3,3 0,3"],
  Q: ["1,0 3,0 4,1 4,5 3,6 1,6 0,5 0,1 1,0", "2.5,4.5 4,6"],
  R: ["0,6 0,0 3,0 4,1 4,2 3,3 0,3", "2,3 4,6"],
  S: ["4,1 3,0 1,0 0,1 0,2 1,3 3,3 4,4 4,5 3,6 1,6 0,5"],
  T: ["0,0 4,0", "2,0 2,6"],
  U: ["0,0 0,5 1,6 3,6 4,5 4,0"],
  V: ["0,0 2,6 4,0"],
  W: ["0,0 1,6 2,3 3,6 4,0"],
  X: ["0,0 4,6", "4,0 0,6"],
  Y: ["0,0 2,3 4,0", "2,3 2,6"],
  Z: ["0,0 4,0 0,6 4,6"],
  "(": ["2.5,0 1.5,1 1.5,5 2.5,6"],
  ")": ["1.5,0 2.5,1 2.5,5 1.5,6"],
  ",": ["2,5.4 2,6 1.4,7"],
  ".": ["2,5.7 2,6"],
  ":": ["2,1.7 2,2", "2,5.7 2,6"],
  "-": ["1,3 3,3"],
  "+": ["0,3 4,3", "2,1 2,5"],
  "=": ["0.5,2 3.5,2", "0.5,4 3.5,4"],
  "/": ["0,6 4,0"],
  "?": ["0,1 1,0 3,0 4,1 4,2 2,3.5 2,4.5", "2,5.7 2,6"],
  "#": ["1,0 1,6", "3,0 3,6", "0,2 4,2", "0,4 4,4"],
  "*": ["2,1 2,5", "0.5,2 3.5,4", "3.5,2 0.5,4"],
};

/** Glyph polylines parsed once into flat [x0, y0, x1, y1, ...] arrays. */
const PARSED = new Map<string, number[][] | null>();
function parsedGlyph(ch: string): number[][] | null {
  let g = PARSED.get(ch);
  if (g === undefined) {
    const src = GLYPHS[ch] ?? GLYPHS[ch.toUpperCase()];
    g = src ? src.map((line) => line.split(/[ ,]/).map(Number)) : null;
    PARSED.set(ch, g);
  }
  return g;
}

/** Horizontal advance per character, in grid units (glyph width 4 + spacing 2). */
const ADVANCE = 6;
const round = (v: number): number => Math.round(v * 100) / 100;

export interface TextOptions {
  /** Cap height in pixels. */
  size: number;
  color?: string;
  /** Stroke width in pixels; defaults to size / 7. */
  weight?: number;
  /** Horizontal anchor of (x, y); vertical is always the middle of the capitals. */
  anchor?: "start" | "middle" | "end";
}

/** Width in pixels of `text` at `size` (cap height). */
export function textWidth(text: string, size: number): number {
  const unit = size / 6;
  return text.length === 0 ? 0 : (text.length * ADVANCE - 2) * unit;
}

/**
 * An SVG <path> drawing `text` centred vertically on y. Unknown characters are drawn as blanks
 * (we prefer a gap to an exception in a renderer; tests check the labels we use).
 */
export function svgText(text: string, x: number, y: number, opts: TextOptions): string {
  // Boards repeat their labels (axis numbers, pile names) at the same places: build each once.
  const key = `${text}|${x}|${y}|${opts.size}|${opts.color}|${opts.weight}|${opts.anchor}`;
  let path = drawn.get(key);
  if (path === undefined) {
    if (drawn.size >= MAX_DRAWN) drawn.clear();
    path = textPath(text, x, y, opts);
    drawn.set(key, path);
  }
  return path;
}

/** svgText's results by arguments (bounded: cleared when full). */
const drawn = new Map<string, string>();
const MAX_DRAWN = 8192;

function textPath(text: string, x: number, y: number, opts: TextOptions): string {
  const unit = opts.size / 6;
  const width = textWidth(text, opts.size);
  const anchor = opts.anchor ?? "middle";
  const left = anchor === "start" ? x : anchor === "end" ? x - width : x - width / 2;
  const top = y - opts.size / 2;
  const parts: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const glyph = parsedGlyph(ch);
    if (!glyph) continue;
    const ox = left + i * ADVANCE * unit;
    for (const poly of glyph) {
      let d = "M";
      for (let k = 0; k < poly.length; k += 2) {
        d += `${k ? "L" : ""}${round(ox + (poly[k] as number) * unit)} ${round(top + (poly[k + 1] as number) * unit)}`;
      }
      parts.push(d);
    }
  }
  if (parts.length === 0) return "";
  const weight = round(opts.weight ?? Math.max(1, opts.size / 7));
  return `<path d="${parts.join("")}" fill="none" stroke="${opts.color ?? "#000"}" stroke-width="${weight}" stroke-linecap="round" stroke-linejoin="round" shape-rendering="geometricPrecision"/>`;
}

/** True when every character of `text` has a glyph (spaces count as drawable). */
export function canDraw(text: string): boolean {
  return [...text].every(
    (ch) => ch === " " || GLYPHS[ch] !== undefined || GLYPHS[ch.toUpperCase()] !== undefined,
  );
}
