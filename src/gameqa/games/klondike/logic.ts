/**
 * Klondike rules as the original's questions use them: single-card moves of a tableau pile's top card
 * or the waste's top card onto a tableau pile or a foundation, whether such a move is "effective"
 * (reveals a face-down card, empties a pile, or goes to a foundation), and the deadlock facts.
 */
import { type Card, colorOf } from "../freecell/cards/model.js";
import { cardWord, type KlondikeState, parseSlot } from "./state.js";

/** A card slot: the card when face up, null when face down. */
export type Slot = Card | null;

export interface Board {
  drawCount: number;
  waste: Slot[];
  foundations: Slot[][];
  tableau: Slot[][];
}

export function boardOf(s: KlondikeState): Board {
  const slots = (list: string[]): Slot[] => list.map((t) => parseSlot(t) ?? null);
  return {
    drawCount: s.draw.length,
    waste: slots(s.dump),
    foundations: s.piles.map(slots),
    tableau: s.tableau.map(slots),
  };
}

/** Source: tableau pile 1..7 or the waste (0); target: tableau pile 1..7 or foundation 1..4. */
export interface Move {
  from: { tab: number } | "waste";
  to: { tab: number } | { foundation: number };
}

export const NO_MOVE = "No possible moves from the options";
export const NO_EFFECTIVE = "None of these moves are both valid and effective";

export function moveText(m: Move): string {
  const from = m.from === "waste" ? "Waste Pile" : `Tab${m.from.tab}`;
  const to = "tab" in m.to ? `Tab${m.to.tab}` : `Foundation ${m.to.foundation}`;
  return `Move from ${from} to ${to}`;
}

export function parseMove(text: string): Move | undefined {
  const m = /Move from (?:Tab\s*(\d)|(Waste Pile)) to (?:Tab\s*(\d)|Foundation\s*(\d))/i.exec(text);
  if (!m) return undefined;
  const from = m[2] ? ("waste" as const) : { tab: Number(m[1]) };
  const to: Move["to"] = m[3] ? { tab: Number(m[3]) } : { foundation: Number(m[4]) };
  const ok = (n: number, max: number) => n >= 1 && n <= max;
  const target = "tab" in to ? ok(to.tab, 7) : ok(to.foundation, 4);
  if ((from !== "waste" && !ok(from.tab, 7)) || !target) return undefined;
  return { from, to };
}

const top = <T>(list: readonly T[]): T | undefined => list[list.length - 1];
export const cardShort = (c: Slot | undefined): string =>
  c ? cardWord(c) : c === null ? "a face-down card" : "nothing";

/** A card onto a tableau pile whose top is `target` (undefined: empty pile; null: face down, King only as in the original). */
export function fitsTableau(card: Slot | undefined, target: Slot | undefined): boolean {
  if (!card) return false;
  if (!target) return card.rank === 13;
  return colorOf(card) !== colorOf(target) && card.rank === target.rank - 1;
}

/** An Ace starts an empty foundation; otherwise the next rank of the same suit. */
export function fitsFoundation(card: Slot | undefined, pile: readonly Slot[]): boolean {
  if (!card) return false;
  const t = top(pile);
  if (t === undefined) return card.rank === 1;
  return t !== null && card.suit === t.suit && card.rank === t.rank + 1;
}

export function movingCard(b: Board, m: Move): Slot | undefined {
  return m.from === "waste" ? top(b.waste) : top(b.tableau[m.from.tab - 1] ?? []);
}

export function isValid(b: Board, m: Move): boolean {
  const card = movingCard(b, m);
  if ("foundation" in m.to) return fitsFoundation(card, b.foundations[m.to.foundation - 1] ?? []);
  if (m.from !== "waste" && m.from.tab === m.to.tab) return false;
  return fitsTableau(card, top(b.tableau[m.to.tab - 1] ?? []));
}

/**
 * Valid and effective: to a foundation, or a tableau move out of a pile whose top card is alone
 * (the pile empties) or lies on a face-down card (it gets revealed). Waste moves reveal nothing.
 */
export function isEffective(b: Board, m: Move): boolean {
  if (!isValid(b, m)) return false;
  if ("foundation" in m.to) return true;
  if (m.from === "waste") return false;
  const pile = b.tableau[m.from.tab - 1] ?? [];
  return pile.length === 1 || pile[pile.length - 2] === null;
}

/** Every move of the kinds the questions list (tableau and waste tops to tableau piles and foundations). */
export function allMoves(): Move[] {
  const out: Move[] = [];
  const sources: Move["from"][] = [...Array.from({ length: 7 }, (_, i) => ({ tab: i + 1 })), "waste"];
  for (const from of sources) {
    for (let t = 1; t <= 7; t++) if (from === "waste" || from.tab !== t) out.push({ from, to: { tab: t } });
    for (let f = 1; f <= 4; f++) out.push({ from, to: { foundation: f } });
  }
  return out;
}

/** Why a move is valid or not, in one sentence. */
export function explainMove(b: Board, m: Move): string {
  const card = movingCard(b, m);
  const source = m.from === "waste" ? "the waste pile" : `Tab${m.from.tab}`;
  if (card === undefined) return `Invalid: ${source} is empty.`;
  if (card === null) return `Invalid: the top card of ${source} is face down.`;
  if ("foundation" in m.to) {
    const pile = b.foundations[m.to.foundation - 1] ?? [];
    const t = top(pile);
    if (fitsFoundation(card, pile))
      return t
        ? `Valid: ${cardWord(card)} follows ${cardWord(t)} on foundation ${m.to.foundation}.`
        : `Valid: ${cardWord(card)} is an Ace and foundation ${m.to.foundation} is empty.`;
    return t
      ? `Invalid: foundation ${m.to.foundation} shows ${cardShort(t)}; only the next card of that suit fits, not ${cardWord(card)}.`
      : `Invalid: foundation ${m.to.foundation} is empty and ${cardWord(card)} is not an Ace.`;
  }
  if (m.from !== "waste" && m.from.tab === m.to.tab) return "Invalid: source and target are the same pile.";
  const target = top(b.tableau[m.to.tab - 1] ?? []);
  if (fitsTableau(card, target))
    return target
      ? `Valid: ${cardWord(card)} goes onto ${cardWord(target)} (one rank lower, other colour).`
      : `Valid: ${cardWord(card)} is a King and Tab${m.to.tab} is empty.`;
  if (!target) return `Invalid: Tab${m.to.tab} is empty and only a King may be placed there.`;
  if (colorOf(card) === colorOf(target))
    return `Invalid: ${cardWord(card)} and ${cardWord(target)} are both ${colorOf(card)}; colours must alternate.`;
  return `Invalid: ${cardWord(card)} is not one rank below ${cardWord(target)}.`;
}

export interface DeadlockFacts {
  stockAndWasteEmpty: boolean;
  foundationMove: boolean;
  tableauMove: boolean;
}

export function deadlockFacts(b: Board): DeadlockFacts {
  const moves = allMoves().filter((m) => isValid(b, m));
  return {
    stockAndWasteEmpty: b.drawCount === 0 && b.waste.length === 0,
    foundationMove: moves.some((m) => "foundation" in m.to),
    tableauMove: moves.some((m) => m.from !== "waste" && "tab" in m.to && isEffective(b, m)),
  };
}

export const isDeadlock = (f: DeadlockFacts): boolean =>
  f.stockAndWasteEmpty && !f.foundationMove && !f.tableauMove;
