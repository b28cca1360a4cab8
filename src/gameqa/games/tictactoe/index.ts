import { UserError } from "../../../util/errors.js";
import { expectMatrix, expectObject } from "../../parse.js";
import type { GameDefinition, Level, Rng } from "../../types.js";
import { boardLevel, countMarks, type Mark, type TicTacToeState, winningLine } from "./logic.js";
import { renderTicTacToe } from "./render.js";
import { bestMove, cellColor, moveOutcome } from "./tasks.js";

/** A position reached by legal play: O first, alternate, stop at a win (as the original samples boards). */
function randomBoard(rng: Rng): TicTacToeState {
  const board: Mark[][] = [
    [" ", " ", " "],
    [" ", " ", " "],
    [" ", " ", " "],
  ];
  const order = rng.shuffle([...Array(9).keys()]);
  const moves = rng.int(0, 9);
  let p: "O" | "X" = "O";
  for (let k = 0; k < moves; k++) {
    const i = order[k] as number;
    (board[Math.floor(i / 3)] as Mark[])[i % 3] = p;
    if (winningLine(board, p)) break;
    p = p === "O" ? "X" : "O";
  }
  return { board };
}

function generateState(rng: Rng, level: Level): TicTacToeState {
  // plot_level follows the kind of decision the position needs (see boardLevel).
  for (let i = 0; i < 500; i++) {
    const s = randomBoard(rng);
    if (boardLevel(s.board) === level) return s;
  }
  return randomBoard(rng);
}

function parseState(json: unknown, where: string): TicTacToeState {
  const obj = expectObject(json, where);
  const board = expectMatrix<Mark>(
    obj,
    "board",
    where,
    (v) => (v === "O" || v === "X" || v === " " ? v : undefined),
    '"O", "X" or " "',
  );
  if (board.length !== 3 || board.some((r) => r.length !== 3))
    throw new UserError(`${where}: field "board" must be 3x3`);
  const { o, x } = countMarks(board);
  if (o !== x && o !== x + 1)
    throw new UserError(`${where}: field "board" has ${o} O and ${x} X marks (O moves first)`);
  return { board };
}

const game: GameDefinition<TicTacToeState> = {
  name: "tictactoe",
  title: "Tic-Tac-Toe",
  category: "Strategic Planning",
  domain: "ID",
  generateState,
  renderSvg: renderTicTacToe,
  parseState,
  tasks: [cellColor, bestMove, moveOutcome],
};

export default game;
