/**
 * FreeCell state with the published keys: `cascade_piles` (each listed from the deepest card to the
 * exposed one, null when empty), `free_cells` (4 slots), `foundation_piles` keyed by suit enum name.
 * Cards are written "10 ♥" (rank label, space, suit symbol) as in the original's states.
 */
import { UserError } from "../../../util/errors.js";
import { expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import {
  type Card,
  parseRank,
  parseSuit,
  rankLabel,
  SUIT_SYMBOL,
  type SUITS,
  shuffledDeck,
} from "./cards/model.js";

export interface FreeCellState {
  cascade_piles: Array<string[] | null>;
  free_cells: Array<string | null>;
  foundation_piles: Record<string, string[] | null>;
}

/** Number of cascades per plot level (the original's: more cascades = shorter, easier piles). */
export const CASCADES: Record<Level, number> = { Easy: 8, Medium: 6, Hard: 4 };
export const FOUNDATION_KEYS = ["HEARTS", "DIAMONDS", "CLUBS", "SPADES"] as const;

export const cardText = (c: Card): string => `${rankLabel(c.rank)} ${SUIT_SYMBOL[c.suit]}`;

/** "10 ♥" -> card; undefined when malformed. */
export function parseCardText(text: string): Card | undefined {
  const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(text);
  const rank = m ? parseRank(m[1] as string) : undefined;
  const suit = m ? parseSuit(m[2] as string) : undefined;
  return rank !== undefined && suit !== undefined ? { suit, rank } : undefined;
}

/** A fresh deal, as the original: a shuffled deck dealt round-robin into the level's cascades. */
export function generateState(rng: Rng, plotLevel: Level): FreeCellState {
  const n = CASCADES[plotLevel];
  const piles: string[][] = Array.from({ length: n }, () => []);
  shuffledDeck(rng).forEach((card, i) => {
    piles[i % n]?.push(cardText(card));
  });
  return {
    cascade_piles: piles,
    free_cells: [null, null, null, null],
    foundation_piles: Object.fromEntries(FOUNDATION_KEYS.map((k) => [k, null])),
  };
}

function cardField(v: unknown, where: string, field: string): string {
  if (typeof v !== "string" || !parseCardText(v))
    throw new UserError(`${where}: field "${field}" = ${JSON.stringify(v)} is not a card such as "10 ♥"`);
  return v;
}

function cardList(v: unknown, where: string, field: string): string[] | null {
  if (v === null) return null;
  if (!Array.isArray(v)) throw new UserError(`${where}: field "${field}" must be a list of cards or null`);
  return v.map((c, i) => cardField(c, where, `${field}[${i}]`));
}

export function parseState(json: unknown, where: string): FreeCellState {
  const o = expectObject(json, where);
  if (!Array.isArray(o.cascade_piles) || o.cascade_piles.length === 0)
    throw new UserError(`${where}: field "cascade_piles" must be a non-empty list`);
  if (!Array.isArray(o.free_cells) || o.free_cells.length !== 4)
    throw new UserError(`${where}: field "free_cells" must list 4 cells`);
  const f = expectObject(o.foundation_piles, `${where} (foundation_piles)`);
  return {
    cascade_piles: o.cascade_piles.map((p, i) => cardList(p, where, `cascade_piles[${i}]`)),
    free_cells: o.free_cells.map((c, i) => (c === null ? null : cardField(c, where, `free_cells[${i}]`))),
    foundation_piles: Object.fromEntries(
      FOUNDATION_KEYS.map((k) => [k, cardList(f[k] ?? null, where, `foundation_piles.${k}`)]),
    ),
  };
}

/** The suit a foundation key stands for ("HEARTS" -> hearts). */
export const foundationSuit = (key: string): (typeof SUITS)[number] | undefined => parseSuit(key);
