import { findOptionKey, letter, stripOptionKey } from "../../options.js";
import { lastMatch } from "../../parse.js";
import type { ConformResult, GameQASample, GeneratedQuestion, QuestionTemplate } from "../../types.js";
import {
  advise,
  type Board,
  boardText,
  cellAt,
  coord,
  countMarks,
  gameOver,
  lineName,
  other,
  place,
  playerToMove,
  type TicTacToeState,
  winningLine,
} from "./logic.js";

const RULES =
  "Tic-tac-toe is played on a 3x3 board; cells are written (row, column) with both numbers from 0 to 2, row 0 at the top and column 0 on the left. " +
  "Two players alternate: O (shown as a red cell) always moves first and X (a blue cell) second; white cells are empty. " +
  "Three marks of one player in a row, column or diagonal win the game. The player to move is O when both players have the same number of marks, otherwise X.";

const ADVICE_RULES =
  "The recommended move of a player is fixed by these rules, checked in order: " +
  "(1) if the player can complete a line now, play the first such cell in row-major order; " +
  "(2) if the opponent has two or more cells that would complete a line, no move can stop them and the answer is None; if the opponent has exactly one, play there to block it; " +
  "(3) play the first empty cell (row-major) that lies on two lines each holding one of the player's marks and none of the opponent's (a double threat); " +
  "(4) otherwise play the first empty cell where the opponent could create such a double threat; " +
  "(5) otherwise play the first empty cell in row-major order.";

const MOVE_OPTIONS = ["None", ...[...Array(9).keys()].map(coord)];
const moveOptions = (): string[] => MOVE_OPTIONS.map((v, i) => `${letter(i)}. ${v}`);
const moveLetter = (move: number | undefined): string => letter(move === undefined ? 0 : move + 1);
const listOptions = (opts: string[]): string => opts.join("\n");

function toMoveText(b: Board): string {
  const { o, x } = countMarks(b);
  return `The board has ${o} O mark(s) and ${x} X mark(s), so ${playerToMove(b)} is to move.`;
}

const COLOR = { O: "red", X: "blue", " ": "white" } as const;
const COLOR_OPTIONS = ["red", "blue", "white"];

export const cellColor: QuestionTemplate<TicTacToeState> = {
  id: 1,
  name: "cell-color",
  description: "Read the colour of one cell of the board.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion {
    const r = rng.int(0, 2);
    const c = rng.int(0, 2);
    const mark = cellAt(state.board, r * 3 + c);
    const options = COLOR_OPTIONS.map((v, i) => `${letter(i)}. ${v}`);
    const answer = letter(COLOR_OPTIONS.indexOf(COLOR[mark]));
    return {
      question: `${RULES}\n\nQuestion: What colour is the cell at (${r}, ${c})?\n\nOptions:\n${listOptions(options)}`,
      answer,
      analysis:
        `The board, row by row ('.' = empty):\n${boardText(state.board)}\n` +
        `Cell (${r}, ${c}) holds ${mark === " " ? "no mark" : mark}, which is drawn ${COLOR[mark]}. So the answer is ${answer}.`,
      options,
    };
  },
  conform({ sample, state }): ConformResult {
    const m = lastMatch(sample.question, /\((\d), (\d)\)\?/g);
    if (!m) return { skip: "cell coordinate not found in question" };
    const mark = cellAt(state.board, Number(m[1]) * 3 + Number(m[2]));
    const key = findOptionKey(sample.options ?? [], COLOR[mark], "letter");
    return key ? { answer: key } : { skip: `no option reads ${COLOR[mark]}` };
  },
};

/** Key of the published option naming a move; the original merges (2,0)/(2,1)/(2,2) into one option. */
function publishedMoveKey(sample: GameQASample, move: number | undefined): ConformResult {
  const want = move === undefined ? "None" : coord(move);
  const i = (sample.options ?? []).findIndex((o) => {
    const text = stripOptionKey(String(o));
    return move === undefined ? text === "None" : text.split(" or ").includes(want);
  });
  return i >= 0 ? { answer: letter(i) } : { skip: `no option holds ${want}` };
}

function bestMoveOf(b: Board): { move: number | undefined; text: string } {
  const over = gameOver(b);
  if (over)
    return {
      move: undefined,
      text: `The game is already over: ${over}. No move can be made, so the answer is None.`,
    };
  const p = playerToMove(b);
  const a = advise(b, p);
  return { move: a.move, text: `${toMoveText(b)} ${a.reason}` };
}

export const bestMove: QuestionTemplate<TicTacToeState> = {
  id: 2,
  name: "best-move",
  description: "Find the recommended move of the player to move.",
  qaType: "Strategy Optimization",
  qaLevel: "Medium",
  answerFormat: "option-letter",
  generate({ state }): GeneratedQuestion {
    const options = moveOptions();
    const { move, text } = bestMoveOf(state.board);
    const answer = moveLetter(move);
    return {
      question: `${RULES} ${ADVICE_RULES}\n\nQuestion: Which move is recommended for the player to move? Answer None if there is no move to make.\n\nOptions:\n${listOptions(options)}`,
      answer,
      analysis: `The board, row by row ('.' = empty):\n${boardText(state.board)}\n${text}\nSo the answer is ${answer}.`,
      options,
    };
  },
  conform: ({ sample, state }) => publishedMoveKey(sample, bestMoveOf(state.board).move),
};

function outcome(b: Board, r: number, c: number): { move: number | undefined; text: string } {
  const over = gameOver(b);
  if (over)
    return { move: undefined, text: `The game is already over (${over}), so the move cannot be made: None.` };
  const p = playerToMove(b);
  const i = r * 3 + c;
  if (cellAt(b, i) !== " ")
    return {
      move: undefined,
      text: `${toMoveText(b)} Cell (${r}, ${c}) is already taken, so the move is not allowed: None.`,
    };
  const after = place(b, i, p);
  const win = winningLine(after, p);
  if (win)
    return {
      move: undefined,
      text: `${toMoveText(b)} Playing (${r}, ${c}) completes ${lineName(win)}, so ${p} wins at once: None.`,
    };
  const opp = other(p);
  const a = advise(after, opp);
  return {
    move: a.move,
    text: `${toMoveText(b)} After ${p} plays (${r}, ${c}) the board is:\n${boardText(after)}\nNo line is complete, and ${opp} is to move. ${a.reason}`,
  };
}

export const moveOutcome: QuestionTemplate<TicTacToeState> = {
  id: 3,
  name: "move-outcome",
  description: "Judge a given move of the player to move and find the opponent's recommended reply.",
  qaType: "Strategy Optimization",
  qaLevel: "Hard",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion {
    const r = rng.int(0, 2);
    const c = rng.int(0, 2);
    const options = moveOptions();
    const { move, text } = outcome(state.board, r, c);
    const answer = moveLetter(move);
    return {
      question:
        `${RULES} ${ADVICE_RULES}\n\nQuestion: The player to move plays (${r}, ${c}). If that cell is taken or the game is already over, answer None. ` +
        `If the move wins immediately, answer None. Otherwise, what is the opponent's recommended reply?\n\nOptions:\n${listOptions(options)}`,
      answer,
      analysis: `The board, row by row ('.' = empty):\n${boardText(state.board)}\n${text}\nSo the answer is ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /(?:moves to|plays) \((\d), (\d)\)/g);
    if (!m) return { skip: "move coordinate not found in question" };
    return publishedMoveKey(sample, outcome(state.board, Number(m[1]), Number(m[2])).move);
  },
};
