/**
 * FreeCell question templates, ids 1-3 as in the original: the card at a depth of a cascade, the one
 * legal move among four, and the exposed card of a cascade after a move. All multiple choice with
 * 1-based option numbers (8, 4 and 8 options).
 */
import { lastMatch } from "../../parse.js";
import type { ConformResult, QuestionTemplate, Rng } from "../../types.js";
import { numberedOptions, optionNumberOf, pickOptions } from "./cards/choices.js";
import { type Card, parseRank, parseSuit, SUITS } from "./cards/model.js";
import {
  applyMove,
  type Board,
  boardOf,
  cardName,
  explainMove,
  isLegal,
  legalMoves,
  type Move,
  moveText,
  type Place,
  placeName,
  top,
} from "./logic.js";
import type { FreeCellState } from "./state.js";

function intro(b: Board): string {
  const n = b.cascades.length;
  return (
    `The image shows a game of FreeCell. The ${n} cascade piles fill the lower part, numbered 0 to ${n - 1} from left to right. ` +
    "Above them, the 4 free cells (FreeCell 0 to 3) are on the left and the 4 foundations on the right, one per suit: " +
    "Foundation Heart, Diamond, Club and Spade from left to right. In a cascade the cards overlap downwards: the lowest, " +
    'fully visible card is the exposed one, the "top" card of that pile.\n' +
    "Rules: only an exposed card (or a card in a free cell) moves, one at a time. A free cell holds one card. " +
    "A foundation starts with an Ace and is built up in the same suit (A, 2, ..., K). " +
    "A card goes onto a cascade if that pile is empty or its exposed card is one rank higher and of the other colour (red on black, black on red).\n" +
    "Cards are written (Suit, Rank).\n\n"
  );
}

const allCards = (b: Board): Card[] => b.cascades.flat();
const names = (cards: readonly (Card | undefined)[]): string[] =>
  cards.filter((c): c is Card => c !== undefined).map(cardName);

/* ------------------------------ 1: card at a depth ------------------------------ */

export function cardAtDepth(b: Board, pile: number, n: number): { card: Card; analysis: string } | undefined {
  const cards = b.cascades[pile] ?? [];
  const card = cards[cards.length - n];
  if (!card || n < 1) return undefined;
  const listed = [...cards]
    .reverse()
    .map((c, i) => `${i + 1}. ${cardName(c)}`)
    .join(", ");
  return {
    card,
    analysis: `Cascade pile ${pile} holds ${cards.length} cards. Counting from its exposed (top) card upwards: ${listed}. The card at position ${n} from the top is ${cardName(card)}.`,
  };
}

const specifiedCard: QuestionTemplate<FreeCellState> = {
  id: 1,
  name: "specified-card",
  description: "Identify the card at a given position (counted from the exposed card) of one cascade pile.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate: ({ state, rng }) => {
    const b = boardOf(state);
    const piles = b.cascades.flatMap((p, i) => (p.length > 0 ? [i] : []));
    if (piles.length === 0) return null;
    const pile = rng.pick(piles);
    const cards = b.cascades[pile] as Card[];
    const n = rng.int(1, cards.length);
    const found = cardAtDepth(b, pile, n) as { card: Card; analysis: string };
    const at = cards.length - n;
    // Neighbours in the same pile and cards at the same depth elsewhere are the likely misreadings.
    const preferred = names([
      cards[at - 1],
      cards[at + 1],
      cards[at - 2],
      cards[at + 2],
      ...b.cascades.map((p) => p[p.length - n]),
    ]);
    const { values, number } = pickOptions(rng, cardName(found.card), preferred, names(allCards(b)), 8);
    return {
      question: `${intro(b)}Question: What is the ${n}-th card from the top of cascade pile ${pile}?\n\n${numberedOptions(values)}`,
      answer: number,
      analysis: `${found.analysis} It is option ${number}.`,
      options: values,
    };
  },
  conform: ({ sample, state }) => {
    const m = lastMatch(sample.question, /(\d+)-th card from the top of cascade pile (\d+)/g);
    if (!m) return { skip: "no position in the question" };
    const found = cardAtDepth(boardOf(state), Number(m[2]), Number(m[1]));
    if (!found) return { skip: "position outside the pile" };
    return answerOption(sample.options, cardName(found.card));
  },
};

function answerOption(options: readonly unknown[] | undefined, value: string): ConformResult {
  const n = optionNumberOf(options, value);
  return n === undefined ? { skip: `${value} is not exactly one option` } : { answer: n, detail: value };
}

/* ------------------------------ 2: the legal move ------------------------------ */

const cardPattern = String.raw`\(\s*([A-Za-z]+)\s*,\s*(\w+)\s*\)`;
const placePattern = String.raw`(Cascade \d+|FreeCell \d+|Foundation [A-Za-z]+)`;

export function parsePlace(text: string): Place | undefined {
  const [kind, arg = ""] = text.trim().split(/\s+/);
  if (kind === "Cascade") return { kind: "cascade", index: Number(arg) };
  if (kind === "FreeCell") return { kind: "freecell", index: Number(arg) };
  const suit = parseSuit(arg);
  return kind === "Foundation" && suit ? { kind: "foundation", suit } : undefined;
}

function parseCardName(suitText: string, rankText: string): Card | undefined {
  const suit = parseSuit(suitText);
  const rank = parseRank(rankText);
  return suit && rank !== undefined ? { suit, rank } : undefined;
}

/** "Move (Heart,9) from Cascade 5 to Cascade 0" (ranks as numbers or letters). */
export function parseMove(text: string): Move | undefined {
  const m = new RegExp(`${cardPattern}\\s+from\\s+${placePattern}\\s+to\\s+${placePattern}`).exec(text);
  if (!m) return undefined;
  const card = parseCardName(m[1] as string, m[2] as string);
  const from = parsePlace(m[3] as string);
  const to = parsePlace(m[4] as string);
  return card && from && to ? { card, from, to } : undefined;
}

/** Illegal moves that look possible: wrong pile order, buried cards, non-Aces to foundations... */
function illegalMoves(b: Board, rng: Rng): Move[] {
  const out: Move[] = [];
  const cascades = b.cascades.map((_, index): Place => ({ kind: "cascade", index }));
  const places: Place[] = [
    ...cascades,
    ...b.free.map((_, index): Place => ({ kind: "freecell", index })),
    ...SUITS.map((suit): Place => ({ kind: "foundation", suit })),
  ];
  b.cascades.forEach((pile, index) => {
    const from: Place = { kind: "cascade", index };
    for (const card of pile.slice(-3)) {
      for (const to of rng.sample(places, Math.min(5, places.length))) out.push({ card, from, to });
    }
  });
  for (let i = 0; i < 12; i++) {
    const card = rng.pick(allCards(b));
    out.push({ card, from: rng.pick(places.filter((p) => p.kind !== "foundation")), to: rng.pick(places) });
  }
  // Lenient legality: an Ace to any empty foundation counts as legal, so it is never a distractor.
  return out.filter(
    (m) => !isLegal(b, m) && !(m.from.kind === m.to.kind && placeName(m.from) === placeName(m.to)),
  );
}

function moveAnalysis(b: Board, options: Move[], answer: number): string {
  const parts = options.map((m, i) => {
    const verdict = isLegal(b, m) ? "legal" : "illegal";
    return `Option ${i + 1}: ${moveText(m)}\n${explainMove(b, m)
      .map((l) => `- ${l}`)
      .join("\n")}\nSo this move is ${verdict}.`;
  });
  return `Checking each option against the board:\n\n${parts.join("\n\n")}\n\nOnly option ${answer} is a legal move.`;
}

const validMove: QuestionTemplate<FreeCellState> = {
  id: 2,
  name: "valid-move",
  description: "Pick the one move among four that the FreeCell rules allow on the current board.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate: ({ state, rng }) => {
    const b = boardOf(state);
    const legal = legalMoves(b);
    if (legal.length === 0) return null;
    // One kind of destination first, so that moves onto cascades and foundations are asked as often
    // as the ever-present moves into a free cell.
    const kinds = [...new Set(legal.map((m) => m.to.kind))];
    const kind = rng.pick(kinds);
    const correct = rng.pick(legal.filter((m) => m.to.kind === kind));
    const bad = [...new Map(illegalMoves(b, rng).map((m) => [moveText(m), m])).values()];
    if (bad.length < 3) return null;
    const { values, number } = pickOptions(rng, moveText(correct), [], bad.map(moveText), 4);
    const moves = values.map((v) => parseMove(v) as Move);
    return {
      question: `${intro(b)}Question: Which of the following moves is legal on the current board?\n\n${numberedOptions(values)}`,
      answer: number,
      analysis: moveAnalysis(b, moves, number),
      options: values,
    };
  },
  conform: ({ sample, state }) => {
    const b = boardOf(state);
    const moves = (sample.options ?? []).map((o) => parseMove(String(o)));
    if (moves.some((m) => m === undefined)) return { skip: "an option is not a move" };
    const legal = moves.flatMap((m, i) => (isLegal(b, m as Move) ? [i + 1] : []));
    if (legal.length !== 1) return { skip: `${legal.length} legal options (${legal.join(", ")})` };
    return { answer: legal[0] as number };
  },
};

/* ------------------------------ 3: exposed card after a move ------------------------------ */

export function cardAfterMove(b: Board, move: Move, pile: number): { card?: Card; analysis: string } {
  const before = b.cascades[pile] ?? [];
  const after = applyMove(b, move).cascades[pile] ?? [];
  const list = (cards: Card[]) => (cards.length ? cards.map(cardName).join(", ") : "(empty)");
  const card = top(after);
  return {
    ...(card ? { card } : {}),
    analysis:
      `Cascade pile ${pile} before the move, from its deepest card to its exposed card: ${list(before)}.\n` +
      `${moveText(move)} takes ${cardName(move.card)} off ${placeName(move.from)} and puts it on ${placeName(move.to)}.\n` +
      `Cascade pile ${pile} after the move: ${list(after)}.\n` +
      `Its exposed (top) card is now ${card ? cardName(card) : "none: the pile is empty"}.`,
  };
}

const afterPattern = new RegExp(
  `cascade pile (\\d+) after moving the card ${cardPattern} from ${placePattern} to ${placePattern}`,
  "g",
);

const cardAfter: QuestionTemplate<FreeCellState> = {
  id: 3,
  name: "card-after-move",
  description: "Predict the exposed card of a cascade pile after a given legal move.",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "option-index",
  generate: ({ state, rng }) => {
    const b = boardOf(state);
    // As the original: a move out of a cascade that leaves a card behind; the question is about that pile.
    const moves = legalMoves(b).filter(
      (m) => m.from.kind === "cascade" && (b.cascades[m.from.index]?.length ?? 0) >= 2,
    );
    if (moves.length === 0) return null;
    const move = rng.pick(moves);
    const pile = (move.from as { index: number }).index;
    const { card, analysis } = cardAfterMove(b, move, pile);
    if (!card) return null;
    const cards = b.cascades[pile] as Card[];
    const dest = move.to.kind === "cascade" ? top(b.cascades[move.to.index] ?? []) : undefined;
    const preferred = names([move.card, cards[cards.length - 3], dest, ...b.cascades.map((p) => top(p))]);
    const { values, number } = pickOptions(rng, cardName(card), preferred, names(allCards(b)), 8);
    return {
      question:
        `${intro(b)}Question: Which card is the top card of cascade pile ${pile} after moving the card ${cardName(move.card)} ` +
        `from ${placeName(move.from)} to ${placeName(move.to)}?\n\n${numberedOptions(values)}`,
      answer: number,
      analysis: `${analysis} It is option ${number}.`,
      options: values,
    };
  },
  conform: ({ sample, state }) => {
    const m = lastMatch(sample.question, afterPattern);
    const card = m && parseCardName(m[2] as string, m[3] as string);
    const from = m && parsePlace(m[4] as string);
    const to = m && parsePlace(m[5] as string);
    if (!m || !card || !from || !to) return { skip: "no move in the question" };
    const found = cardAfterMove(boardOf(state), { card, from, to }, Number(m[1])).card;
    if (!found) return { skip: "the pile is empty after the move" };
    return answerOption(sample.options, cardName(found));
  },
};

export const freecellTasks: QuestionTemplate<FreeCellState>[] = [specifiedCard, validMove, cardAfter];
