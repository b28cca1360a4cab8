/**
 * Spider Solitaire state with the published keys: `stock` and `waste` (the tableau piles, numbered from
 * 0 at the left), each card `{code, rank, suit, faceUp}` listed from the bottom of its pile. The
 * original plays one suit (spades) from 8 decks: 104 cards, codes 0..103.
 */
import { UserError } from "../../../util/errors.js";
import { expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { legalMoves, moveRun } from "./logic.js";

export interface SpiderCard {
  code: number;
  rank: number;
  suit: string;
  faceUp: boolean;
}

export interface SpiderState {
  stock: SpiderCard[];
  waste: SpiderCard[][];
}

/** Waste piles per plot level, as the original (fewer piles, taller piles). */
export const PILES: Record<Level, number> = { Easy: 8, Medium: 9, Hard: 10 };

/**
 * The original's game: 104 spades shuffled into the stock; 104 - 6n cards dealt face down round-robin
 * from the stock's end, one face-up row; then 0-3 further rows and 0-3 random legal moves (moves to
 * the foundations are left out: the state has no place to record them).
 */
export function generateState(rng: Rng, plotLevel: Level): SpiderState {
  const n = PILES[plotLevel];
  const stock: SpiderCard[] = rng.shuffle(
    Array.from({ length: 104 }, (_, code) => ({ code, rank: (code % 13) + 1, suit: "spade", faceUp: false })),
  );
  const waste: SpiderCard[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < 104 - 6 * n; i++) waste[i % n]?.push(stock.pop() as SpiderCard);
  const s: SpiderState = { stock, waste };
  dealRow(s);
  const deals = rng.int(0, 3);
  for (let i = 0; i < deals && canDeal(s); i++) dealRow(s);
  const moves = rng.int(0, 3);
  for (let i = 0; i < moves; i++) {
    const options = legalMoves(s);
    if (options.length === 0) break;
    moveRun(s, rng.pick(options));
  }
  return s;
}

/** Dealing needs every waste pile non-empty. */
export const canDeal = (s: SpiderState): boolean => s.waste.every((p) => p.length > 0);

/** One face-up card from the stock's end onto each pile, left to right. */
export function dealRow(s: SpiderState): void {
  for (const pile of s.waste) {
    const card = s.stock.pop();
    if (card) pile.push({ ...card, faceUp: true });
  }
}

function card(v: unknown, where: string, field: string): SpiderCard {
  const o = typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
  const rank = o?.rank;
  if (
    !o ||
    typeof rank !== "number" ||
    !Number.isInteger(rank) ||
    rank < 1 ||
    rank > 13 ||
    typeof o.faceUp !== "boolean"
  )
    throw new UserError(`${where}: field "${field}" must be a card {code, rank 1..13, suit, faceUp}`);
  return {
    code: typeof o.code === "number" ? o.code : -1,
    rank,
    suit: String(o.suit ?? "spade"),
    faceUp: o.faceUp,
  };
}

export function parseState(json: unknown, where: string): SpiderState {
  const o = expectObject(json, where);
  if (!Array.isArray(o.stock)) throw new UserError(`${where}: field "stock" must be a list of cards`);
  if (!Array.isArray(o.waste) || o.waste.length === 0)
    throw new UserError(`${where}: field "waste" must be a non-empty list of piles`);
  return {
    stock: o.stock.map((c, i) => card(c, where, `stock[${i}]`)),
    waste: o.waste.map((p, k) => {
      if (!Array.isArray(p)) throw new UserError(`${where}: field "waste[${k}]" must be a list of cards`);
      return p.map((c, i) => card(c, where, `waste[${k}][${i}]`));
    }),
  };
}
