/**
 * Spider Solitaire question templates, ids 0-6 as in the original: remaining deals, the top card of a
 * pile, face-down cards, face-up cards after dealing (fill-in); the outcome of a move, how to reveal a
 * pile's face-down card, and the best move (multiple choice with letters).
 */
import { letter } from "../../options.js";
import { lastMatch } from "../../parse.js";
import type { ConformResult, GameQASample, QuestionTemplate, Rng } from "../../types.js";
import {
  accepts,
  canSelect,
  cardName,
  completeSuitPile,
  coverStart,
  dealsLeft,
  faceDownCount,
  longestRunMove,
  moveOutcome,
  type Outcome,
  type RunMove,
  revealTargets,
  runStart,
} from "./logic.js";
import { canDeal, type SpiderCard, type SpiderState } from "./state.js";

function intro(s: SpiderState): string {
  const n = s.waste.length;
  return (
    `The image shows a game of Spider Solitaire played with 104 spades (eight sets of Ace to King). ${n} waste piles fill the ` +
    `lower part, numbered 0 to ${n - 1} from left to right. Within a pile, cards are numbered from 0 at the bottom of the pile, ` +
    "the card drawn highest on the screen, upwards; the last, fully visible card is the pile's top card. Face-down cards show their " +
    "blue back. The stock is at the top left: each card back drawn there is one more deal (a deal puts one face-up card on every " +
    'waste pile, and is only allowed when no waste pile is empty); "+n" means n more deals than drawn. The 8 foundation slots ' +
    "are on the top right.\n" +
    "Rules: a face-up card can be moved together with the cards on top of it if they descend one rank at a time " +
    "(e.g. 7, 6, 5). The moved cards go onto a pile whose top card is exactly one rank higher, or onto an empty pile. When a move " +
    "uncovers a face-down card, it is turned face up. A complete run from King down to Ace can be moved to a foundation.\n\n"
  );
}

const fillIn = (s: SpiderState, ask: string, form: string) => `${intro(s)}Question: ${ask} ${form}`;
const lettered = (values: readonly string[]) => values.map((v, i) => `${letter(i)}. ${v}`);
const withOptions = (s: SpiderState, ask: string, options: string[]) =>
  `${intro(s)}Question: ${ask}\n\nOptions:\n${options.join("\n")}\n\nAnswer with the letter of the correct option.`;

/* ------------------------------ 0-3: fill-in ------------------------------ */

export function dealsAnalysis(s: SpiderState): string {
  const d = dealsLeft(s);
  return `The stock holds ${s.stock.length} cards and each deal puts one card on each of the ${s.waste.length} waste piles, so it can deal ${s.stock.length} / ${s.waste.length} = ${d} more time(s); the image shows ${d} stacked card back(s)${d > 10 ? " (10 drawn, the rest as +n)" : ""}.`;
}

const remainingDeals: QuestionTemplate<SpiderState> = {
  id: 0,
  name: "remaining-deals",
  description: "Count how many more times the stock can deal.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "number",
  generate: ({ state }) => ({
    question: fillIn(state, "How many more times can the stock deal cards?", "Answer with a number."),
    answer: String(dealsLeft(state)),
    analysis: `${dealsAnalysis(state)} So the answer is ${dealsLeft(state)}.`,
  }),
  conform: ({ state }) => ({ answer: String(dealsLeft(state)) }),
};

function topCard(s: SpiderState, p: number): string {
  const pile = s.waste[p] ?? [];
  const top = pile[pile.length - 1];
  return top ? cardName(top) : "Empty";
}

const pileIn = (q: string): number | undefined => {
  const m = lastMatch(q, /top of waste pile (\d+)/g);
  return m ? Number(m[1]) : undefined;
};

const topOfPile: QuestionTemplate<SpiderState> = {
  id: 1,
  name: "top-card",
  description: "Name the top card of a waste pile.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "text",
  generate: ({ state, rng }) => {
    const p = rng.int(0, state.waste.length - 1);
    const answer = topCard(state, p);
    return {
      question: fillIn(
        state,
        `Which card is on the top of waste pile ${p}?`,
        'Answer with the suit and rank, e.g. "Spade 7" or "Spade Queen", or "Empty" for an empty pile.',
      ),
      answer,
      analysis:
        answer === "Empty"
          ? `Waste pile ${p} holds no card, so the answer is Empty.`
          : `Waste pile ${p} is the ${p + 1}-th pile from the left; its last, fully visible card is the ${answer.replace("Spade ", "")} of spades. So the answer is ${answer}.`,
    };
  },
  conform: ({ sample, state }) => {
    const p = pileIn(sample.question);
    return p === undefined ? { skip: "no pile in the question" } : { answer: topCard(state, p) };
  },
};

function faceDownAnalysis(s: SpiderState): { answer: number; analysis: string } {
  const counts = s.waste.map(faceDownCount);
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    answer: total,
    analysis: `Face-down cards per waste pile: ${counts.map((c, i) => `pile ${i}: ${c}`).join(", ")}. In total ${counts.join(" + ")} = ${total}.`,
  };
}

const faceDown: QuestionTemplate<SpiderState> = {
  id: 2,
  name: "face-down-count",
  description: "Count the face-down cards in all waste piles.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "number",
  generate: ({ state }) => {
    const { answer, analysis } = faceDownAnalysis(state);
    return {
      question: fillIn(
        state,
        "How many face-down cards are there in all waste piles together?",
        "Answer with a number.",
      ),
      answer: String(answer),
      analysis: `${analysis} So the answer is ${answer}.`,
    };
  },
  conform: ({ state }) => ({ answer: String(faceDownAnalysis(state).answer) }),
};

export function faceUpAfterDeals(
  s: SpiderState,
  clicks: number,
  p: number,
): { answer: number; analysis: string } {
  const pile = s.waste[p] ?? [];
  const up = pile.length - faceDownCount(pile);
  const deals = Math.min(clicks, dealsLeft(s));
  return {
    answer: up + deals,
    analysis:
      `Waste pile ${p} now has ${up} face-up card(s). The stock can deal ${dealsLeft(s)} more time(s), so ${clicks} click(s) deal ${deals} time(s), ` +
      `each adding one face-up card to every pile. Pile ${p} then has ${up} + ${deals} = ${up + deals} face-up card(s).`,
  };
}

const dealClicks: QuestionTemplate<SpiderState> = {
  id: 3,
  name: "face-up-after-deals",
  description: "Predict the face-up cards of a pile after clicking the stock several times.",
  qaType: "State Prediction",
  qaLevel: "Easy",
  answerFormat: "number",
  generate: ({ state, rng }) => {
    // Dealing needs every pile non-empty; the original's arithmetic assumes it.
    if (!canDeal(state)) return null;
    const clicks = rng.int(0, 5);
    const p = rng.int(0, state.waste.length - 1);
    const { answer, analysis } = faceUpAfterDeals(state, clicks, p);
    return {
      question: fillIn(
        state,
        `If I click the stock ${clicks} times, how many face-up cards will be in waste pile ${p}?`,
        "Answer with a number.",
      ),
      answer: String(answer),
      analysis: `${analysis} So the answer is ${answer}.`,
    };
  },
  conform: ({ sample, state }) => {
    const m = lastMatch(
      sample.question,
      /stock(?:pile)? (?:for )?(\d+) times?, how many face-up cards will be in waste pile (\d+)/g,
    );
    return m
      ? { answer: String(faceUpAfterDeals(state, Number(m[1]), Number(m[2])).answer) }
      : { skip: "no clicks/pile" };
  },
};

/* ------------------------------ 4: move outcome ------------------------------ */

const OUTCOME_TEXT: Record<Outcome, string> = {
  A: "The move succeeds: the moved cards continue a descending run on the target pile.",
  B: "The move is impossible: the card is face down, so its rank is unknown.",
  C: "The move is impossible: the cards on top of it do not descend one rank at a time from it.",
  D: "The move is impossible: the target pile's top card is not exactly one rank higher than this card.",
  E: "The move is impossible: the pile has no card with this number.",
};
const OUTCOME_OPTIONS = (["A", "B", "C", "D", "E"] as const).map((l) => `${l}. ${OUTCOME_TEXT[l]}`);

function outcomeAnalysis(s: SpiderState, index: number, from: number, to: number, o: Outcome): string {
  const pile = s.waste[from] ?? [];
  const card = pile[index];
  const dest = s.waste[to] ?? [];
  const top = dest[dest.length - 1];
  const where = `Card number ${index} of pile ${from} counts from 0 at the bottom of the pile.`;
  const reason: Record<Outcome, string> = {
    E: `Pile ${from} has ${pile.length} card(s), numbered 0 to ${pile.length - 1}, so there is no card number ${index}.`,
    B: "That card is face down.",
    C: `The cards on it, ${pile
      .slice(index)
      .map((c) => rankName(c))
      .join(", ")}, do not descend one rank at a time.`,
    D: `It is a ${card ? rankName(card) : "?"} and the top card of pile ${to} is ${top ? rankName(top) : "none"}, not one rank higher.`,
    A: `It is a ${card ? rankName(card) : "?"}; the cards from it up descend one rank at a time, and pile ${to} ${
      top ? `shows ${rankName(top)}, one rank higher` : "is empty"
    }.`,
  };
  return `${where} ${reason[o]} So the answer is ${o}.`;
}

const rankName = (c: SpiderCard): string => cardName(c).replace("Spade ", "");

const moveResult: QuestionTemplate<SpiderState> = {
  id: 4,
  name: "move-result",
  description: "Predict what happens when a card (with the cards on it) is moved to another pile.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-letter",
  generate: ({ state, rng }) => {
    const n = state.waste.length;
    const from = rng.int(0, n - 1);
    const pile = state.waste[from] ?? [];
    const down = pile.flatMap((c, i) => (c.faceUp ? [] : [i]));
    const up = pile.flatMap((c, i) => (c.faceUp ? [i] : []));
    // As the original: mostly face-up cards, a fifth face-down ones; now and then a number past the top.
    let index: number;
    if (pile.length === 0 || rng.chance(0.08)) index = pile.length + rng.int(0, 2);
    else if (down.length > 0 && rng.chance(0.2)) index = rng.pick(down);
    else index = up.length > 0 ? rng.pick(up) : pile.length;
    const card = pile[index];
    const others = Array.from({ length: n }, (_, i) => i).filter((i) => i !== from);
    const fitting = card ? others.filter((t) => accepts(state, t, card)) : [];
    const to = fitting.length > 0 && rng.chance(0.75) ? rng.pick(fitting) : rng.pick(others);
    const o = moveOutcome(state, index, from, to);
    return {
      question: withOptions(
        state,
        `What happens if I move card number ${index} of pile ${from} to pile ${to}?`,
        OUTCOME_OPTIONS,
      ),
      answer: o,
      analysis: outcomeAnalysis(state, index, from, to, o),
      options: OUTCOME_OPTIONS,
    };
  },
  conform: ({ sample, state }) => {
    const m = lastMatch(
      sample.question,
      /(?:number|card number) (-?\d+)(?: card)? of pile (\d+) to pile (\d+)/g,
    );
    return m ? { answer: moveOutcome(state, Number(m[1]), Number(m[2]), Number(m[3])) } : { skip: "no move" };
  },
};

/* ------------------------------ moves as options (5, 6) ------------------------------ */

const moveOption = (m: RunMove): string => `Move card number ${m.index} of pile ${m.from} to pile ${m.to}.`;

/** "number 3 card of pile 1 to pile 4", "3-th card of pile 1 to pile 4" or "the card of pile 1 to pile 4" (index -1). */
function parseMoveOption(text: string): RunMove | undefined {
  const m = /(?:number (\d+)(?: card)?|(\d+)-th card|the card) of pile (\d+) to pile (\d+)/.exec(text);
  if (!m) return undefined;
  const index = m[1] ?? m[2];
  return { index: index === undefined ? -1 : Number(index), from: Number(m[3]), to: Number(m[4]) };
}

/** Letters of the options stating move `m`. */
function lettersOf(options: readonly unknown[] | undefined, hit: (m: RunMove) => boolean): string[] {
  return (options ?? []).flatMap((o, i) => {
    const m = parseMoveOption(String(o));
    return m && hit(m) ? [letter(i)] : [];
  });
}

/** Moves that look like answers but are not `right`: other runs, part-runs, piles that do not fit. */
function distractorMoves(
  s: SpiderState,
  rng: Rng,
  wrong: (m: RunMove) => boolean,
  prefer?: number,
): RunMove[] {
  const n = s.waste.length;
  const out: RunMove[] = [];
  for (let k = 0; k < 60 && out.length < 12; k++) {
    const from = prefer !== undefined && rng.chance(0.5) ? prefer : rng.int(0, n - 1);
    const pile = s.waste[from] ?? [];
    if (pile.length === 0) continue;
    const start = runStart(pile);
    const index =
      start >= 0 && rng.chance(0.6) ? rng.int(start, pile.length - 1) : rng.int(0, pile.length - 1);
    let to = rng.int(0, n - 2);
    if (to >= from) to++;
    const m = { from, to, index };
    if (wrong(m) && !out.some((o) => moveOption(o) === moveOption(m))) out.push(m);
  }
  return out;
}

/* ------------------------------ 5: reveal a face-down card ------------------------------ */

const REVEAL_A = "No action is needed: there are no face-down cards in this pile.";
const REVEAL_B = "It cannot be revealed right now: cards of other piles must be moved first.";

/** Whether option move `m` reveals pile x's face-down card; "the card of pile x" (index -1) is the original's top-card reading. */
function reveals(s: SpiderState, x: number, m: RunMove): boolean {
  const pile = s.waste[x] ?? [];
  if (m.from !== x || m.to === x || pile.length === 0) return false;
  if (m.index < 0) return accepts(s, m.to, pile[pile.length - 1] as SpiderCard);
  return (
    m.index === coverStart(pile) && canSelect(pile, m.index) && accepts(s, m.to, pile[m.index] as SpiderCard)
  );
}

function revealAnswer(s: SpiderState, x: number, options: readonly unknown[] | undefined): ConformResult {
  const pile = s.waste[x] ?? [];
  if (coverStart(pile) < 0) return { answer: "A" };
  const hits = lettersOf(options, (m) => reveals(s, x, m));
  if (hits.length > 1) return { skip: `options ${hits.join(", ")} all reveal it` };
  return { answer: hits[0] ?? "B" };
}

const revealCard: QuestionTemplate<SpiderState> = {
  id: 5,
  name: "reveal-face-down",
  description: "Choose the move that reveals the top face-down card of a pile, if one move can.",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "option-letter",
  generate: ({ state, rng }) => {
    const x = rng.int(0, state.waste.length - 1);
    const pile = state.waste[x] ?? [];
    const start = coverStart(pile);
    const targets = revealTargets(state, x);
    const right = targets.length > 0 ? { from: x, to: rng.pick(targets), index: start } : undefined;
    // Half the fillers move cards of pile x itself (the wrong card, or to a pile that does not fit).
    const fillers = distractorMoves(state, rng, (m) => !reveals(state, x, m), x).slice(0, right ? 5 : 6);
    if (fillers.length < (right ? 5 : 6)) return null;
    const moves = rng.shuffle(right ? [right, ...fillers] : fillers);
    const options = lettered([REVEAL_A, REVEAL_B, ...moves.map(moveOption)]);
    const answer = start < 0 ? "A" : right ? letter(2 + moves.indexOf(right)) : "B";
    const run = start >= 0 ? pile.slice(start).map(rankName).join(", ") : "";
    const analysis =
      start < 0
        ? `Every card of pile ${x} is face up, so there is nothing to reveal: the answer is A.`
        : right
          ? `The top face-down card of pile ${x} is card number ${start - 1}; the face-up cards on it, numbers ${start} to ${pile.length - 1} (${run}), descend one rank at a time and move together. Pile ${right.to} ${
              (state.waste[right.to] ?? []).length
                ? "shows a card one rank higher than card number " + start
                : "is empty"
            }, so moving card number ${start} of pile ${x} to pile ${right.to} uncovers it: the answer is ${answer}.`
          : `The top face-down card of pile ${x} is card number ${start - 1}, covered by ${run}. ${
              canSelect(pile, start)
                ? `No other pile takes a run starting with ${rankName(pile[start] as SpiderCard)}`
                : "Those cards do not form one descending run, so they cannot move together"
            }; other piles must change first: the answer is B.`;
    return {
      question: withOptions(
        state,
        `What should I do to reveal the top face-down card of waste pile ${x}?`,
        options,
      ),
      answer,
      analysis,
      options,
    };
  },
  conform: ({ sample, state }) => {
    const m = lastMatch(
      sample.question,
      /reveal the (?:first|top) face-down card (?:in|of) waste pile (\d+)/g,
    );
    return m ? revealAnswer(state, Number(m[1]), sample.options) : { skip: "no pile in the question" };
  },
};

/* ------------------------------ 6: best move ------------------------------ */

const DEAL_OPTION = "No card can be moved usefully: click the stock to deal.";
const foundationOption = (p: number) => `Move the complete run of pile ${p} to a foundation.`;

const bestMove: QuestionTemplate<SpiderState> = {
  id: 6,
  name: "best-move",
  description:
    "Choose the best move: a complete run to a foundation, else the move of the longest run, else deal.",
  qaType: "Strategy Optimization",
  qaLevel: "Hard",
  answerFormat: "option-letter",
  generate: ({ state, rng }) => {
    const complete = completeSuitPile(state);
    const best = complete < 0 ? longestRunMove(state) : undefined;
    const longest = best?.length ?? 0;
    // Distractors: moves of shorter runs (legal or not), never one as long as the best.
    const fillers = distractorMoves(
      state,
      rng,
      (m) =>
        (state.waste[m.from]?.length ?? 0) - m.index < longest ||
        !canSelect(state.waste[m.from] ?? [], m.index),
    ).filter((m) => !best || moveOption(m) !== moveOption(best));
    if (fillers.length < 6) return null;
    const moves = fillers.slice(0, 6);
    let answer = complete >= 0 ? "H" : "G";
    if (best) {
      const at = rng.int(0, 5);
      moves[at] = best;
      answer = letter(at);
    }
    const foundationPile = complete >= 0 ? complete : rng.int(0, state.waste.length - 1);
    const options = lettered([...moves.map(moveOption), DEAL_OPTION, foundationOption(foundationPile)]);
    const analysis =
      complete >= 0
        ? `Pile ${complete} ends in a complete run from King to Ace, which goes to a foundation first: the answer is H.`
        : best
          ? `No pile holds a complete King-to-Ace run. The priority is then to move as long a run as possible: the longest movable run is card number ${best.index} of pile ${best.from} and the ${best.length - 1} card(s) on it (${(state.waste[best.from] ?? []).slice(best.index).map(rankName).join(", ")}), and pile ${best.to} takes it. Every other listed move is shorter or not possible. The answer is ${answer}.`
          : `No run can move onto another pile, so the best action is to deal from the stock: the answer is G.`;
    return {
      question: withOptions(state, "Based on the current board, which action is best?", options),
      answer,
      analysis,
      options,
    };
  },
  conform: ({ sample, state }) => bestAnswer(sample, state),
};

/**
 * The best-move answer for a published sample. The original's run search ignores whether cards are
 * face up, so it may pick a run that starts on a face-down card; when no option shows our move but
 * one shows that run, the sample follows the original's rule (see the game's doc).
 */
function bestAnswer(sample: GameQASample, state: SpiderState): ConformResult {
  const opts = sample.options;
  if (completeSuitPile(state) >= 0) {
    const i = (opts ?? []).findIndex((o) => /foundation/i.test(String(o)));
    return i < 0 ? { skip: "no foundation option" } : { answer: letter(i) };
  }
  for (const faceUpOnly of [true, false]) {
    const best = longestRunMove(state, faceUpOnly);
    if (!best) continue;
    const hits = lettersOf(opts, (m) => m.from === best.from && m.to === best.to && m.index === best.index);
    if (hits.length === 1)
      return { answer: hits[0] as string, ...(faceUpOnly ? {} : { detail: "original rule" }) };
    if (hits.length > 1) return { skip: `options ${hits.join(", ")} state the same move` };
  }
  if (longestRunMove(state)) return { skip: "the best move is not among the options" };
  const i = (opts ?? []).findIndex((o) => /stock/i.test(String(o)));
  return i < 0 ? { skip: "no deal option" } : { answer: letter(i) };
}

export const spiderTasks: QuestionTemplate<SpiderState>[] = [
  remainingDeals,
  topOfPile,
  faceDown,
  dealClicks,
  moveResult,
  revealCard,
  bestMove,
];
