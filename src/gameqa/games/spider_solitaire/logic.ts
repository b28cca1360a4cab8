/**
 * Spider Solitaire rules (one suit, so "same suit" always holds): a face-up card and the cards on it
 * move together when they descend by one rank each; they go onto a pile whose top card is one rank
 * higher, or onto an empty pile. A move that uncovers a face-down card turns it up.
 */
import type { SpiderCard, SpiderState } from "./state.js";

export interface RunMove {
  from: number;
  to: number;
  /** Index (from the bottom, 0-based) of the first card moved. */
  index: number;
}

const RANK_NAMES = ["", "Ace", "2", "3", "4", "5", "6", "7", "8", "9", "10", "Jack", "Queen", "King"];
export const rankName = (rank: number): string => RANK_NAMES[rank] ?? String(rank);
/** "Spade 7", "Spade King": how the original answers "which card is on top". */
export const cardName = (c: SpiderCard): string =>
  `${c.suit.charAt(0).toUpperCase()}${c.suit.slice(1)} ${rankName(c.rank)}`;

/** Cards from `index` up descend one rank at a time in one suit. */
export function descends(pile: readonly SpiderCard[], index: number): boolean {
  for (let i = index; i + 1 < pile.length; i++) {
    const a = pile[i] as SpiderCard;
    const b = pile[i + 1] as SpiderCard;
    if (a.suit !== b.suit || b.rank !== a.rank - 1) return false;
  }
  return true;
}

/** The card at `index` can be picked up with everything on it. */
export const canSelect = (pile: readonly SpiderCard[], index: number): boolean =>
  index >= 0 && index < pile.length && (pile[index] as SpiderCard).faceUp && descends(pile, index);

/** Pile `to` accepts a run whose bottom card is `card`. */
export function accepts(s: SpiderState, to: number, card: SpiderCard): boolean {
  const pile = s.waste[to] ?? [];
  const top = pile[pile.length - 1];
  return !top || top.rank - card.rank === 1;
}

/** The deepest card that can be picked up in a pile (its longest movable run), or -1. */
export function runStart(pile: readonly SpiderCard[]): number {
  for (let i = 0; i < pile.length; i++) if (canSelect(pile, i)) return i;
  return -1;
}

/** Moves of each pile's longest movable run onto every pile that takes it (the original's move list). */
export function legalMoves(s: SpiderState): RunMove[] {
  const out: RunMove[] = [];
  s.waste.forEach((pile, from) => {
    const index = runStart(pile);
    if (index < 0) return;
    s.waste.forEach((_, to) => {
      if (to !== from && accepts(s, to, pile[index] as SpiderCard)) out.push({ from, to, index });
    });
  });
  return out;
}

/** Apply a move in place; the uncovered card is turned face up. */
export function moveRun(s: SpiderState, m: RunMove): void {
  const src = s.waste[m.from] as SpiderCard[];
  const run = src.splice(m.index);
  s.waste[m.to]?.push(...run);
  const top = src[src.length - 1];
  if (top && !top.faceUp) src[src.length - 1] = { ...top, faceUp: true };
}

export const faceDownCount = (pile: readonly SpiderCard[]): number => pile.filter((c) => !c.faceUp).length;
export const dealsLeft = (s: SpiderState): number => Math.floor(s.stock.length / s.waste.length);

/** Outcome letters of the move question (A success, B face-down, C broken run, D no fit, E no card). */
export type Outcome = "A" | "B" | "C" | "D" | "E";

export function moveOutcome(s: SpiderState, index: number, from: number, to: number): Outcome {
  const pile = s.waste[from] ?? [];
  const card = pile[index];
  if (!card || index < 0) return "E";
  if (!card.faceUp || pile.slice(index + 1).some((c) => !c.faceUp)) return "B";
  // The original compares ranks only here (one suit is dealt).
  for (let i = index; i + 1 < pile.length; i++) {
    if ((pile[i + 1] as SpiderCard).rank !== (pile[i] as SpiderCard).rank - 1) return "C";
  }
  return accepts(s, to, card) ? "A" : "D";
}

/** Index of the face-up card lying directly on the top face-down card of a pile, or -1 without face-down cards. */
export function coverStart(pile: readonly SpiderCard[]): number {
  let last = -1;
  pile.forEach((c, i) => {
    if (!c.faceUp) last = i;
  });
  return last < 0 ? -1 : last + 1;
}

/** Piles that take the whole covering run of pile `x`, so moving it reveals the face-down card. */
export function revealTargets(s: SpiderState, x: number): number[] {
  const pile = s.waste[x] ?? [];
  const start = coverStart(pile);
  if (start < 0 || start >= pile.length || !canSelect(pile, start)) return [];
  return s.waste.flatMap((_, to) => (to !== x && accepts(s, to, pile[start] as SpiderCard) ? [to] : []));
}

/** A pile whose top 13 face-up cards run King down to Ace in one suit. */
export function completeSuitPile(s: SpiderState): number {
  return s.waste.findIndex((pile) => {
    if (pile.length < 13) return false;
    const run = pile.slice(-13);
    return run.every((c, i) => c.faceUp && c.rank === 13 - i && c.suit === run[0]?.suit);
  });
}

/**
 * The original's "optimal" move: the longest movable run (face-up, descending) that some other pile
 * accepts, scanning piles left to right and each pile from its deepest card; the first destination
 * that accepts it; ties keep the first found. `faceUpOnly = false` is the original's own search, which
 * does not look at faces and so may start a run on a face-down card (conformance only).
 */
export function longestRunMove(
  s: SpiderState,
  faceUpOnly = true,
): (RunMove & { length: number }) | undefined {
  let best: (RunMove & { length: number }) | undefined;
  s.waste.forEach((pile, from) => {
    for (let index = 0; index < pile.length; index++) {
      const length = pile.length - index;
      const movable = faceUpOnly ? canSelect(pile, index) : descends(pile, index);
      if (!movable || length <= (best?.length ?? 0)) continue;
      const to = s.waste.findIndex((_, t) => t !== from && accepts(s, t, pile[index] as SpiderCard));
      if (to >= 0) best = { from, to, index, length };
    }
  });
  return best;
}
