/**
 * Card drawing shared by the card games: suit pips built from circles and polygons (no font has the
 * suit glyphs here), rank labels in the stroke font, card faces and backs.
 */
import { svgText, textWidth } from "../../../render/font.js";
import { rect } from "../../../render/svg.js";
import { type Card, isRed, rankLabel, type Suit } from "./model.js";

export const RED = "#d40000";
export const BLACK = "#000000";

type Pt = [number, number];
const n2 = (v: number): string => String(Math.round(v * 100) / 100);

/**
 * One closed sub-path, always wound the same way (positive area in y-down coordinates), so that the
 * sub-paths of a pip overlap as a union under the nonzero fill rule.
 */
function subPath(points: Pt[]): string {
  let area = 0;
  points.forEach(([x, y], i) => {
    const [nx, ny] = points[(i + 1) % points.length] as Pt;
    area += x * ny - nx * y;
  });
  const pts = area < 0 ? [...points].reverse() : points;
  return `M${pts.map(([x, y]) => `${n2(x)} ${n2(y)}`).join("L")}Z`;
}

/** A disc as a 20-gon (the rasteriser's fast path takes straight segments only). */
const disc = (x: number, y: number, r: number): string =>
  subPath(
    Array.from(
      { length: 20 },
      (_, i): Pt => [x + r * Math.cos((i * Math.PI) / 10), y + r * Math.sin((i * Math.PI) / 10)],
    ),
  );

/**
 * A suit pip centred on (cx, cy) fitting a `size` x `size` box (red or black unless `fill` is
 * given), as ONE filled path: the rasteriser renders each distinct element once, so fewer elements
 * per card means faster boards.
 */
export function suitPip(suit: Suit, cx: number, cy: number, size: number, fill?: string): string {
  return memo(`${suit}|${cx}|${cy}|${size}|${fill}`, () => buildPip(suit, cx, cy, size, fill));
}

/**
 * Boards repeat the same card at the same place a lot; building its SVG once per process saves most
 * of the document-building time (bounded: cleared when it grows large).
 */
const built = new Map<string, string>();
function memo(key: string, make: () => string): string {
  let v = built.get(key);
  if (v === undefined) {
    if (built.size > 50_000) built.clear();
    v = make();
    built.set(key, v);
  }
  return v;
}

function buildPip(suit: Suit, cx: number, cy: number, size: number, fill?: string): string {
  const s = size / 2;
  const color = fill ?? (isRed(suit) ? RED : BLACK);
  const stem = subPath([
    [cx, cy + s * 0.1],
    [cx + s * 0.32, cy + s],
    [cx - s * 0.32, cy + s],
  ]);
  let d: string;
  switch (suit) {
    case "diamonds":
      d = subPath([
        [cx, cy - s],
        [cx + s * 0.72, cy],
        [cx, cy + s],
        [cx - s * 0.72, cy],
      ]);
      break;
    case "hearts":
      d =
        disc(cx - s * 0.47, cy - s * 0.42, s * 0.5) +
        disc(cx + s * 0.47, cy - s * 0.42, s * 0.5) +
        subPath([
          [cx - s * 0.95, cy - s * 0.25],
          [cx + s * 0.95, cy - s * 0.25],
          [cx, cy + s],
        ]);
      break;
    case "spades":
      d =
        disc(cx - s * 0.45, cy + s * 0.18, s * 0.46) +
        disc(cx + s * 0.45, cy + s * 0.18, s * 0.46) +
        subPath([
          [cx, cy - s],
          [cx + s * 0.9, cy + s * 0.08],
          [cx - s * 0.9, cy + s * 0.08],
        ]) +
        stem;
      break;
    case "clubs":
      d =
        disc(cx, cy - s * 0.52, s * 0.42) +
        disc(cx - s * 0.5, cy + s * 0.08, s * 0.42) +
        disc(cx + s * 0.5, cy + s * 0.08, s * 0.42) +
        stem;
      break;
  }
  return `<path d="${d}" fill="${color}" shape-rendering="geometricPrecision"/>`;
}

/**
 * Rank and pip side by side ("10 ♥"), centred on (cx, cy); `size` is the cap height of the rank.
 * Returns the SVG and the label's total width.
 */
export function cardLabel(card: Card, cx: number, cy: number, size: number): { svg: string; width: number } {
  const width = textWidth(rankLabel(card.rank), size) + size * 1.5;
  const svg = memo(`${card.suit}${card.rank}|${cx}|${cy}|${size}`, () => buildLabel(card, cx, cy, size));
  return { svg, width };
}

function buildLabel(card: Card, cx: number, cy: number, size: number): string {
  const text = rankLabel(card.rank);
  const tw = textWidth(text, size);
  const gap = size * 0.35;
  const pip = size * 1.15;
  const width = tw + gap + pip;
  // Whole-pixel positions: the rasteriser reuses the sprite of an element shifted by whole pixels.
  const left = Math.round(cx - width / 2);
  const y = Math.round(cy);
  const color = isRed(card.suit) ? RED : BLACK;
  const svg =
    svgText(text, left, y, { size, color, anchor: "start", weight: Math.max(1.3, size / 5.5) }) +
    suitPip(card.suit, Math.round(left + tw + gap + pip / 2), y, pip);
  return svg;
}

/** Rank + pip with its left edge at x (a card's corner index). */
export function cornerLabel(card: Card, x: number, cy: number, size: number): string {
  const width = textWidth(rankLabel(card.rank), size) + size * 1.5;
  return cardLabel(card, x + width / 2, cy, size).svg;
}

/** A white card with a thin border and its rank + pip label centred `labelY` pixels below its top. */
export function cardFace(
  x: number,
  y: number,
  w: number,
  h: number,
  card: Card,
  labelSize: number,
  labelY: number,
): string {
  return rect(x, y, w, h, "#ffffff", "#000000", 1) + cardLabel(card, x + w / 2, y + labelY, labelSize).svg;
}

/** A face-down card: blue back with a lighter inner frame. */
export function cardBack(x: number, y: number, w: number, h: number): string {
  const m = Math.max(2, Math.round(w * 0.08));
  return rect(x, y, w, h, "#1f4e9c", "#000000", 1) + rect(x + m, y + m, w - 2 * m, h - 2 * m, "#3a6fc4");
}
