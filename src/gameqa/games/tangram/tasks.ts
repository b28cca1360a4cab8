/**
 * Tangram question templates with the original's ids: 1 piece count, 2 rotation (rotation-task.ts),
 * 3 piece area, 4 adjacent pieces, 5 placement of two removed pieces (placement-task.ts). All are
 * multiple choice answered with the option's 1-based number.
 */
import { makeChoices } from "../../options.js";
import { type QuestionTemplate, type Rng, skipTask } from "../../types.js";
import { pieceColourName } from "./colours.js";
import { choice, optionResult, pieceInQuestion, questionText, removedList } from "./common.js";
import { cellContacts, neighbours, piecesOnBoard, rowRuns } from "./logic.js";
import { placementTask } from "./placement-task.js";
import { rotationTask } from "./rotation-task.js";
import type { TangramState } from "./state.js";

type Task = QuestionTemplate<TangramState>;

const label = (id: number): string => `Piece ${id} (${pieceColourName(id)})`;

/** `count` distinct whole numbers in [lo, hi] around `answer`, the answer among them. */
function around(
  rng: Rng,
  answer: number,
  lo: number,
  hi: number,
  count: number,
): { values: string[]; correct: number } {
  const pool: string[] = [];
  for (let v = Math.max(0, lo); v <= hi; v++) pool.push(String(v));
  return makeChoices(rng, String(answer), pool, count);
}

/* ------------------------------ 1: piece count ------------------------------ */

export function countAnswer(s: TangramState): { count: number; analysis: string } {
  const on = piecesOnBoard(s.grid);
  const listed = on.map((id) => {
    const [r, c] = s.seeds[id - 1] as [number, number];
    return `${label(id)} around (${r}, ${c})`;
  });
  return {
    count: on.length,
    analysis:
      `Pieces still on the main board: ${listed.join("; ")}.\nRemoved pieces, drawn below the board: ${removedList(s)}.\n` +
      `Counting the distinct numbers on the main board gives ${on.length} pieces.`,
  };
}

const countTask: Task = {
  id: 1,
  name: "piece-count",
  description: "piece_count",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate({ state, rng }) {
    const { count, analysis } = countAnswer(state);
    const { values, correct } = around(rng, count, count - 4, Math.max(count + 4, 7), 8);
    const question = questionText(
      ["Some pieces were taken off the main board; they are drawn under it."],
      "How many pieces are on the main board now?",
      values,
    );
    return choice(question, values, correct, analysis);
  },
  conform: ({ sample, state }) => optionResult(sample, countAnswer(state).count),
};

/* ------------------------------ 3: piece area ------------------------------ */

export function areaAnswer(s: TangramState, piece: number): { area: number; analysis: string } {
  const runs = rowRuns(s.grid, piece);
  let sum = 0;
  const lines = runs.map((r) => {
    sum += r.count;
    return `Row ${r.row}: ${r.count} cell${r.count === 1 ? "" : "s"} (columns ${r.first} to ${r.last}), ${sum} so far`;
  });
  const first = runs[0]?.row ?? 0;
  const last = runs[runs.length - 1]?.row ?? 0;
  return {
    area: sum,
    analysis:
      `${label(piece)} covers rows ${first} to ${last}. Counting its cells row by row:\n${lines.join("\n")}\n` +
      `${runs.map((r) => r.count).join(" + ")} = ${sum} cells.`,
  };
}

const areaTask: Task = {
  id: 3,
  name: "piece-area",
  description: "piece_area",
  qaType: "Target Perception",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }) {
    const on = piecesOnBoard(state.grid);
    if (on.length === 0) return skipTask("no piece on the board");
    const piece = rng.pick(on);
    const { area, analysis } = areaAnswer(state, piece);
    const picked = around(rng, area, Math.max(1, area - 6), area + 5, 8);
    // Listed in increasing order, as the original does for areas.
    const values = [...picked.values].sort((a, b) => Number(a) - Number(b));
    const question = questionText(
      ["The area of a piece is the number of cells it covers."],
      `What is the area (number of cells) of Piece ${piece}?`,
      values,
    );
    return choice(question, values, values.indexOf(String(area)), analysis);
  },
  conform({ sample, state }) {
    const piece = pieceInQuestion(sample.question);
    return piece === undefined
      ? { skip: "no piece in the question" }
      : optionResult(sample, areaAnswer(state, piece).area);
  },
};

/* ------------------------------ 4: adjacency ------------------------------ */

export function adjacencyAnswer(s: TangramState, piece: number): { count: number; analysis: string } {
  const per = cellContacts(s.grid, piece);
  const sides = new Map<number, number>();
  const lines = per.map(({ cell, contacts }) => {
    for (const k of contacts) sides.set(k.piece, (sides.get(k.piece) ?? 0) + 1);
    const seen = contacts.map((k) => `${k.dir} ${label(k.piece)} at (${k.at[0]},${k.at[1]})`);
    return `Cell (${cell[0]},${cell[1]}): ${seen.length ? seen.join(", ") : "no other piece"}`;
  });
  const count = neighbours(s.grid, piece).length;
  const summary = [...sides].map(([id, n]) => `${label(id)} shares ${n} edge${n === 1 ? "" : "s"}`);
  return {
    count,
    analysis:
      `The cells of ${label(piece)} and the other pieces across their edges:\n${lines.join("\n")}\n` +
      `Touching pieces: ${summary.length ? summary.join("; ") : "none"}.\n` +
      `${count} different piece${count === 1 ? " is" : "s are"} adjacent.`,
  };
}

const adjacencyTask: Task = {
  id: 4,
  name: "piece-adjacency",
  description: "piece_adjacency",
  qaType: "Target Perception",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }) {
    const on = piecesOnBoard(state.grid);
    if (on.length < 2) return skipTask("fewer than two pieces on the board");
    const piece = rng.pick(on);
    const { count, analysis } = adjacencyAnswer(state, piece);
    const { values, correct } = around(rng, count, count - 4, Math.max(count + 4, 7), 8);
    const question = questionText([], `How many different pieces are adjacent to Piece ${piece}?`, values);
    return choice(question, values, correct, analysis);
  },
  conform({ sample, state }) {
    const piece = pieceInQuestion(sample.question);
    return piece === undefined
      ? { skip: "no piece in the question" }
      : optionResult(sample, adjacencyAnswer(state, piece).count);
  },
};

export const tangramTasks: Task[] = [countTask, rotationTask, areaTask, adjacencyTask, placementTask];
