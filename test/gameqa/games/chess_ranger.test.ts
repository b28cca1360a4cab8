import assert from "node:assert/strict";
import { describe, test } from "node:test";
import chessRanger from "../../../src/gameqa/games/chess_ranger/index.js";
import {
  type Board,
  captures,
  moveText,
  solve,
  squareIndex,
  squareName,
} from "../../../src/gameqa/games/chess_ranger/logic.js";
import {
  type ChessRangerState,
  generateState,
  PIECES,
  parseState,
  toBoard,
} from "../../../src/gameqa/games/chess_ranger/state.js";
import { createRng } from "../../../src/gameqa/rng.js";
import type { GameQASample } from "../../../src/gameqa/types.js";
import { UserError } from "../../../src/util/errors.js";
import {
  expectDeterministic,
  expectFullConformance,
  expectPng,
  expectRoundTrips,
  LEVELS,
} from "./game-checks.js";

/** A state from 8 rank strings, rank 8 first ("." = empty). */
const board = (...ranks: string[]): ChessRangerState => {
  const mine_board = ranks.map((r) =>
    r.split("").map((c) => (c === "." ? 0 : c)),
  ) as ChessRangerState["mine_board"];
  return { pieces: mine_board.flat().filter(Boolean).length, mine_board };
};
const EMPTY = "........";
// Rook a1, pawn b2 (captures a3/c3 only), knight c3, queen h8.
const STATE = board(".......Q", EMPTY, EMPTY, EMPTY, EMPTY, "..N.....", ".P......", "R.......");
const task = (id: number) => chessRanger.tasks.find((t) => t.id === id) as (typeof chessRanger.tasks)[number];
const ask = (id: number, question: string, options?: string[]) =>
  task(id).conform?.({ sample: { question, options, answer: "" } as unknown as GameQASample, state: STATE });

describe("chess_ranger rules", () => {
  test("squares: a8 is index 0, h1 is 63", () => {
    assert.equal(squareName(0), "a8");
    assert.equal(squareName(63), "h1");
    assert.equal(squareIndex("c3"), 42);
  });
  test("captures: sliders stop at the first piece, pawns take diagonally upwards", () => {
    const b = toBoard(STATE);
    // Square order: the queen on h8 (index 7) first, then the pawn on b2; the knight and rook capture nothing.
    assert.deepEqual(captures(b).map(moveText), ["Queen from h8 to c3", "Pawn from b2 to c3"]);
    const texts = captures(b).map(moveText);
    assert.ok(texts.includes("Pawn from b2 to c3"));
    assert.ok(texts.includes("Queen from h8 to c3")); // h8-c3 diagonal is open
    assert.ok(!texts.includes("Rook from a1 to a8")); // nothing on the a-file
    assert.ok(!texts.some((t) => t.startsWith("Pawn from b2 to a1"))); // pawns never capture backwards
  });
  test("the solver finds a sequence down to one piece, or none", () => {
    const r = solve(toBoard(STATE));
    assert.ok(r.moves);
    assert.equal(r.moves.length, 3);
    const stuck: Board = toBoard(board("N.......", EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, ".......N"));
    assert.equal(solve(stuck).moves, null);
  });
  test("generated puzzles have the level's piece count and are solvable", () => {
    for (const level of LEVELS) {
      const s = generateState(createRng(3), level);
      assert.equal(s.pieces, PIECES[level]);
      assert.equal(solve(toBoard(s)).moves?.length, PIECES[level] - 1);
    }
  });
  test("parseState names the square at fault", () => {
    const bad = {
      ...STATE,
      mine_board: STATE.mine_board.map((r, i) => (i === 2 ? [...r.slice(0, 7), "X"] : r)),
    };
    assert.throws(
      () => parseState(bad, "s.json"),
      (e: Error) => e instanceof UserError && /s\.json.*\[2\]\[7\]/.test(e.message),
    );
  });
});

describe("chess_ranger tasks on a hand-built board", () => {
  test("each task recomputes its answer", () => {
    assert.deepEqual(ask(1, "How many steps are needed to solve the puzzle?"), { answer: "3" });
    assert.deepEqual(ask(1, "How many steps", ["A.2", "B.3", "C.4"]), { answer: "B" });
    assert.deepEqual(ask(2, "How many Knights are on the board?"), { answer: "1" });
    assert.deepEqual(ask(2, "How many Bishops are on the board?"), { answer: "0" });
    assert.deepEqual(ask(3, "Where is the Rook on the board?"), { answer: "a1" });
    const names = ["A.Pawn", "B.Rook", "C.Knight", "D.Bishop", "E.Queen", "F.King", "G.No Piece"];
    assert.deepEqual(ask(4, "What piece is at b2?Choose", names), { answer: "A" });
    assert.deepEqual(ask(4, "What piece is at d4?Choose", names), { answer: "G" });
  });
  test("first-move combinations follow the solver", () => {
    // Queen h8xc3 leaves Q c3, P b2, R a1: solvable (Qxb2, Qxa1). Pawn b2xc3 leaves P c3, R a1, Q h8: Qxc3, Qxa1.
    const q =
      "The candidate first moves are: 1.move Queen in h8 to capture Knight in c3,2.move Pawn in b2 to capture Knight in c3,3.move Queen in h8 to capture Knight in c3,4.move Pawn in b2 to capture Knight in c3.";
    assert.deepEqual(ask(5, q, ["A.12", "B.13", "C.2", "D.24", "E.1", "F.3", "G.1234", "H.None"]), {
      answer: "G",
    });
    // A candidate that is no capture on this board is reported, not scored.
    const rook = q.replace("1.move Queen in h8", "1.move Rook in a1");
    assert.deepEqual(ask(5, rook, ["A.1", "H.None"]), {
      skip: "1.move Rook in a1 to capture Knight in c3 is not a capture here",
    });
  });
});

describe("chess_ranger samples", () => {
  test("published examples conform", (t) =>
    expectFullConformance(t, chessRanger, "chess_ranger_dataset_example", 15));
  test("generated samples recompute to their answers", () => expectRoundTrips(chessRanger, 3));
  test("deterministic output", () => expectDeterministic(chessRanger));
  test("PNG at the original 520x520", () => expectPng(chessRanger, STATE, 520, 520));
});
