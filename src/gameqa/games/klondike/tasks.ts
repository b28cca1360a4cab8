/**
 * Klondike question templates, ids 1-3 as in the original: the one valid move among the options
 * (board state), why the game is or is not in a deadlock, and the one valid and effective move.
 * All multiple choice with 8 options and 1-based option numbers (written as strings, as published).
 */
import { fixedChoices } from "../../options.js";
import type { QuestionTemplate, Rng } from "../../types.js";
import { numberedOptions } from "../freecell/cards/choices.js";
import {
  allMoves,
  type Board,
  boardOf,
  cardShort,
  type DeadlockFacts,
  deadlockFacts,
  explainMove,
  isDeadlock,
  isEffective,
  isValid,
  type Move,
  moveText,
  movingCard,
  NO_EFFECTIVE,
  NO_MOVE,
  parseMove,
} from "./logic.js";
import type { KlondikeState } from "./state.js";

const RULES =
  "The image shows a game of Klondike Solitaire. Top row, left to right: the stock (draw pile, face down), the waste pile " +
  "(cards turned from the stock; only its top card can be played), then foundation 1 to foundation 4. Below are the seven " +
  "tableau piles, Tab1 to Tab7 from left to right; in each, face-down cards are covered by face-up cards and only the last, " +
  "fully visible card is the pile's top card.\n" +
  "Rules: a foundation starts with an Ace and is built up in one suit, A, 2, ..., K. A card goes onto a tableau pile if it is one " +
  "rank lower than that pile's top card and of the other colour (red on black, black on red); only a King goes onto an empty " +
  "tableau pile. Here a move always takes a single card: the top card of a tableau pile or of the waste pile. Cards are written " +
  'as suit and rank, with A = 1, J = 11, Q = 12, K = 13 (e.g. "heart 12" is the Queen of hearts).\n\n';

function boardSummary(b: Board): string {
  const tabs = b.tableau.map((p, i) => {
    const hidden = p.filter((c) => c === null).length;
    const up = p.filter((c) => c !== null);
    return `- Tab${i + 1}: ${p.length === 0 ? "empty" : `${hidden} face-down, face-up ${up.map(cardShort).join(", ") || "none"}`}`;
  });
  const founds = b.foundations.map(
    (p, i) => `- Foundation ${i + 1}: ${p.length ? cardShort(p[p.length - 1]) : "empty"}`,
  );
  return (
    `The board:\n${tabs.join("\n")}\n${founds.join("\n")}\n` +
    `- Waste pile: ${b.waste.length ? `top card ${cardShort(b.waste[b.waste.length - 1])}` : "empty"}\n` +
    `- Stock: ${b.drawCount > 0 ? `${b.drawCount} cards` : "empty"}\n\n`
  );
}

/** Where the option list lacks a move, the question's last option ("none of them") is the answer. */
function optionAnswer(options: readonly unknown[] | undefined, holds: (m: Move) => boolean, none: RegExp) {
  const list = (options ?? []).map(String);
  const hits = list.flatMap((o, i) => {
    const m = parseMove(o);
    return m && holds(m) ? [i + 1] : [];
  });
  if (hits.length > 1) return { skip: `options ${hits.join(", ")} all qualify` };
  if (hits.length === 1) return { answer: String(hits[0]) };
  const i = list.findIndex((o) => none.test(o));
  return i < 0 ? { skip: 'no "none" option' } : { answer: String(i + 1) };
}

/**
 * Seven move options and the "none" option last: one qualifying move at a random place, unless the
 * board has none or (1 in 8) we leave it out so that "none" is right. Fillers never qualify.
 */
function moveOptions(
  rng: Rng,
  qualifying: Move[],
  preferred: Move[],
  others: Move[],
  none: string,
): { options: string[]; answer: number } | null {
  const right = qualifying.length > 0 && !rng.chance(1 / 8) ? rng.pick(qualifying) : undefined;
  const pool = rng.shuffle(
    [...new Set([...rng.shuffle(preferred), ...rng.shuffle(others)].map(moveText))].slice(0, 7),
  );
  const need = right ? 6 : 7;
  if (pool.length < need) return null;
  const options = pool.slice(0, need);
  let answer = 8;
  if (right) {
    const at = rng.int(0, 6);
    options.splice(at, 0, moveText(right));
    answer = at + 1;
  }
  return { options: [...options, none], answer };
}

/**
 * An invalid move that looks possible: a real card onto a tableau pile one rank higher in the same
 * colour or of the other colour at the wrong rank, or a low card onto a foundation.
 */
function nearMiss(b: Board, m: Move): boolean {
  const card = movingCard(b, m);
  if (!card) return false;
  if ("foundation" in m.to) return card.rank <= 3;
  const pile = b.tableau[m.to.tab - 1] ?? [];
  const target = pile[pile.length - 1];
  return !!target && (target.rank === card.rank + 1 || Math.abs(target.rank - card.rank) <= 2);
}

function optionLines(options: string[], verdict: (m: Move) => string): string {
  return options
    .slice(0, 7)
    .map((o, i) => {
      const m = parseMove(o);
      return `Option ${i + 1}: ${o}. ${m ? verdict(m) : ""}`.trim();
    })
    .join("\n");
}

/* ------------------------------ 1: board state ------------------------------ */

const boardState: QuestionTemplate<KlondikeState> = {
  id: 1,
  name: "board-state",
  description: "Read the board and pick the one listed move that is valid, or the last option when none is.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate: ({ state, rng }) => {
    const b = boardOf(state);
    const moves = allMoves();
    // Distractors: invalid moves, near misses first (empty sources make obvious fillers).
    const invalid = moves.filter((m) => !isValid(b, m));
    const made = moveOptions(
      rng,
      moves.filter((m) => isValid(b, m)),
      invalid.filter((m) => nearMiss(b, m)),
      invalid,
      NO_MOVE,
    );
    if (!made) return null;
    const { options, answer } = made;
    const lines = optionLines(options, (m) => explainMove(b, m));
    const tail =
      answer === 8
        ? "None of options 1-7 is a valid move, so the answer is option 8."
        : `Option ${answer} is the only valid move listed, so the answer is option ${answer}.`;
    return {
      question: `${RULES}Question: Which of the following moves is valid on the current board? Choose option 8 if none of options 1-7 is.\n\n${numberedOptions(options)}`,
      answer: String(answer),
      analysis: `${boardSummary(b)}Checking each option:\n${lines}\nOption 8: ${NO_MOVE}.\n\n${tail}`,
      options,
    };
  },
  conform: ({ sample, state }) =>
    optionAnswer(sample.options, (m) => isValid(boardOf(state), m), /^No possible moves/i),
};

/* ------------------------------ 2: deadlock ------------------------------ */

export function factsText(f: DeadlockFacts): string {
  return (
    `Draw pile and waste pile are ${f.stockAndWasteEmpty ? "both empty" : "NOT both empty"} AND ` +
    `${f.foundationMove ? "some card can be moved to a foundation" : "no card can be moved to a foundation"} AND ` +
    `${f.tableauMove ? "some tableau move reveals a hidden card or empties a tableau pile" : "no tableau move reveals a hidden card or empties a tableau pile"}, ` +
    `so the game is ${isDeadlock(f) ? "in a deadlock" : "NOT in a deadlock"}.`
  );
}

/** The three facts an option states, read from our wording or the original's. */
export function parseFacts(text: string): DeadlockFacts | undefined {
  const t = text.toLowerCase();
  const stock = /not both empty/.test(t) ? false : /both empty/.test(t) ? true : undefined;
  const found = /(existing cards|some card) can be moved to (a )?foundation/.test(t)
    ? true
    : /no cards? can be moved to (a )?foundation/.test(t)
      ? false
      : undefined;
  const tab = /some tableau (pile )?move/.test(t)
    ? true
    : /no tableau (pile )?move/.test(t)
      ? false
      : undefined;
  return stock === undefined || found === undefined || tab === undefined
    ? undefined
    : { stockAndWasteEmpty: stock, foundationMove: found, tableauMove: tab };
}

const ALL_FACTS: DeadlockFacts[] = [false, true].flatMap((stockAndWasteEmpty) =>
  [false, true].flatMap((foundationMove) =>
    [false, true].map((tableauMove) => ({ stockAndWasteEmpty, foundationMove, tableauMove })),
  ),
);

function deadlockAnalysis(b: Board, f: DeadlockFacts): string {
  const valid = allMoves().filter((m) => isValid(b, m));
  const found = valid.filter((m) => "foundation" in m.to).map(moveText);
  const tab = valid.filter((m) => m.from !== "waste" && "tab" in m.to && isEffective(b, m));
  const tabText = tab.map((m) => {
    const pile = b.tableau[(m.from as { tab: number }).tab - 1] ?? [];
    return `${moveText(m)} (${pile.length === 1 ? "empties the pile" : "reveals a face-down card"})`;
  });
  return (
    `${boardSummary(b)}` +
    `1. Stock and waste: ${f.stockAndWasteEmpty ? "both empty" : "not both empty, so drawing or playing the waste is still possible"}.\n` +
    `2. Foundation moves: ${found.length ? found.join("; ") : "none"}.\n` +
    `3. Tableau moves that reveal a face-down card or empty a pile: ${tabText.length ? tabText.join("; ") : "none"}.\n` +
    `The game is ${isDeadlock(f) ? "in a deadlock" : "not in a deadlock"}.`
  );
}

const deadlock: QuestionTemplate<KlondikeState> = {
  id: 2,
  name: "deadlock",
  description: "Pick the statement that correctly says why the game is or is not in a deadlock.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate: ({ state, rng }) => {
    const b = boardOf(state);
    const facts = deadlockFacts(b);
    const options = rng.shuffle(ALL_FACTS.map(factsText));
    const right = fixedChoices(options, factsText(facts)).correct + 1;
    return {
      question:
        `${RULES}A deadlock is a state where no useful move is left: drawing from the stock or playing the waste always helps while they ` +
        "are not both empty, a move to a foundation always helps, and a tableau move helps only if it reveals a face-down card or empties a tableau pile.\n\n" +
        `Question: Which statement about the current board is correct?\n\n${numberedOptions(options)}`,
      answer: String(right),
      analysis: `${deadlockAnalysis(b, facts)} So the answer is option ${right}.`,
      options,
    };
  },
  conform: ({ sample, state }) => {
    const want = deadlockFacts(boardOf(state));
    const hits = (sample.options ?? []).flatMap((o, i) => {
      const f = parseFacts(String(o));
      return f &&
        f.stockAndWasteEmpty === want.stockAndWasteEmpty &&
        f.foundationMove === want.foundationMove &&
        f.tableauMove === want.tableauMove
        ? [i + 1]
        : [];
    });
    return hits.length === 1
      ? { answer: String(hits[0]) }
      : { skip: `${hits.length} options state the facts` };
  },
};

/* ------------------------------ 3: move effectiveness ------------------------------ */

const moveEffectiveness: QuestionTemplate<KlondikeState> = {
  id: 3,
  name: "move-effectiveness",
  description: "Pick the listed move that is both valid and effective, or the last option when none is.",
  qaType: "Strategy Optimization",
  qaLevel: "Hard",
  answerFormat: "option-index",
  generate: ({ state, rng }) => {
    const b = boardOf(state);
    const tabMoves = allMoves().filter((m) => m.from !== "waste");
    const effective = tabMoves.filter((m) => isEffective(b, m));
    // Fillers: valid but ineffective moves (the tempting ones) and invalid moves between real cards.
    const ineffective = tabMoves.filter((m) => isValid(b, m) && !isEffective(b, m));
    const invalid = tabMoves.filter((m) => !isValid(b, m) && movingCard(b, m));
    const preferred = [...rng.shuffle(ineffective).slice(0, 3), ...invalid.filter((m) => nearMiss(b, m))];
    const made = moveOptions(rng, effective, preferred, invalid, NO_EFFECTIVE);
    if (!made) return null;
    const { options, answer } = made;
    const lines = optionLines(options, (m) => {
      if (!isValid(b, m)) return explainMove(b, m);
      if (isEffective(b, m))
        return `${explainMove(b, m)} Effective: ${"foundation" in m.to ? "it moves a card to a foundation" : (b.tableau[(m.from as { tab: number }).tab - 1]?.length ?? 0) === 1 ? "it empties a tableau pile" : "it reveals a face-down card"}.`;
      return `${explainMove(b, m)} Not effective: a face-up card lies under it, so nothing is revealed.`;
    });
    const tail =
      answer === 8
        ? "No listed move is both valid and effective, so the answer is option 8."
        : `Option ${answer} is the only listed move that is both valid and effective, so the answer is option ${answer}.`;
    return {
      question:
        `${RULES}A move is effective if it moves a card to a foundation, reveals a face-down card of a tableau pile, or empties a tableau pile.\n\n` +
        `Question: Which of the following moves is both valid and effective? Choose option 8 if none of options 1-7 is.\n\n${numberedOptions(options)}`,
      answer: String(answer),
      analysis: `${boardSummary(b)}Checking each option:\n${lines}\nOption 8: ${NO_EFFECTIVE}.\n\n${tail}`,
      options,
    };
  },
  conform: ({ sample, state }) =>
    optionAnswer(sample.options, (m) => isEffective(boardOf(state), m), /^None of these moves/i),
};

export const klondikeTasks: QuestionTemplate<KlondikeState>[] = [boardState, deadlock, moveEffectiveness];
