import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  advise,
  boardLevel,
  gameOver,
  type Mark,
  playerToMove,
  winningLine,
} from "../../../src/gameqa/games/tictactoe/logic.js";
import { bestMove, cellColor, moveOutcome } from "../../../src/gameqa/games/tictactoe/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";

const B = (rows: string[]): Mark[][] => rows.map((r) => [...r].map((ch) => (ch === "." ? " " : ch) as Mark));

describe("tictactoe rules", () => {
  test("player to move and winning line", () => {
    assert.equal(playerToMove(B(["...", "...", "..."])), "O");
    assert.equal(playerToMove(B(["O..", "...", "..."])), "X");
    assert.deepEqual(winningLine(B(["OOO", "XX.", "..."]), "O"), [0, 1, 2]);
    assert.equal(winningLine(B(["OOO", "XX.", "..."]), "X"), undefined);
    assert.match(gameOver(B(["OOO", "XX.", "..."])) ?? "", /O has already completed row 0/);
    assert.equal(gameOver(B(["OX.", "...", "..."])), undefined);
  });

  test("advice: block the only threat", () => {
    // X holds (0,1) and (1,1): X threatens (2,1); O to move cannot win.
    const a = advise(B(["OXO", ".XO", "..X"]), "O");
    assert.equal(a.kind, "block");
    assert.equal(a.move, 7);
  });

  test("advice: immediate win comes first", () => {
    const a = advise(B(["O.O", "XO.", "X.X"]), "O");
    assert.equal(a.kind, "win");
    assert.equal(a.move, 1);
  });

  test("advice: two opponent threats cannot be blocked", () => {
    const a = advise(B(["XX.", "XOO", ".O."]), "O");
    assert.equal(a.kind, "lost");
    assert.equal(a.move, undefined);
  });

  test("advice: block the opponent's double threat", () => {
    // O at (0,0) and (2,2), X centre: O could fork at (0,2) (row 0 + column 2).
    const a = advise(B(["O..", ".X.", "..O"]), "X");
    assert.equal(a.kind, "block-fork");
    assert.equal(a.move, 2);
  });

  test("advice: otherwise first empty cell", () => {
    const a = advise(B(["O..", "...", "..X"]), "O");
    assert.equal(a.kind, "first");
    assert.equal(a.move, 1);
    assert.equal(boardLevel(B(["O..", "...", "..X"])), "Hard");
    assert.equal(boardLevel(B(["O..", ".X.", "..O"])), "Medium");
    assert.equal(boardLevel(B(["OXO", ".XO", "..X"])), "Easy");
  });
});

describe("tictactoe tasks", () => {
  const rng = createRng(1);
  test("cell colour names the cell's mark", () => {
    const state = { board: B(["OXO", ".XO", "..X"]) };
    for (let i = 0; i < 20; i++) {
      const q = cellColor.generate({ state, rng, plotLevel: "Easy" });
      assert.ok(q);
      const m = /cell at \((\d), (\d)\)/.exec(q.question);
      assert.ok(m);
      const mark = state.board[Number(m[1])]?.[Number(m[2])];
      const expected = mark === "O" ? "A" : mark === "X" ? "B" : "C";
      assert.equal(q.answer, expected);
    }
  });

  test("best move: block at (2, 1) is option I; finished game is None", () => {
    const q = bestMove.generate({ state: { board: B(["OXO", ".XO", "..X"]) }, rng, plotLevel: "Easy" });
    assert.equal(q?.answer, "I");
    assert.equal(q?.options?.[8], "I. (2, 1)");
    const over = bestMove.generate({ state: { board: B(["OOO", "XX.", "..."]) }, rng, plotLevel: "Hard" });
    assert.equal(over?.answer, "A");
  });

  test("move outcome: occupied → None, legal move → opponent's reply", () => {
    const state = { board: B(["OXO", ".XO", "..X"]) };
    for (let i = 0; i < 30; i++) {
      const q = moveOutcome.generate({ state, rng, plotLevel: "Easy" });
      const m = /plays \((\d), (\d)\)/.exec(q?.question ?? "");
      assert.ok(m && q);
      const taken = state.board[Number(m[1])]?.[Number(m[2])] !== " ";
      // Hand-traced: O at (1,0) or (2,0) leaves X's column-1 win at (2,1) → I. O at (2,1) blocks it; then
      // X cannot win, O has no threat, nobody can fork, so X takes the first empty cell (1,0) → E.
      const expected = taken ? "A" : `${m[1]}${m[2]}` === "21" ? "E" : "I";
      assert.equal(q.answer, expected);
    }
  });
});
