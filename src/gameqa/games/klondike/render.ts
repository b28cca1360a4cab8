/**
 * The original's screen, scaled to its saved 640 x 480: stock, waste and four foundations on top, the
 * seven tableau piles below (face-down cards as backs, face-up cards overlapping with their rank and
 * suit in the top-left corner, the top card fully visible with a large suit pip). Labels name the
 * piles as the questions do.
 */
import { svgText } from "../../render/font.js";
import { rect, svgDocument } from "../../render/svg.js";
import { cardBack, drawPile, type PileStyle } from "../freecell/cards/draw.js";
import { boardOf, type Slot } from "./logic.js";
import type { KlondikeState } from "./state.js";

export const WIDTH = 640;
export const HEIGHT = 480;
const CARD_W = 66;
const CARD_H = 92;
const STEP = 86;
const LEFT = 24;
const TOP = 22;
const TAB_Y = 146;
const DOWN_STEP = 8;
const UP_STEP = 20;
const BG = "#2d6b4a";
const LABEL = "#d8e8dc";

const PILE: PileStyle = {
  cardW: CARD_W,
  cardH: CARD_H,
  downStep: DOWN_STEP,
  upStep: UP_STEP,
  bottom: HEIGHT - 6,
  label: "corner",
  labelY: 10,
  bigPip: 30,
};

const slot = (x: number, y: number): string => rect(x, y, CARD_W, CARD_H, "#26593d", "#173d29", 2);

function drawSlot(x: number, y: number, card: Slot | undefined): string {
  if (card === undefined) return slot(x, y);
  return drawPile(x, y, [card], PILE);
}

export function renderKlondike(s: KlondikeState): string {
  const b = boardOf(s);
  const parts: string[] = [];
  const label = (text: string, x: number, y: number) => svgText(text, x, y, { size: 8, color: LABEL });
  parts.push(label("STOCK", LEFT + CARD_W / 2, 11), label("WASTE", LEFT + STEP + CARD_W / 2, 11));
  parts.push(b.drawCount > 0 ? cardBack(LEFT, TOP, CARD_W, CARD_H) : slot(LEFT, TOP));
  parts.push(drawSlot(LEFT + STEP, TOP, b.waste[b.waste.length - 1]));
  b.foundations.forEach((pile, i) => {
    const x = LEFT + (i + 3) * STEP;
    parts.push(
      svgText(`FOUNDATION ${i + 1}`, x + CARD_W / 2, 11, { size: 6, color: LABEL, weight: 1.2 }),
      drawSlot(x, TOP, pile[pile.length - 1]),
    );
  });
  b.tableau.forEach((pile, i) => {
    const x = LEFT + i * STEP;
    parts.push(label(`TAB${i + 1}`, x + CARD_W / 2, TAB_Y - 12));
    if (pile.length === 0) {
      parts.push(slot(x, TAB_Y));
      return;
    }
    parts.push(drawPile(x, TAB_Y, pile, PILE));
  });
  return svgDocument(WIDTH, HEIGHT, parts.join(""), BG);
}
