/**
 * Tetris question templates (question ids as in the original: 0 empty cells in a row, 1 shape of the
 * active piece, 2 fall time after a sideways move, 3 most rows cleared by the active piece).
 */
import { lastMatch } from "../../parse.js";
import type { ConformResult, GeneratedQuestion, QuestionTemplate } from "../../types.js";
import {
  activeCells,
  bestClear,
  type Cell,
  emptyCellsInRow,
  formatCells,
  identifyShape,
  normalize,
  type SideMove,
  stepsUntilCollision,
} from "./logic.js";
import type { TetrisState } from "./state.js";

/** Option order of the shape question (1-based answers follow it, as in the published data). */
export const SHAPE_OPTIONS = ["I", "O", "T", "L", "J", "S", "Z", "no active tetromino"] as const;

function boardRules(s: TetrisState): string {
  return (
    `1. The image shows a Tetris board of ${s.rows} rows and ${s.cols} columns. Rows are numbered 0 (top) to ${s.rows - 1} (bottom) ` +
    `on the left edge; columns are numbered 0 (left) to ${s.cols - 1} (right) along the top. A cell is written (row, column).\n` +
    "2. White cells are empty, grey cells hold blocks of tetrominoes that have already landed, and red cells form the " +
    "active tetromino that is still falling. If the game is already over there is no red tetromino.\n"
  );
}

const PIECE_GUIDE =
  "3. A tetromino is four blocks joined edge to edge. In its reference orientation (0°):\n" +
  "   - I: four blocks in a vertical line.\n" +
  "   - O: a 2x2 square.\n" +
  "   - T: a horizontal row of three with one block below the middle one.\n" +
  "   - L: a vertical line of three with one block attached to the right of the bottom block.\n" +
  "   - J: a vertical line of three with one block attached to the left of the bottom block (the mirror of L).\n" +
  "   - S: two blocks on the top right and two on the bottom left, overlapping by one column.\n" +
  "   - Z: two blocks on the top left and two on the bottom right, overlapping by one column (the mirror of S).\n" +
  "   Any of them may appear rotated by 90°, 180° or 270°.\n";

/** The piece drawn as text, '#' for a block and '.' for a gap inside its bounding box. */
function pattern(cells: readonly Cell[]): string {
  const n = normalize(cells);
  const h = Math.max(...n.map((c) => c[0])) + 1;
  const w = Math.max(...n.map((c) => c[1])) + 1;
  const set = new Set(n.map(([r, c]) => `${r},${c}`));
  const lines: string[] = [];
  for (let r = 0; r < h; r++) {
    let line = "";
    for (let c = 0; c < w; c++) line += set.has(`${r},${c}`) ? "#" : ".";
    lines.push(`   ${line}`);
  }
  return lines.join("\n");
}

/** Explains which tetromino the red cells form; empty string when there are none. */
export function describeActive(cells: readonly Cell[]): { letter: string | null; text: string } {
  if (cells.length === 0)
    return { letter: null, text: "There are no red cells, so no tetromino is falling (the game is over)." };
  const id = identifyShape(cells);
  const n = normalize(cells);
  const h = Math.max(...n.map((c) => c[0])) + 1;
  const w = Math.max(...n.map((c) => c[1])) + 1;
  const head = `The red cells are ${formatCells(cells)}. Inside their ${h}x${w} bounding box (rows x columns) they form:\n${pattern(cells)}\n`;
  if (!id) return { letter: null, text: `${head}This is not one of the seven tetrominoes.` };
  return {
    letter: id.letter,
    text: `${head}This is the ${id.letter} tetromino turned ${id.degrees}° clockwise from its reference orientation.`,
  };
}

/* ------------------------------ q0: empty cells ------------------------------ */

export function emptyCellsAnswer(s: TetrisState, row: number): { answer: number; analysis: string } {
  const empty = emptyCellsInRow(s.grid, row);
  const analysis =
    `Scanning row ${row} from column 0 to column ${s.cols - 1}, the white cells are ${formatCells(empty)}.\n` +
    `Counting them gives ${empty.length}, so row ${row} has ${empty.length} empty cells.`;
  return { answer: empty.length, analysis };
}

const emptyCells: QuestionTemplate<TetrisState> = {
  id: 0,
  name: "empty-cells",
  description: "empty cells in row",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "number",
  generate({ state, rng }): GeneratedQuestion {
    // Mostly ask about rows that hold blocks: all-empty rows make trivial questions.
    const busy = state.grid.map((row, r) => (row.some((v) => v !== 0) ? r : -1)).filter((r) => r >= 0);
    const row = busy.length > 0 && rng.chance(0.8) ? rng.pick(busy) : rng.int(0, state.rows - 1);
    const { answer, analysis } = emptyCellsAnswer(state, row);
    return {
      question: `Rules:\n${boardRules(state)}\nQuestion:\nHow many empty (white) cells are there in row ${row}?`,
      answer,
      analysis,
    };
  },
  conform({ sample, state }): ConformResult {
    const m = lastMatch(sample.question, /\brow (\d+)/gi);
    if (!m) return { skip: "no row number in the question" };
    return { answer: emptyCellsAnswer(state, Number(m[1])).answer };
  },
};

/* ------------------------------ q1: shape ------------------------------ */

export function shapeAnswer(s: TetrisState): { answer: number; analysis: string } {
  const { letter, text } = describeActive(activeCells(s.grid));
  const index = letter
    ? SHAPE_OPTIONS.indexOf(letter as (typeof SHAPE_OPTIONS)[number]) + 1
    : SHAPE_OPTIONS.length;
  return {
    answer: index,
    analysis: `${text}\nSo the answer is option ${index}: ${SHAPE_OPTIONS[index - 1]}.`,
  };
}

const shapeRecognition: QuestionTemplate<TetrisState> = {
  id: 1,
  name: "shape-recognition",
  description: "shape_recognizing",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate({ state }): GeneratedQuestion {
    const { answer, analysis } = shapeAnswer(state);
    const options = [...SHAPE_OPTIONS];
    return {
      question:
        `Rules:\n${boardRules(state)}${PIECE_GUIDE}\nQuestion:\nWhich tetromino is the active (red) piece?\n\nOptions:\n` +
        options.map((o, i) => `${i + 1}: ${o}`).join("\n"),
      answer,
      analysis,
      options,
    };
  },
  conform({ state }): ConformResult {
    return { answer: shapeAnswer(state).answer };
  },
};

/* ------------------------------ q2: fall after a sideways move ------------------------------ */

export function sideMoveAnswer(s: TetrisState, move: SideMove): { answer: number; analysis: string } {
  const cells = activeCells(s.grid);
  if (cells.length === 0) {
    return {
      answer: -1,
      analysis: "There are no red cells, so no tetromino is falling and the answer is -1.",
    };
  }
  const { text } = describeActive(cells);
  const out = stepsUntilCollision(s.grid, cells, move);
  let tail: string;
  if (!out.moved) {
    tail = `Moving it one column ${move} is blocked (a cell would leave the board or overlap a grey block), so it collides at once: 0 timesteps.`;
  } else {
    const moved = out.moved;
    const landed = moved.map(([r, c]) => [r + out.steps, c] as const);
    const floor = landed.some(([r]) => r === s.rows - 1);
    tail =
      `After moving one column ${move} it occupies ${formatCells(moved)}. It can then fall ${out.steps} row(s) freely, ` +
      `reaching ${formatCells(landed)}, where the next fall would hit ${floor ? "the bottom of the board" : "a grey block"}.\n` +
      `So it takes ${out.steps} timesteps to collide.`;
  }
  return { answer: out.steps, analysis: `${text}\n${tail}` };
}

const sideMoveCollision: QuestionTemplate<TetrisState> = {
  id: 2,
  name: "steps-until-collision",
  description: "timesteps_until_collision",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "number",
  generate({ state, rng }): GeneratedQuestion {
    const move: SideMove = rng.chance(0.5) ? "left" : "right";
    const { answer, analysis } = sideMoveAnswer(state, move);
    return {
      question:
        `Rules:\n${boardRules(state)}` +
        "3. The active tetromino falls one row per timestep and is not rotated.\n" +
        "4. A collision happens when the tetromino cannot move further because a grey block or the edge of the board is in the way.\n" +
        "5. If there is no active tetromino, answer -1.\n\n" +
        `Question:\nThe active tetromino is moved one column to the ${move} (only this one move). ` +
        "How many timesteps of falling will pass before it collides with a grey block or the bottom of the board? " +
        "Answer 0 if the move itself is blocked.",
      answer,
      analysis,
    };
  },
  conform({ sample, state }): ConformResult {
    const m = lastMatch(sample.question, /\b(left|right)\b/gi);
    if (!m) return { skip: "no move direction in the question" };
    return { answer: sideMoveAnswer(state, (m[1] as string).toLowerCase() as SideMove).answer };
  },
};

/* ------------------------------ q3: most rows cleared ------------------------------ */

export function maxClearAnswer(s: TetrisState): { answer: number; analysis: string } {
  const cells = activeCells(s.grid);
  if (cells.length === 0) {
    return {
      answer: 0,
      analysis: "There are no red cells, so no tetromino is falling and no row can be cleared: 0.",
    };
  }
  const { text } = describeActive(cells);
  const best = bestClear(s.grid, cells);
  if (!best || best.cleared.length === 0) {
    return {
      answer: 0,
      analysis: `${text}\nTrying every orientation of this piece in every position where it rests, no row becomes full. So the answer is 0.`,
    };
  }
  const n = best.cleared.length;
  return {
    answer: n,
    analysis:
      `${text}\nTrying every orientation in every position where it rests, the best is to put its blocks on ${formatCells(best.cells)}. ` +
      `That fills row${n > 1 ? "s" : ""} ${best.cleared.join(", ")}, and no placement fills more. So at most ${n} row${n > 1 ? "s" : ""} can be cleared.`,
  };
}

const maxRowsCleared: QuestionTemplate<TetrisState> = {
  id: 3,
  name: "max-rows-cleared",
  description: "maximum rows to be cleared",
  qaType: "Strategy Optimization",
  qaLevel: "Hard",
  answerFormat: "number",
  generate({ state, rng }): GeneratedQuestion | null {
    const { answer, analysis } = maxClearAnswer(state);
    // Like the original, prefer boards where something can be cleared: most random boards allow
    // no clear, so only 15% of the zero answers are kept (about a third of the samples end as 0).
    if (answer === 0 && rng.chance(0.85)) return null;
    return {
      question:
        `Rules:\n${boardRules(state)}` +
        "3. The active tetromino may be rotated and moved left, right or down without limit, so it can end in any position " +
        "where it lies inside the board, overlaps no grey block, and rests on a grey block or the bottom edge.\n" +
        "4. When it lands, every row that is completely filled is cleared. Count only rows cleared by this one piece.\n" +
        "5. If there is no active tetromino, the answer is 0.\n\n" +
        "Question:\nWhat is the largest number of rows that can be cleared by placing the active tetromino?",
      answer,
      analysis,
    };
  },
  conform({ state }): ConformResult {
    return { answer: maxClearAnswer(state).answer };
  },
};

export const tetrisTasks: QuestionTemplate<TetrisState>[] = [
  emptyCells,
  shapeRecognition,
  sideMoveCollision,
  maxRowsCleared,
];
