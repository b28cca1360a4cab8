/**
 * Playing cards shared by the three card games (freecell, klondike, spider_solitaire): suits, ranks,
 * colours, the ways the originals write a card, and a seeded deck. It lives inside the freecell
 * folder because every folder directly under games/ is loaded as a game (see the report: a registry
 * that skips folders without index.ts would let it move to games/cards/).
 */
import type { Rng } from "../../../types.js";

export type Suit = "hearts" | "diamonds" | "clubs" | "spades";
export const SUITS: readonly Suit[] = ["hearts", "diamonds", "clubs", "spades"];

export interface Card {
  suit: Suit;
  /** 1 (Ace) .. 13 (King). */
  rank: number;
}

export const SUIT_SYMBOL: Record<Suit, string> = { hearts: "♥", diamonds: "♦", clubs: "♣", spades: "♠" };
/** Singular capitalised name ("Heart"), as the card games' questions print suits. */
export const SUIT_NAME: Record<Suit, string> = {
  hearts: "Heart",
  diamonds: "Diamond",
  clubs: "Club",
  spades: "Spade",
};

export const isRed = (suit: Suit): boolean => suit === "hearts" || suit === "diamonds";
export const colorOf = (c: Card): "red" | "black" => (isRed(c.suit) ? "red" : "black");
export const sameCard = (a: Card | undefined, b: Card | undefined): boolean =>
  a !== undefined && b !== undefined && a.suit === b.suit && a.rank === b.rank;

/** "A", "2".."10", "J", "Q", "K". */
export function rankLabel(rank: number): string {
  return rank === 1 ? "A" : rank === 11 ? "J" : rank === 12 ? "Q" : rank === 13 ? "K" : String(rank);
}

/** Rank from a label: "A"/"J"/"Q"/"K" or a number 1..13 (the originals mix both); undefined otherwise. */
export function parseRank(text: string): number | undefined {
  const t = text.trim().toUpperCase();
  const letters: Record<string, number> = { A: 1, J: 11, Q: 12, K: 13 };
  if (letters[t] !== undefined) return letters[t];
  if (!/^\d{1,2}$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && n <= 13 ? n : undefined;
}

/** Suit from a symbol, a singular/plural name or an enum name ("♥", "Heart", "hearts", "HEARTS"). */
export function parseSuit(text: string): Suit | undefined {
  const t = text.trim().toLowerCase();
  for (const s of SUITS) {
    if (t === SUIT_SYMBOL[s] || t === s || t === s.slice(0, -1)) return s;
  }
  return undefined;
}

/** All 52 cards, suit by suit, Ace to King. */
export function fullDeck(): Card[] {
  return SUITS.flatMap((suit) => Array.from({ length: 13 }, (_, i) => ({ suit, rank: i + 1 })));
}

export function shuffledDeck(rng: Rng): Card[] {
  return rng.shuffle(fullDeck());
}
