/**
 * The original's matplotlib layout at its saved size (about 630 x 470): title, 4 free cells and 4
 * foundations in a row, cascades below with cards overlapping downwards and the rank + suit on the
 * visible strip of each card. We add pile numbers under the cascades, the free cell numbers and a
 * faint suit pip on each foundation slot, since the questions name them.
 */
import { svgText } from "../../render/font.js";
import { rect, svgDocument } from "../../render/svg.js";
import { cardFace, drawPile, type PileStyle, suitPip } from "./cards/draw.js";
import { isRed, SUITS } from "./cards/model.js";
import { boardOf, top } from "./logic.js";
import type { FreeCellState } from "./state.js";

export const WIDTH = 630;
export const HEIGHT = 470;
const LEFT = 24;
const STEP = 77;
const CARD_W = 63;
const CARD_H = 67;
const SLOT_Y = 60;
const PILE_Y = 134;
const OVERLAP = 15;
const LABEL = 9;
const BG = "#2f4f4f";
const PILE: PileStyle = {
  cardW: CARD_W,
  cardH: CARD_H,
  downStep: OVERLAP,
  upStep: OVERLAP,
  bottom: HEIGHT,
  label: "center",
  labelY: 8,
  bigPip: 0,
};
const SLOT = "#1c352d";

export function renderFreecell(s: FreeCellState): string {
  const b = boardOf(s);
  const parts: string[] = [svgText("FREECELL GAME STATE", WIDTH / 2, 19, { size: 12, color: "#ffffff" })];
  const face = (x: number, y: number, card: Parameters<typeof cardFace>[4]) =>
    cardFace(x, y, CARD_W, CARD_H, card, LABEL, 8);
  b.free.forEach((card, i) => {
    const x = LEFT + i * STEP;
    parts.push(rect(x, SLOT_Y, CARD_W, CARD_H, SLOT, "#000000", 1));
    if (card) parts.push(face(x, SLOT_Y, card));
    else parts.push(svgText(String(i), x + CARD_W / 2, SLOT_Y + CARD_H / 2, { size: 10, color: "#5f7f73" }));
  });
  SUITS.forEach((suit, i) => {
    const x = LEFT + (i + 4) * STEP;
    parts.push(rect(x, SLOT_Y, CARD_W, CARD_H, SLOT, "#000000", 1));
    const card = top(b.foundations[suit]);
    if (card) parts.push(face(x, SLOT_Y, card));
    else
      parts.push(suitPip(suit, x + CARD_W / 2, SLOT_Y + CARD_H / 2, 22, isRed(suit) ? "#5a3a30" : "#13251f"));
  });
  b.cascades.forEach((pile, i) => {
    const x = LEFT + i * STEP;
    parts.push(drawPile(x, PILE_Y, pile, PILE));
    const bottom = PILE_Y + Math.max(0, pile.length - 1) * OVERLAP + CARD_H;
    parts.push(svgText(String(i), x + CARD_W / 2, bottom + 14, { size: 10, color: "#ffffff" }));
  });
  return svgDocument(WIDTH, HEIGHT, parts.join(""), BG);
}
