/**
 * FreeCell rules on a typed board: where a card may go, the legal single-card moves, applying a
 * move, and a rule check that says why a move is illegal.
 */
import { type Card, colorOf, rankLabel, SUIT_NAME, SUITS, type Suit, sameCard } from "./cards/model.js";
import { FOUNDATION_KEYS, type FreeCellState, foundationSuit, parseCardText } from "./state.js";

export interface Board {
  cascades: Card[][];
  free: Array<Card | null>;
  foundations: Record<Suit, Card[]>;
}

export type Place =
  | { kind: "cascade"; index: number }
  | { kind: "freecell"; index: number }
  | { kind: "foundation"; suit: Suit };

export interface Move {
  card: Card;
  from: Place;
  to: Place;
}

const cards = (list: string[] | null): Card[] => (list ?? []).map((t) => parseCardText(t) as Card);

export function boardOf(s: FreeCellState): Board {
  const foundations = { hearts: [], diamonds: [], clubs: [], spades: [] } as Record<Suit, Card[]>;
  for (const key of FOUNDATION_KEYS) {
    const suit = foundationSuit(key) as Suit;
    foundations[suit] = cards(s.foundation_piles[key] ?? null);
  }
  return {
    cascades: s.cascade_piles.map(cards),
    free: s.free_cells.map((c) => (c === null ? null : (parseCardText(c) as Card))),
    foundations,
  };
}

export const top = (pile: readonly Card[]): Card | undefined => pile[pile.length - 1];

/** "(Heart, 10)": the card notation of the questions and options. */
export const cardName = (c: Card): string => `(${SUIT_NAME[c.suit]}, ${rankLabel(c.rank)})`;

export function placeName(p: Place): string {
  if (p.kind === "cascade") return `Cascade ${p.index}`;
  if (p.kind === "freecell") return `FreeCell ${p.index}`;
  return `Foundation ${SUIT_NAME[p.suit]}`;
}

export const moveText = (m: Move): string =>
  `Move ${cardName(m.card)} from ${placeName(m.from)} to ${placeName(m.to)}`;

/**
 * Whether `card` may go onto the foundation named `suit`. The original lets an Ace start ANY empty
 * foundation (foundations are not tied to a suit until their Ace arrives); `strict` also requires the
 * foundation's own suit, which is how our questions pick their correct foundation moves.
 */
export function fitsFoundation(card: Card, pile: readonly Card[], suit: Suit, strict: boolean): boolean {
  const t = top(pile);
  if (!t) return card.rank === 1 && (!strict || card.suit === suit);
  return card.suit === t.suit && card.rank === t.rank + 1;
}

/** An empty cascade takes any card; otherwise one rank lower and the other colour. */
export function fitsCascade(card: Card, pile: readonly Card[]): boolean {
  const t = top(pile);
  return !t || (colorOf(card) !== colorOf(t) && card.rank === t.rank - 1);
}

/** The card a move would take from its source, if the source really holds it on top. */
function sourceHolds(b: Board, m: Move): boolean {
  if (m.from.kind === "cascade") return sameCard(top(b.cascades[m.from.index] ?? []), m.card);
  if (m.from.kind === "freecell") return sameCard(b.free[m.from.index] ?? undefined, m.card);
  return false; // the questions never move cards off a foundation
}

function destinationTakes(b: Board, m: Move, strict: boolean): boolean {
  if (m.to.kind === "freecell") return m.to.index < b.free.length && b.free[m.to.index] === null;
  if (m.to.kind === "foundation") return fitsFoundation(m.card, b.foundations[m.to.suit], m.to.suit, strict);
  if (m.from.kind === "cascade" && m.from.index === m.to.index) return false;
  const pile = b.cascades[m.to.index];
  return pile !== undefined && fitsCascade(m.card, pile);
}

export function isLegal(b: Board, m: Move, strict = false): boolean {
  return sourceHolds(b, m) && destinationTakes(b, m, strict);
}

/** Every legal single-card move (strict foundations: an Ace only to its own suit's foundation). */
export function legalMoves(b: Board): Move[] {
  const moves: Move[] = [];
  const sources: Array<{ card: Card; from: Place }> = [];
  b.cascades.forEach((pile, index) => {
    const t = top(pile);
    if (t) sources.push({ card: t, from: { kind: "cascade", index } });
  });
  b.free.forEach((card, index) => {
    if (card) sources.push({ card, from: { kind: "freecell", index } });
  });
  const targets: Place[] = [
    ...b.free.map((_, index): Place => ({ kind: "freecell", index })),
    ...SUITS.map((suit): Place => ({ kind: "foundation", suit })),
    ...b.cascades.map((_, index): Place => ({ kind: "cascade", index })),
  ];
  for (const s of sources) {
    for (const to of targets) {
      if (s.from.kind === "freecell" && to.kind === "freecell") continue;
      const m = { ...s, to };
      if (isLegal(b, m, true)) moves.push(m);
    }
  }
  return moves;
}

/** The board after a legal move (a copy). */
export function applyMove(b: Board, m: Move): Board {
  const next: Board = {
    cascades: b.cascades.map((p) => [...p]),
    free: [...b.free],
    foundations: { ...b.foundations },
  };
  if (m.from.kind === "cascade") next.cascades[m.from.index]?.pop();
  else if (m.from.kind === "freecell") next.free[m.from.index] = null;
  if (m.to.kind === "cascade") next.cascades[m.to.index]?.push(m.card);
  else if (m.to.kind === "freecell") next.free[m.to.index] = m.card;
  else next.foundations[m.to.suit] = [...b.foundations[m.to.suit], m.card];
  return next;
}

const describe = (c: Card): string => `${cardName(c)} (${colorOf(c)})`;

/** Why a move is legal or not, one reason per line (source first, then destination). */
export function explainMove(b: Board, m: Move): string[] {
  const lines: string[] = [];
  if (m.from.kind === "cascade") {
    const t = top(b.cascades[m.from.index] ?? []);
    lines.push(
      !t
        ? `${placeName(m.from)} is empty, so there is no card to take.`
        : sameCard(t, m.card)
          ? `${cardName(m.card)} is the exposed card of ${placeName(m.from)}, so it can be picked up.`
          : `The exposed card of ${placeName(m.from)} is ${cardName(t)}, not ${cardName(m.card)}: only the exposed card can move.`,
    );
  } else if (m.from.kind === "freecell") {
    const c = b.free[m.from.index];
    lines.push(
      c && sameCard(c, m.card)
        ? `${placeName(m.from)} holds ${cardName(m.card)}, so it can be picked up.`
        : `${placeName(m.from)} holds ${c ? cardName(c) : "nothing"}, not ${cardName(m.card)}.`,
    );
  }
  if (m.to.kind === "freecell") {
    const c = b.free[m.to.index];
    lines.push(
      c
        ? `${placeName(m.to)} already holds ${cardName(c)}; a free cell takes one card only.`
        : `${placeName(m.to)} is empty and a free cell takes any single card.`,
    );
  } else if (m.to.kind === "foundation") {
    const t = top(b.foundations[m.to.suit]);
    if (!t)
      lines.push(
        m.card.rank === 1
          ? `${placeName(m.to)} is empty and ${cardName(m.card)} is an Ace, which starts a foundation.`
          : `${placeName(m.to)} is empty and only an Ace can start a foundation; ${cardName(m.card)} is not an Ace.`,
      );
    else
      lines.push(
        m.card.suit === t.suit && m.card.rank === t.rank + 1
          ? `${placeName(m.to)} shows ${cardName(t)}; ${cardName(m.card)} is the next card of that suit.`
          : `${placeName(m.to)} shows ${cardName(t)}; it only takes the next card of the same suit, not ${cardName(m.card)}.`,
      );
  } else {
    const t = top(b.cascades[m.to.index] ?? []);
    if (m.from.kind === "cascade" && m.from.index === m.to.index)
      lines.push("Source and destination are the same pile.");
    else if (!t) lines.push(`${placeName(m.to)} is empty and an empty cascade takes any card.`);
    else {
      const colours = colorOf(t) !== colorOf(m.card);
      const ranks = m.card.rank === t.rank - 1;
      lines.push(
        `${placeName(m.to)} shows ${describe(t)}; moving ${describe(m.card)} onto it: colours ${
          colours ? "alternate" : "do not alternate"
        }, and ${rankLabel(m.card.rank)} is ${ranks ? "" : "not "}one rank below ${rankLabel(t.rank)}.`,
      );
    }
  }
  return lines;
}
