/**
 * The original's PIL canvas (745 x 410): the stock at the top left as one card back per remaining deal
 * (at most 10, then "+n"), 8 foundation slots, and the waste piles centred below with face-down cards
 * 12 px apart and face-up cards 25 px apart (rank and suit in the visible strip, the top card in full).
 * We add the pile numbers above the piles.
 */
import { svgText } from "../../render/font.js";
import { rect, svgDocument } from "../../render/svg.js";
import { cardBack, drawPile, type PileStyle } from "../freecell/cards/draw.js";
import type { Card } from "../freecell/cards/model.js";
import { dealsLeft } from "./logic.js";
import type { SpiderCard, SpiderState } from "./state.js";

const CARD_W = 71;
const CARD_H = 96;
const X_STEP = 73;
const PILE_Y = 122;
const DOWN_STEP = 12;
const UP_STEP = 25;
const HEIGHT = 410;
const BG = "#077007";
const SLOT = "#066006";

const asCard = (c: SpiderCard): Card => ({ suit: "spades", rank: c.rank });

const PILE: PileStyle = {
  cardW: CARD_W,
  cardH: CARD_H,
  downStep: DOWN_STEP,
  upStep: UP_STEP,
  bottom: HEIGHT - 4,
  label: "corner",
  labelY: 11,
  bigPip: 32,
};

export function spiderWidth(s: SpiderState): number {
  return Math.max(745, s.waste.length * X_STEP);
}

export function renderSpider(s: SpiderState): string {
  const width = spiderWidth(s);
  const parts: string[] = [];
  const deals = dealsLeft(s);
  const shown = Math.min(deals, 10);
  for (let i = 0; i < shown; i++) parts.push(cardBack(2 + i * 20, 10, CARD_W, CARD_H));
  if (deals > shown)
    parts.push(
      svgText(`+${deals - shown}`, 2 + shown * 20 + 10, 10 + CARD_H / 2, {
        size: 12,
        color: "#ffffff",
        anchor: "start",
      }),
    );
  if (deals === 0)
    parts.push(svgText("EMPTY", 2 + CARD_W / 2, 10 + CARD_H / 2, { size: 10, color: "#ffffff" }));
  // Foundations stay empty in every state (moves to them are never recorded): slots only.
  for (let k = 0; k < 8; k++) parts.push(rect(width - 8 * 56 - 4 + k * 56, 10, 52, CARD_H, BG, SLOT, 2));
  const left = Math.floor((width - s.waste.length * X_STEP) / 2);
  s.waste.forEach((pile, k) => {
    const x = left + k * X_STEP;
    parts.push(svgText(String(k), x + CARD_W / 2, PILE_Y - 8, { size: 9, color: "#ffffff" }));
    parts.push(rect(x, PILE_Y, CARD_W, CARD_H, BG, SLOT, 2));
    parts.push(
      drawPile(
        x,
        PILE_Y,
        pile.map((c) => (c.faceUp ? asCard(c) : null)),
        PILE,
      ),
    );
  });
  return svgDocument(width, HEIGHT, parts.join(""), BG);
}
