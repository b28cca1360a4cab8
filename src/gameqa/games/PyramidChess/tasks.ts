/**
 * Pyramid Chess question templates, question_id 0-5 as in the original: status of a slot (0),
 * outcome of placing a ball (1), turns until a slot can take a ball (2), the best slot for the
 * player to move (3), number of balls (4) and the detailed status of a slot (5). Multiple-choice
 * answers are 1-based option numbers (integers); 2 and 4 are fill-in numbers, 3 is "[x, y] at level z".
 */
import { lastMatch } from "../../parse.js";
import type { ConformResult, GameQASample, GeneratedQuestion, QuestionTemplate, Rng } from "../../types.js";
import { skipTask, type TaskSkip } from "../../types.js";
import {
  allSlots,
  type Board,
  ballCount,
  bases,
  blocksCompleted,
  COLOUR,
  canPlace,
  canTake,
  cellAt,
  completingMoves,
  inBounds,
  other,
  PLAYER,
  type Slot,
  turnsToPlace,
} from "./logic.js";
import { type PyramidState, toBoard } from "./state.js";

const RULES =
  "Pyramid Chess rules:\n" +
  "0. Board: the board is square, 3x3, 4x4 or 5x5. An n x n board has n levels, 0 to n-1; level k has (n-k) x (n-k) slots with coordinates [x, y], x and y from 0 to n-1-k. " +
  "Slot [x, y] of level k > 0 rests on the four slots [x, y], [x+1, y], [x, y+1] and [x+1, y+1] of level k-1; level-0 slots rest on the ground.\n" +
  "1. Players: PLAYER_0 plays blue balls and PLAYER_1 red balls; they take turns, PLAYER_0 first, each placing one ball per turn. " +
  "Each has 7 balls on a 3x3 board and 15 on a 4x4 board; on a 5x5 board PLAYER_0 has 28 and PLAYER_1 27.\n" +
  "2. Placing: any free slot of level 0 can take a ball. A free slot of a higher level can take a ball only when all four slots under it hold balls. A slot holds at most one ball.\n" +
  "3. Taking back: a player whose ball completes a 2x2 block of four balls of their own colour may take up to two balls of that block back into their supply. " +
  "Only a ball with no ball on top of it can be taken back; the freed slot can be filled again later, under the same placing rule.\n" +
  "4. Winning: the player who places the ball on the top of the pyramid wins.\n" +
  "The image shows the pyramid in 3D and, above it, each level seen from above (x-axis along the bottom, y-axis on the right).\n\n";

const ANSWER_WITH_OPTION = "\n\nAnswer with the number of the correct option.";
const optionList = (values: readonly string[]): string =>
  `\nOptions:\n${values.map((v, i) => `${i + 1}. ${v}`).join("\n")}`;
const pos = (s: Slot): string => `[${s[1]}, ${s[2]}]`;
const where = (s: Slot): string => `${pos(s)} on level ${s[0]}`;
const boardOf = (state: PyramidState): Board => toBoard(state);
const sizeText = (b: Board): string => `The board is ${b.length}x${b.length}.`;

/** A slot to ask about: any slot of the board, or (a quarter of the time) one outside it. */
function askedSlot(rng: Rng, b: Board): { slot: Slot; out: boolean } {
  const slot = rng.pick(allSlots(b));
  if (!rng.chance(0.25)) return { slot, out: false };
  return rng.chance(0.5)
    ? { slot: [rng.int(5, 15), slot[1], slot[2]], out: true }
    : { slot: [slot[0], rng.int(5, 15), rng.int(5, 15)], out: true };
}

/** Level and [x, y] of "Level k, which has coordinate ([x, y])" (the last one in the question). */
function statusSlot(sample: GameQASample): Slot | undefined {
  const m = lastMatch(sample.question, /[Ll]evel (\d+), which has coordinate \(\[(\d+), (\d+)\]\)/g);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

const OWNER_OPTIONS = ["PLAYER_0", "PLAYER_1", "Empty", "Index out of bound"];

function ownerAnswer(b: Board, s: Slot): { answer: number; text: string } {
  if (!inBounds(b, s))
    return {
      answer: 4,
      text:
        s[0] >= b.length
          ? `Level ${s[0]} does not exist: the levels run from 0 to ${b.length - 1}. The slot is out of bound.`
          : `On level ${s[0]} x and y run from 0 to ${b.length - 1 - s[0]}, so ${pos(s)} is out of bound.`,
    };
  const c = cellAt(b, s);
  if (c === "--") return { answer: 3, text: `Slot ${where(s)} holds no ball: it is empty.` };
  return {
    answer: c === "P0" ? 1 : 2,
    text: `Slot ${where(s)} holds a ${COLOUR[c]} ball, which belongs to ${PLAYER[c]}.`,
  };
}

export const slotOwner: QuestionTemplate<PyramidState> = {
  id: 0,
  name: "slot-owner",
  description: "Say whose ball, if any, is at a given slot.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion {
    const b = boardOf(state);
    const { slot } = askedSlot(rng, b);
    const { answer, text } = ownerAnswer(b, slot);
    return {
      question: `${RULES}Question: What is the status of the ball on Level ${slot[0]}, which has coordinate (${pos(slot)})?${optionList(OWNER_OPTIONS)}${ANSWER_WITH_OPTION}`,
      answer,
      analysis: `${sizeText(b)} ${text} So the answer is option ${answer}.`,
      options: OWNER_OPTIONS,
    };
  },
  conform({ sample, state }): ConformResult {
    const s = statusSlot(sample);
    return s ? { answer: ownerAnswer(boardOf(state), s).answer } : { skip: "slot not found in question" };
  },
};

const PLACE_OPTIONS = [
  "Can place and no balls taken",
  "Can place and then balls can be taken",
  "Cannot place, position already occupied",
  "Cannot place, ball not ready below",
];

function placeOutcome(b: Board, s: Slot, p: "P0" | "P1"): { answer: number; text: string } {
  const c = cellAt(b, s);
  if (c !== "--")
    return {
      answer: 3,
      text: `Slot ${where(s)} already holds a ${COLOUR[c]} ball, so nothing can be placed there.`,
    };
  if (!canPlace(b, s)) {
    const under = bases(s);
    const empty = under.filter((t) => cellAt(b, t) === "--");
    return {
      answer: 4,
      text: empty.length
        ? `Slot ${where(s)} rests on ${under.map(pos).join(", ")} of level ${s[0] - 1}, but ${empty.map(pos).join(", ")} hold(s) no ball, so the slot cannot take a ball yet.`
        : `The four balls under ${where(s)} are all ${COLOUR[cellAt(b, under[0] as Slot) as "P0"]}: that block is due to be taken back, so the slot cannot take a ball yet.`,
    };
  }
  const blocks = blocksCompleted(b, s, p);
  if (blocks.length === 0)
    return {
      answer: 1,
      text: `Slot ${where(s)} is free and can take a ball. A ${COLOUR[p]} ball there completes no 2x2 block of ${COLOUR[p]} balls, so no ball is taken back.`,
    };
  const blockText = blocks.map((u) => bases(u).map(pos).join(", ")).join("; ");
  return {
    answer: 2,
    text: `Slot ${where(s)} is free and can take a ball. A ${COLOUR[p]} ball there completes the all-${COLOUR[p]} 2x2 block ${blockText} on level ${s[0]}, so balls can be taken back.`,
  };
}

export const placeBall: QuestionTemplate<PyramidState> = {
  id: 1,
  name: "place-outcome",
  description:
    "Say whether a ball of a given colour can go on a slot, and whether balls can then be taken back.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion {
    const b = boardOf(state);
    const slot = rng.pick(allSlots(b));
    const p = rng.chance(0.5) ? "P0" : "P1";
    const { answer, text } = placeOutcome(b, slot, p);
    return {
      question: `${RULES}Question: Can a ball be placed at coordinate ${pos(slot)} on Level ${slot[0]}? If a ${COLOUR[p]} ball is placed there, what would be the outcome?${optionList(PLACE_OPTIONS)}${ANSWER_WITH_OPTION}`,
      answer,
      analysis: `${sizeText(b)} ${text} So the answer is option ${answer}.`,
      options: PLACE_OPTIONS,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /coordinate \[(\d+), (\d+)\] on Level (\d+)\?/g);
    const c = lastMatch(sample.question, /If a (blue|red) ball/g);
    if (!m || !c) return { skip: "slot or colour not found in question" };
    const slot: Slot = [Number(m[3]), Number(m[1]), Number(m[2])];
    return { answer: placeOutcome(boardOf(state), slot, c[1] === "blue" ? "P0" : "P1").answer };
  },
};

export const turnsNeeded: QuestionTemplate<PyramidState> = {
  id: 2,
  name: "turns-to-place",
  description: "Count the turns until a ball can be placed on a given free slot, the placing turn included.",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "number",
  generate({ state, rng }): GeneratedQuestion | TaskSkip {
    const b = boardOf(state);
    const free = allSlots(b).filter((t) => cellAt(b, t) === "--");
    if (free.length === 0) return skipTask("no free slot");
    const s = rng.pick(free);
    const { turns, missing } = turnsToPlace(b, s);
    const levels = [...missing.keys()].sort((x, y) => y - x);
    const lines = levels.map(
      (k) =>
        `Level ${k}: ${missing.get(k)?.length} ball(s) missing, at ${(missing.get(k) ?? []).map(pos).join(", ")}.`,
    );
    return {
      question: `${RULES}Question: How many turns does it take until a ball is placed at coordinate ${pos(s)} on Level ${s[0]}, counting the turn that places it?`,
      answer: String(turns),
      analysis:
        `${sizeText(b)} A ball can go on ${where(s)} once every slot of the sub-pyramid under it holds a ball, so we count the free slots under it level by level, each once.\n` +
        `${lines.length ? lines.join("\n") : "No slot under it is free."}\n` +
        `That is ${turns - 1} ball(s) to place first, plus the turn placing this one: ${turns}.`,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /coordinate \[(\d+), (\d+)\] on Level (\d+)/g);
    if (!m) return { skip: "slot not found in question" };
    return { answer: String(turnsToPlace(boardOf(state), [Number(m[3]), Number(m[1]), Number(m[2])]).turns) };
  },
};

const slotText = (s: Slot): string => `${pos(s)} at level ${s[0]}`;

/** Best slot for `p`: its one block-completing slot, else the one slot that blocks the opponent's. */
function bestSlot(b: Board, p: "P0" | "P1"): { slot?: Slot; own: Slot[]; theirs: Slot[] } {
  const own = completingMoves(b, p);
  const theirs = completingMoves(b, other(p));
  if (own.length === 1) return { slot: own[0] as Slot, own, theirs };
  if (own.length === 0 && theirs.length === 1) return { slot: theirs[0] as Slot, own, theirs };
  return { own, theirs };
}

export const bestMove: QuestionTemplate<PyramidState> = {
  id: 3,
  name: "best-slot",
  description:
    "Find the best slot for the player to move: complete an own 2x2 block, else block the opponent's.",
  qaType: "Strategy Optimization",
  qaLevel: "Hard",
  answerFormat: "text",
  generate({ state, rng }): GeneratedQuestion | TaskSkip {
    const b = boardOf(state);
    for (const p of rng.shuffle(["P0", "P1"] as const)) {
      const { slot, own } = bestSlot(b, p);
      if (!slot) continue;
      const answer = slotText(slot);
      const why = own.length
        ? `A ${COLOUR[p]} ball on ${where(slot)} completes a 2x2 block of ${COLOUR[p]} balls (${blocksCompleted(
            b,
            slot,
            p,
          )
            .map((u) => bases(u).map(pos).join(", "))
            .join(
              "; ",
            )} on level ${slot[0]}), so ${PLAYER[p]} takes balls back instead of losing one this turn; no other slot does that.`
        : `${PLAYER[p]} cannot complete a 2x2 block of ${COLOUR[p]} balls this turn, but ${PLAYER[other(p)]} could complete one of ${COLOUR[other(p)]} balls by playing ${where(slot)}, the only such slot; a ${COLOUR[p]} ball there blocks it.`;
      return {
        question:
          `${RULES}It is ${PLAYER[p]}'s turn (${COLOUR[p]} balls). What is the best slot for the next ball? ` +
          "The best slot completes a 2x2 block of the player's own colour (so balls come back to the supply); when there is none, it is the slot where the opponent would complete such a block. " +
          'Answer in the form "[x, y] at level z".',
        answer,
        analysis: `${sizeText(b)} ${why} So the answer is ${answer}.`,
      };
    }
    return skipTask("no single block-completing or blocking slot");
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /It is (PLAYER_[01])'s turn/g);
    if (!m) return { skip: "player not found in question" };
    const p = m[1] === "PLAYER_0" ? "P0" : "P1";
    const b = boardOf(state);
    const { slot, own, theirs } = bestSlot(b, p);
    if (slot) return { answer: slotText(slot) };
    // Several candidates: the original names one of them (the slot its random play stopped at).
    const candidates = (own.length ? own : theirs).map(slotText);
    const given = String(sample.answer).replace(/\s+/g, " ").trim();
    if (candidates.includes(given))
      return { answer: given, detail: `one of ${candidates.length} equal slots` };
    return { skip: `no single best slot (${candidates.join("; ") || "none"})` };
  },
};

export const ballTotal: QuestionTemplate<PyramidState> = {
  id: 4,
  name: "ball-count",
  description: "Count the balls on the board.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "number",
  generate({ state }): GeneratedQuestion {
    const b = boardOf(state);
    const per = b.map((level) => level.flat().filter((c) => c !== "--").length);
    const n = ballCount(b);
    return {
      question: `${RULES}Question: How many balls are there on the board in the image?`,
      answer: String(n),
      analysis: `${sizeText(b)} Counting level by level from the bottom: ${per.map((c, k) => `level ${k}: ${c}`).join(", ")}. In all ${per.join(" + ")} = ${n} balls.`,
    };
  },
  conform: ({ state }) => ({ answer: String(ballCount(boardOf(state))) }),
};

/** Options of task 5 in the order of the original's `options` field (its question text swaps 4 and 5). */
const STATUS_OPTIONS = [
  "The coordinate is out of bound",
  "It contain a ball and the ball can't be taken",
  "It contain a ball and can be taken",
  "It doesn't contain a ball and the player can put a ball here this turn",
  "It doesn't contain a ball and the player can't put a ball here this turn",
];

function slotStatus(b: Board, s: Slot): { answer: number; text: string } {
  if (!inBounds(b, s)) return { answer: 1, text: `${pos(s)} on level ${s[0]} lies outside the board.` };
  if (cellAt(b, s) !== "--")
    return canTake(b, s)
      ? {
          answer: 3,
          text: `Slot ${where(s)} holds a ball with no ball on top of it, so it could be taken back.`,
        }
      : {
          answer: 2,
          text: `Slot ${where(s)} holds a ball that carries a ball above it, so taking it would collapse the pyramid.`,
        };
  return canPlace(b, s)
    ? {
        answer: 4,
        text: `Slot ${where(s)} is free and ${s[0] === 0 ? "on the ground" : "the slots under it are full"}, so a ball can be put there this turn.`,
      }
    : {
        answer: 5,
        text: `Slot ${where(s)} is free, but the block under it is not ready to carry a ball, so no ball can be put there this turn.`,
      };
}

export const slotStatusTask: QuestionTemplate<PyramidState> = {
  id: 5,
  name: "slot-status",
  description:
    "Give the detailed status of a slot: out of bound, ball that can or cannot be taken, free slot that can or cannot take a ball.",
  qaType: "Target Perception",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion {
    const b = boardOf(state);
    const { slot } = askedSlot(rng, b);
    const { answer, text } = slotStatus(b, slot);
    return {
      question:
        `${RULES}Question: What is the status of the ball on Level ${slot[0]}, which has coordinate (${pos(slot)})? ` +
        "Is the coordinate on the board? Does the slot hold a ball? Could that ball be taken back (no ball directly above it)? Can a ball be placed there?" +
        `${optionList(STATUS_OPTIONS)}${ANSWER_WITH_OPTION}`,
      answer,
      analysis: `${sizeText(b)} ${text} So the answer is option ${answer}.`,
      options: STATUS_OPTIONS,
    };
  },
  conform({ sample, state }) {
    const s = statusSlot(sample);
    return s ? { answer: slotStatus(boardOf(state), s).answer } : { skip: "slot not found in question" };
  },
};

export const TASKS = [slotOwner, placeBall, turnsNeeded, bestMove, ballTotal, slotStatusTask];
