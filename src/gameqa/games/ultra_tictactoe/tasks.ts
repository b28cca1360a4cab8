/**
 * Ultra Tic-Tac-Toe question templates, ids 1-7 as in the original: owner of a cell, number of
 * legal cells for the next piece, marked middle cells, pieces on the board, a player's points in a
 * Nine-grid (all Target Perception), the Nine-grid the player to move is sent to (State
 * Prediction) and the highest-scoring next cell (Strategy Optimization, fill-in "(i, j, row, col)").
 * Multiple-choice answers are 1-based option numbers written as strings, as in the published data.
 */
import { findOptionKey } from "../../options.js";
import { lastMatch } from "../../parse.js";
import type {
  ConformInput,
  ConformResult,
  GameQASample,
  GeneratedQuestion,
  QuestionTemplate,
  Rng,
} from "../../types.js";
import {
  coordText,
  deduceNextGrid,
  freeCells,
  gridIndex,
  type Mark,
  type Marks,
  other,
  type Piece,
  pairText,
  piecesPerGrid,
  piecesPerPosition,
  playerName,
  pointsAfter,
  pointsIn,
} from "./logic.js";
import { marksOf, type UtttState } from "./state.js";

const RULES =
  "The image shows a game of Ultra Tic-Tac-Toe. Rules:\n" +
  "1. The board is made of 9 Nine-grids (blocks of 3x3 cells), themselves laid out 3x3. A cell is written (i, j, row, col): " +
  "(i, j) names its Nine-grid and (row, col) its place inside that Nine-grid; all four numbers run from 1 to 3, rows counted from the top and columns from the left. " +
  'The first player marks cells with "X" and the second player with "O", taking turns.\n' +
  "2. The first player opens anywhere in the middle Nine-grid (2, 2). From then on, each piece must go into the Nine-grid whose (i, j) equals the (row, col) " +
  "of the cell the opponent marked last: a mark at cell (2, 2, 3, 1), say, sends the opponent to Nine-grid (3, 1).\n" +
  "3. Every straight line of three of a player's pieces inside one Nine-grid (a row, a column or a diagonal) is worth 1 point to that player; " +
  "one Nine-grid can give several points.\n\n";

const ANSWER_WITH_OPTION = "\n\nAnswer with the number of the correct option.";
const optionList = (values: readonly string[]): string =>
  `\nOptions:\n${values.map((v, i) => `${i + 1}. ${v}`).join("\n")}`;

const OWNER_OPTIONS = ["First Player", "Second Player", "Not Marked"];
const DIGIT_OPTIONS = [...Array(10).keys()].map(String);
const GRID_OPTIONS = [...Array(9).keys()].map((g) => `Nine-grid ${pairText(g)}`);
const COORD = String.raw`\((\d), (\d), (\d), (\d)\)`;

const cellCoord = (g: number, c: number): string => `${pairText(g).slice(0, -1)}, ${pairText(c).slice(1)}`;
const markAt = (m: Marks, g: number, c: number): Mark => (m[g] as Mark[])[c] as Mark;

/** 1-based number of the published option reading `value`, as a string. */
function optionAnswer(sample: GameQASample, value: string): ConformResult {
  const key = findOptionKey(sample.options ?? [], value, "index1");
  return key ? { answer: key } : { skip: `no single option reads ${value}` };
}

/** The four numbers of the last "(a, b, c, d)" matching `before` + coordinate in the question. */
function questionCoord(sample: GameQASample, before: string): number[] | undefined {
  const m = lastMatch(sample.question, new RegExp(before + COORD, "g"));
  return m ? [1, 2, 3, 4].map((k) => Number(m[k])) : undefined;
}

/** Eight distinct non-negative numbers: the answer and offsets within ±15 (the original's scheme). */
function countOptions(rng: Rng, answer: number): string[] {
  const values = new Set([answer]);
  while (values.size < 8) {
    const v = answer + rng.int(-15, 15);
    if (v >= 0) values.add(v);
  }
  return rng.shuffle([...values].map(String));
}

export const cellOwner: QuestionTemplate<UtttState> = {
  id: 1,
  name: "cell-owner",
  description: "Say which player marked the cell at a given coordinate.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion {
    const marks = marksOf(state);
    // Mostly a marked cell (the original only asks about those), sometimes an empty one.
    const empty = marks.flatMap((cells, g) => freeCells(cells).map((c) => [g, c] as const));
    const marked = marks.flatMap((cells, g) => cells.flatMap((m, c) => (m ? [[g, c] as const] : [])));
    const [g, c] = empty.length > 0 && rng.chance(0.25) ? rng.pick(empty) : rng.pick(marked);
    const m = markAt(marks, g, c);
    const coord = cellCoord(g, c);
    const answer = String(m === "X" ? 1 : m === "O" ? 2 : 3);
    const seen = m
      ? `There is an ${m} piece at ${coord}, and ${m} is the mark of the ${playerName(m)}.`
      : `Cell ${coord} is empty, so no player has marked it.`;
    return {
      question: `${RULES}Question: Which player marked the cell at ${coord} in the image?${optionList(OWNER_OPTIONS)}${ANSWER_WITH_OPTION}`,
      answer,
      analysis: `${seen} So the answer is option ${answer}.`,
      options: OWNER_OPTIONS,
    };
  },
  conform({ sample, state }: ConformInput<UtttState>): ConformResult {
    const k = questionCoord(sample, "cell at ");
    if (!k) return { skip: "cell coordinate not found in question" };
    const m = markAt(
      marksOf(state),
      gridIndex(k[0] as number, k[1] as number),
      gridIndex(k[2] as number, k[3] as number),
    );
    return optionAnswer(sample, m === "X" ? "First Player" : m === "O" ? "Second Player" : "Not Marked");
  },
};

/** The opponent's last piece: Nine-grid and cell indices, its type and the player to move. */
function lastMove(state: UtttState, marks: Marks) {
  const [i, j, r, c] = state.last_step;
  const g = gridIndex(i, j);
  const cell = gridIndex(r, c);
  const last = markAt(marks, g, cell);
  return { g, cell, last, mover: (last ? other(last) : "X") as Piece };
}

/** Legal cells for the player to move: the free cells of the Nine-grid named by the last cell. */
function nextCells(marks: Marks, coord: number[]) {
  const g = gridIndex(coord[2] as number, coord[3] as number);
  return { g, free: freeCells(marks[g] as Mark[]) };
}

export const nextCellCount: QuestionTemplate<UtttState> = {
  id: 2,
  name: "next-cell-count",
  description: "Given the opponent's last piece, count the cells where the next piece may go.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate({ state }): GeneratedQuestion {
    const marks = marksOf(state);
    const lastText = coordText(state.last_step);
    const { g, free } = nextCells(marks, state.last_step);
    const cellsOf = (p: Piece): string => {
      const list = (marks[g] as Mark[]).flatMap((m, c) => (m === p ? [pairText(c)] : []));
      return list.length ? list.join(", ") : "no cell";
    };
    const answer = String(free.length + 1);
    return {
      question: `${RULES}Question: Your opponent has just placed a piece at ${lastText}. How many cells can your next piece go to?${optionList(DIGIT_OPTIONS)}${ANSWER_WITH_OPTION}`,
      answer,
      analysis:
        `The opponent's piece at ${lastText} sends us to Nine-grid ${pairText(g)}. There, the First Player (X) holds ${cellsOf("X")} and the Second Player (O) holds ${cellsOf("O")}. ` +
        `The free cells are ${free.length ? free.map(pairText).join(", ") : "none"}: ${free.length} cell(s), which is option ${answer}.`,
      options: DIGIT_OPTIONS,
    };
  },
  conform({ sample, state }) {
    const k = questionCoord(sample, "piece at ");
    if (!k) return { skip: "last piece not found in question" };
    return optionAnswer(sample, String(nextCells(marksOf(state), k).free.length));
  },
};

const middleCells = (marks: Marks): Mark[] => marks.map((cells) => cells[4] as Mark);

export const markedMiddles: QuestionTemplate<UtttState> = {
  id: 3,
  name: "marked-middle-cells",
  description: "Count the middle cells of the Nine-grids that hold a piece.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate({ state }): GeneratedQuestion {
    const middles = middleCells(marksOf(state));
    const n = middles.filter(Boolean).length;
    const answer = String(n + 1);
    const steps = middles.map(
      (m, g) => `Middle cell ${cellCoord(g, 4)}: ${m ? `marked with ${m}` : "empty"}.`,
    );
    return {
      question: `${RULES}Question: How many of the middle cells (the centre cell of each Nine-grid) are marked in the image?${optionList(DIGIT_OPTIONS)}${ANSWER_WITH_OPTION}`,
      answer,
      analysis: `We look at the centre cell of every Nine-grid.\n${steps.join("\n")}\n${n} middle cell(s) are marked, which is option ${answer}.`,
      options: DIGIT_OPTIONS,
    };
  },
  conform: ({ sample, state }) =>
    optionAnswer(sample, String(middleCells(marksOf(state)).filter(Boolean).length)),
};

export const pieceCount: QuestionTemplate<UtttState> = {
  id: 4,
  name: "piece-count",
  description: "Count all the pieces on the board.",
  qaType: "Target Perception",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion {
    const marks = marksOf(state);
    const xs = piecesPerGrid(marks, "X");
    const os = piecesPerGrid(marks, "O");
    const per = xs.map((x, g) => x + (os[g] as number));
    const total = per.reduce((a, b) => a + b, 0);
    const options = countOptions(rng, total);
    const answer = String(options.indexOf(String(total)) + 1);
    const steps = per.map((n, g) =>
      n
        ? `Nine-grid ${pairText(g)}: ${xs[g]} X and ${os[g]} O, ${n} piece(s).`
        : `Nine-grid ${pairText(g)}: no piece.`,
    );
    return {
      question: `${RULES}Question: How many pieces are on the board in the image?${optionList(options)}${ANSWER_WITH_OPTION}`,
      answer,
      analysis: `We count the pieces Nine-grid by Nine-grid.\n${steps.join("\n")}\nIn all ${per.join(" + ")} = ${total} pieces, which is option ${answer}.`,
      options,
    };
  },
  conform: ({ sample, state }) => optionAnswer(sample, String(state.piece_info.length)),
};

export const gridPoints: QuestionTemplate<UtttState> = {
  id: 5,
  name: "nine-grid-points",
  description: "Count the points one player holds inside one Nine-grid.",
  qaType: "Target Perception",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion {
    const marks = marksOf(state);
    const used = [...marks.keys()].filter((g) => (marks[g] as Mark[]).some(Boolean));
    const g = rng.pick(used.length ? used : [...marks.keys()]);
    const piece: Piece = rng.chance(0.5) ? "X" : "O";
    const p = pointsIn(marks[g] as Mark[], piece);
    // A Nine-grid gives at most 8 points: the options are 8 of 0..8 (the original drew up to answer + 15).
    const others = rng.shuffle([...Array(9).keys()].filter((v) => v !== p.total)).slice(0, 7);
    const options = rng.shuffle([p.total, ...others]).map(String);
    const answer = String(options.indexOf(String(p.total)) + 1);
    return {
      question: `${RULES}Question: How many points has the ${playerName(piece)} scored within the Nine-grid ${pairText(g)}?${optionList(options)}${ANSWER_WITH_OPTION}`,
      answer,
      analysis:
        `The ${playerName(piece)} plays ${piece}. In Nine-grid ${pairText(g)} the complete lines of three ${piece} pieces are: ` +
        `${p.rows} row(s), ${p.cols} column(s) and ${p.diags} diagonal(s), ${p.total} point(s) in all. So the answer is option ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(
      sample.question,
      /(First|Second) Player (?:has )?(?:got|scored) within (?:the )?Nine-grid \((\d), (\d)\)/g,
    );
    if (!m) return { skip: "player or Nine-grid not found in question" };
    const piece: Piece = m[1] === "First" ? "X" : "O";
    const cells = marksOf(state)[gridIndex(Number(m[2]), Number(m[3]))] as Mark[];
    return optionAnswer(sample, String(pointsIn(cells, piece).total));
  },
};

/** Analysis of task 6: own pieces per Nine-grid against opponent pieces per position. */
function deduction(marks: Marks, player: Piece): { text: string; grid: number | undefined } {
  const opp = other(player);
  const own = piecesPerGrid(marks, player);
  const theirs = piecesPerPosition(marks, opp);
  const { diffs, grid } = deduceNextGrid(marks, player);
  // deduceNextGrid leaves X's opening piece in; show the differences with it taken out.
  const shown = diffs.map((d, k) => (player === "X" && k === 4 ? d - 1 : d));
  const opening =
    player === "X"
      ? " (not counting X's opening piece in Nine-grid (2, 2), which no O piece sent there)"
      : "";
  const text =
    `Each of our ${player} pieces in Nine-grid (i, j) was sent there by an ${opp} piece at position (i, j) of some Nine-grid. ` +
    `Our ${player} pieces per Nine-grid, (1, 1) to (3, 3): ${own.join(", ")}. ` +
    `${opp} pieces per position, summed over all Nine-grids: ${theirs.join(", ")}. ` +
    `Differences${opening}: ${shown.join(", ")}. ` +
    (grid === undefined
      ? "No single position is left unanswered."
      : `Only position ${pairText(grid)} has more ${opp} pieces than our answers to them: the opponent's last piece is there, so we must play in Nine-grid ${pairText(grid)}.`);
  return { text, grid };
}

export const nextGrid: QuestionTemplate<UtttState> = {
  id: 6,
  name: "next-nine-grid",
  description: "Deduce from the board alone which Nine-grid the player to move must play in.",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "option-index",
  generate({ state }): GeneratedQuestion | null {
    const marks = marksOf(state);
    const { mover } = lastMove(state, marks);
    const { text, grid } = deduction(marks, mover);
    if (grid === undefined) return null;
    const answer = String(grid + 1);
    return {
      question: `${RULES}Question: You are the ${playerName(mover)} and it is your turn to place a piece. Following the rules, in which Nine-grid must your next piece go?${optionList(GRID_OPTIONS)}${ANSWER_WITH_OPTION}`,
      answer,
      analysis: `${text} That is option ${answer}.`,
      options: GRID_OPTIONS,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /[Yy]ou are (?:the )?(First|Second) Player/g);
    if (!m) return { skip: "player not found in question" };
    const { grid } = deduceNextGrid(marksOf(state), m[1] === "First" ? "X" : "O");
    return grid === undefined
      ? { skip: "no single Nine-grid deduced" }
      : optionAnswer(sample, GRID_OPTIONS[grid] as string);
  },
};

/** The reply with the most points in the Nine-grid sent to, or undefined when tied. */
function bestReply(marks: Marks, coord: number[], mover: Piece) {
  const { g } = nextCells(marks, coord);
  const options = pointsAfter(marks, g, mover);
  const top = Math.max(...options.map((o) => o.points.total));
  const best = options.filter((o) => o.points.total === top);
  return { g, options, best: best.length === 1 ? best[0] : undefined };
}

export const bestCell: QuestionTemplate<UtttState> = {
  id: 7,
  name: "best-next-cell",
  description: "Given the opponent's last piece, find the cell that gives the most points.",
  qaType: "Strategy Optimization",
  qaLevel: "Hard",
  answerFormat: "coordinate",
  generate({ state }): GeneratedQuestion | null {
    const marks = marksOf(state);
    const { mover } = lastMove(state, marks);
    const { g, options, best } = bestReply(marks, state.last_step, mover);
    if (!best) return null;
    const lastText = coordText(state.last_step);
    const answer = cellCoord(g, best.cell);
    const steps = options.map(
      (o) =>
        `${cellCoord(g, o.cell)}: ${o.points.rows} in rows, ${o.points.cols} in columns, ${o.points.diags} in diagonals, ${o.points.total} point(s).`,
    );
    return {
      question: `${RULES}Question: Your opponent has just placed a piece at ${lastText}. At which cell should you place your next piece to hold the most points? Answer with the coordinate written (i, j, row, col).`,
      answer,
      analysis:
        `The piece at ${lastText} sends us to Nine-grid ${pairText(g)}, which has ${options.length} free cell(s). We play ${mover} and count our points in that Nine-grid after each choice:\n` +
        `${steps.join("\n")}\nThe most, ${best.points.total} point(s), comes from ${answer}. So the answer is ${answer}.`,
    };
  },
  conform({ sample, state }) {
    const k = questionCoord(sample, "piece at ");
    if (!k) return { skip: "last piece not found in question" };
    const marks = marksOf(state);
    const last = markAt(
      marks,
      gridIndex(k[0] as number, k[1] as number),
      gridIndex(k[2] as number, k[3] as number),
    );
    if (!last) return { skip: "no piece at the last-move cell" };
    const { g, best } = bestReply(marks, k, other(last));
    return best ? { answer: cellCoord(g, best.cell) } : { skip: "several cells tie for the most points" };
  },
};

export const TASKS = [cellOwner, nextCellCount, markedMiddles, pieceCount, gridPoints, nextGrid, bestCell];
