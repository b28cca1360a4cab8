/**
 * Card drawing shared by the card games: rank labels and suit pips as pixel rectangles (see
 * pixels.ts; no font here has the suit glyphs), card faces and backs.
 */
import { rect } from "../../../render/svg.js";
import { type Card, isRed, rankLabel, type Suit } from "./model.js";
import { GLYPH_HEIGHT, pixelPip, pixelText, pixelTextWidth, SMALL_PIP_WIDTH } from "./pixels.js";

export const RED = "#d40000";
export const BLACK = "#000000";

/** A suit pip centred on (cx, cy), `size` pixels square (red or black unless `fill` is given). */
export function suitPip(suit: Suit, cx: number, cy: number, size: number, fill?: string): string {
  return pixelPip(suit, cx, cy, size, fill ?? (isRed(suit) ? RED : BLACK));
}

const PIP = SMALL_PIP_WIDTH;
const GAP = 2;
const labelWidth = (card: Card): number => pixelTextWidth(rankLabel(card.rank)) + GAP + PIP;

/**
 * Rank and pip side by side ("10 ♥"), 9 pixels high, centred on (cx, cy); the result and its width.
 * (`size`, the cap height the stroke font used, is kept for callers; the pixel font is 9 high.)
 */
export function cardLabel(card: Card, cx: number, cy: number, _size: number): { svg: string; width: number } {
  const width = labelWidth(card);
  const left = Math.round(cx - width / 2);
  const top = Math.round(cy - GLYPH_HEIGHT / 2);
  const color = isRed(card.suit) ? RED : BLACK;
  const text = rankLabel(card.rank);
  const svg =
    pixelText(text, left, top, color) +
    pixelPip(card.suit, left + pixelTextWidth(text) + GAP + PIP / 2, top + GLYPH_HEIGHT / 2, PIP, color);
  return { svg, width };
}

/** Rank + pip with its left edge at x (a card's corner index). */
export function cornerLabel(card: Card, x: number, cy: number, size: number): string {
  return cardLabel(card, x + labelWidth(card) / 2, cy, size).svg;
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

/** How a tableau pile is laid out: cards overlap downwards, face-down ones closer together. */
export interface PileStyle {
  cardW: number;
  cardH: number;
  downStep: number;
  upStep: number;
  /** Lowest pixel row a card may reach: taller piles get a smaller face-up step. */
  bottom: number;
  /** Rank labels centred on the card (FreeCell) or in its top-left corner. */
  label: "center" | "corner";
  /** Label centre, pixels below the card's top edge. */
  labelY: number;
  /** Size of the large pip on the fully visible top card (none when 0). */
  bigPip: number;
}

/**
 * A pile of cards from its deepest card (drawn highest) to its top card; null is a face-down card.
 * A covered card is drawn only as its visible strip (plus the border the next card hides), which
 * gives the same pixels as drawing it whole and is much less to fill.
 */
export function drawPile(x: number, y: number, cards: ReadonlyArray<Card | null>, st: PileStyle): string {
  const down = cards.filter((c) => c === null).length;
  const up = cards.length - down;
  const room = st.bottom - y - st.cardH - down * st.downStep;
  const upStep =
    up > 1 ? Math.max(st.labelY + 6, Math.min(st.upStep, Math.floor(room / (up - 1)))) : st.upStep;
  let out = "";
  let top = y;
  cards.forEach((card, j) => {
    const last = j === cards.length - 1;
    const step = card === null ? st.downStep : upStep;
    const h = last ? st.cardH : step + 1;
    if (card === null) out += cardBack(x, top, st.cardW, h);
    else {
      out += rect(x, top, st.cardW, h, "#ffffff", "#000000", 1);
      out +=
        st.label === "center"
          ? cardLabel(card, x + st.cardW / 2, top + st.labelY, 9).svg
          : cornerLabel(card, x + 5, top + st.labelY, 9);
      if (last && st.bigPip > 0)
        out += suitPip(card.suit, x + st.cardW / 2, top + st.cardH / 2 + 8, st.bigPip);
    }
    top += step;
  });
  return out;
}
