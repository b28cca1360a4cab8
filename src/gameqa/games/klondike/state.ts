/**
 * Klondike state with the published keys: `draw` (stock), `dump` (waste), `piles` (4 foundations) and
 * `tableau` (7 piles), each listed bottom card first. A face-up card is written "heart 13" (suit, then
 * rank 1..13); a face-down card is the original's sprite placeholder, whose identity nobody sees.
 */
import { UserError } from "../../../util/errors.js";
import { expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { type Card, parseRank, parseSuit, SUITS, type Suit } from "../freecell/cards/model.js";

export interface KlondikeState {
  draw: string[];
  dump: string[];
  piles: string[][];
  tableau: string[][];
}

export const FACE_DOWN = "<Card Sprite(in 1 groups)>";
const SUIT_WORD: Record<Suit, string> = {
  hearts: "heart",
  diamonds: "diamond",
  clubs: "club",
  spades: "spade",
};

export const cardWord = (c: Card): string => `${SUIT_WORD[c.suit]} ${c.rank}`;

/** A face-up card, null for a face-down one, undefined when the text is neither. */
export function parseSlot(text: string): Card | null | undefined {
  if (text.startsWith("<Card")) return null;
  const m = /^\s*([a-z]+)\s+(\d{1,2})\s*$/i.exec(text);
  const suit = m ? parseSuit(m[1] as string) : undefined;
  const rank = m ? parseRank(m[2] as string) : undefined;
  return suit && rank !== undefined ? { suit, rank } : undefined;
}

/** Visible cards as the original counts them for the plot level: face-up tableau cards, foundations in use, the waste. */
export function visibleCount(s: KlondikeState): number {
  const up = s.tableau.flat().filter((t) => !t.startsWith("<Card")).length;
  return up + s.piles.filter((p) => p.length > 0).length + (s.dump.length > 0 ? 1 : 0);
}

export function levelOf(s: KlondikeState): Level {
  return levelFor(visibleCount(s));
}

const levelFor = (n: number): Level => (n <= 19 ? "Easy" : n <= 23 ? "Medium" : "Hard");

/** A card as a number while a start is drawn: suit index (SUITS order) · 13 + rank − 1. */
const suitOf = (id: number): number => Math.floor(id / 13);
const rankOf = (id: number): number => (id % 13) + 1;
/** hearts and diamonds (SUITS[0], SUITS[1]) are red. */
const redOf = (id: number): boolean => id < 26;
const wordOf = (id: number): string => cardWord({ suit: SUITS[suitOf(id)] as Suit, rank: rankOf(id) });
/** fullDeck()'s order: suit by suit, Ace to King. */
const DECK_IDS: readonly number[] = Array.from({ length: 52 }, (_, i) => i);

/** A drawn start before its cards are written out: card ids, -1 for a face-down card. */
interface Start {
  piles: number[][];
  tableau: number[][];
  dump: number[];
  draw: number;
}

/**
 * The original's "random start": 0-2 foundations holding Ace..(1-5) of a suit, then per tableau pile
 * 0-4 face-down cards and a face-up run (start rank Ace..Queen, then one lower in the other colour,
 * stopping at 20% per card or when no such card is left); the rest is the stock, 0-3 of it turned
 * onto the waste. Drawn on card ids (the same random draws as on card objects: every draw depends
 * only on the lists' lengths and order), since most starts are turned down for their level.
 */
function randomStart(rng: Rng): Start {
  const deck = rng.shuffle(DECK_IDS);
  // In place: most starts are turned down, and copying the deck per card was most of their garbage.
  const take = (id: number): void => {
    deck.splice(deck.indexOf(id), 1);
  };
  const piles: number[][] = [[], [], [], []];
  const used: Suit[] = [];
  const completed = rng.int(0, 2);
  for (let i = 0; i < completed; i++) {
    const suit = rng.pick(SUITS.filter((s) => !used.includes(s)));
    used.push(suit);
    const highest = rng.int(1, 5);
    const base = SUITS.indexOf(suit) * 13;
    for (let rank = 1; rank <= highest; rank++) {
      piles[i]?.push(base + rank - 1);
      take(base + rank - 1);
    }
  }
  const tableau: number[][] = [];
  for (let t = 0; t < 7; t++) {
    const pile: number[] = [];
    for (const c of rng.sample(deck, Math.min(rng.int(0, 4), deck.length))) {
      pile.push(-1);
      take(c);
    }
    const starts = deck.filter((c) => rankOf(c) <= 12);
    if (starts.length > 0) {
      const startRank = rng.pick([...new Set(starts.map(rankOf))]);
      let card = rng.pick(starts.filter((c) => rankOf(c) === startRank));
      pile.push(card);
      take(card);
      while (rankOf(card) > 1) {
        const prev = card;
        const next = deck.filter((c) => rankOf(c) === rankOf(prev) - 1 && redOf(c) !== redOf(prev));
        if (next.length === 0) break;
        card = rng.pick(next);
        pile.push(card);
        take(card);
        if (rng.chance(0.2)) break;
      }
    }
    tableau.push(pile);
  }
  const turned = rng.int(0, Math.min(3, deck.length));
  return { piles, tableau, dump: deck.slice(0, turned), draw: deck.length - turned };
}

/** visibleCount of a start not yet written out. */
function startVisible(s: Start): number {
  let up = 0;
  for (const pile of s.tableau) for (const c of pile) if (c >= 0) up++;
  return up + s.piles.filter((p) => p.length > 0).length + (s.dump.length > 0 ? 1 : 0);
}

function writeStart(s: Start): KlondikeState {
  return {
    draw: new Array<string>(s.draw).fill(FACE_DOWN),
    dump: s.dump.map(wordOf),
    piles: s.piles.map((p) => p.map(wordOf)),
    tableau: s.tableau.map((p) => p.map((c) => (c < 0 ? FACE_DOWN : wordOf(c)))),
  };
}

/** A fresh deal: pile i holds i+1 cards, only the last face up; the rest is the stock. */
function freshDeal(rng: Rng): KlondikeState {
  const deck = rng.shuffle(DECK_IDS);
  // Only the seven face-up cards are ever seen; the hidden ones need no identity.
  const tableau = Array.from({ length: 7 }, (_, i) => [
    ...new Array<string>(i).fill(FACE_DOWN),
    wordOf(deck[i] as number),
  ]);
  return { draw: new Array<string>(24).fill(FACE_DOWN), dump: [], piles: [[], [], [], []], tableau };
}

/**
 * The original draws a state and derives its plot level from the visible-card count; we draw until the
 * count falls in the asked level (fresh deals, 7 visible cards, only for Easy; bounded).
 */
export function generateState(rng: Rng, plotLevel: Level): KlondikeState {
  let last: KlondikeState | Start = freshDeal(rng);
  for (let attempt = 0; attempt < 200; attempt++) {
    if (plotLevel === "Easy" && rng.chance(0.25)) {
      last = freshDeal(rng);
      if (levelOf(last) === plotLevel) return last;
      continue;
    }
    const s = randomStart(rng);
    if (levelFor(startVisible(s)) === plotLevel) return writeStart(s);
    last = s;
  }
  return typeof last.draw === "number" ? writeStart(last as Start) : (last as KlondikeState);
}

function slots(v: unknown, where: string, field: string): string[] {
  if (!Array.isArray(v)) throw new UserError(`${where}: field "${field}" must be a list of cards`);
  return v.map((t, i) => {
    if (typeof t !== "string" || parseSlot(t) === undefined)
      throw new UserError(
        `${where}: field "${field}[${i}]" = ${JSON.stringify(t)} is not a card such as "heart 13"`,
      );
    return t;
  });
}

export function parseState(json: unknown, where: string): KlondikeState {
  const o = expectObject(json, where);
  const lists = (field: string, n: number): string[][] => {
    const v = o[field];
    if (!Array.isArray(v) || v.length !== n)
      throw new UserError(`${where}: field "${field}" must hold ${n} piles`);
    return v.map((p, i) => slots(p, where, `${field}[${i}]`));
  };
  return {
    draw: slots(o.draw, where, "draw"),
    dump: slots(o.dump, where, "dump"),
    piles: lists("piles", 4),
    tableau: lists("tableau", 7),
  };
}
