/**
 * Chess Ranger question templates, ids 1-5 as in the original: moves needed to solve (fill-in or
 * multiple choice), how many pieces of a type, where the single piece of a type stands, which piece
 * is on a square, and which of four first moves still lead to a solution (multiple choice over
 * number combinations). Option letters are the answers of the multiple-choice forms ("A.Pawn").
 */
import { letter } from "../../options.js";
import { lastMatch } from "../../parse.js";
import type { ConformResult, GameQASample, GeneratedQuestion, QuestionTemplate } from "../../types.js";
import { skipTask, type TaskSkip } from "../../types.js";
import {
  apply,
  type Board,
  captures,
  LETTERS,
  letterOf,
  type Move,
  moveOption,
  moveText,
  PIECE_NAMES,
  type PieceLetter,
  pieceCount,
  solve,
  squareIndex,
  squareName,
} from "./logic.js";
import { type ChessRangerState, toBoard } from "./state.js";

const RULES =
  "This puzzle is Chess Ranger, played on an 8x8 chessboard whose ranks are numbered 1 to 8 from bottom to top and whose files are a to h from left to right. " +
  "The pieces move as in standard chess (pawns capture one square diagonally upwards), but every move must capture a piece, and the king may be captured as well. " +
  "The puzzle is solved when a single piece is left on the board.\n\n";

const lettered = (values: readonly (string | number)[]): string[] =>
  values.map((v, i) => `${letter(i)}.${v}`);
const optionLine = (opts: readonly string[]): string =>
  `\nOptions: ${opts.join(", ")}\n\nAnswer with the letter of the correct option.`;
const boardText = (b: Board): string =>
  `The pieces on the board: ${b.flatMap((p, i) => (p ? [`${PIECE_NAMES[p]} at ${squareName(i)}`] : [])).join(", ")}.`;

/** Letter of the published option whose text after "X." equals `value`. */
function letterAnswer(sample: GameQASample, value: string): ConformResult {
  const i = (sample.options ?? []).findIndex(
    (o) =>
      String(o)
        .replace(/^[A-Z]\./, "")
        .trim() === value,
  );
  return i >= 0 ? { answer: letter(i) } : { skip: `no option reads ${value}` };
}

function solutionText(b: Board): { steps: number; text: string } {
  const { moves, tried, backtracks } = solve(b);
  const list = moves ?? [];
  return {
    steps: list.length,
    text:
      `Each move captures one piece, so going from ${pieceCount(b)} pieces to 1 takes ${pieceCount(b) - 1} moves, provided a sequence of captures exists. ` +
      `A depth-first search over the captures (${tried} move(s) tried, ${backtracks} taken back at dead ends) finds: ${list.map(moveText).join("; ")}. ` +
      `So the puzzle is solved in ${list.length} moves.`,
  };
}

export const stepsToSolve: QuestionTemplate<ChessRangerState> = {
  id: 1,
  name: "steps-to-solve",
  description: "Count the moves needed to solve the puzzle.",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "number",
  answerForms: ["number", "option-letter"],
  generate({ state, rng }): GeneratedQuestion | TaskSkip {
    const b = toBoard(state);
    const { steps, text } = solutionText(b);
    if (steps === 0) return skipTask("puzzle not solvable");
    const ask = `${RULES}Question: How many moves does it take to solve the puzzle?`;
    if (rng.chance(0.5))
      return {
        question: ask,
        answer: String(steps),
        analysis: `${boardText(b)} ${text} The answer is ${steps}.`,
      };
    const values = rng.shuffle([-2, -1, 0, 1, 2, 3, 4, 5].map((d) => steps + d));
    const options = lettered(values);
    const answer = letter(values.indexOf(steps));
    return {
      question: `${ask}${optionLine(options)}`,
      answer,
      analysis: `${boardText(b)} ${text} The answer is option ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const { steps } = solutionText(toBoard(state));
    if (steps === 0) return { skip: "puzzle not solvable" };
    return sample.options ? letterAnswer(sample, String(steps)) : { answer: String(steps) };
  },
};

const where = (b: Board, p: PieceLetter): string[] => b.flatMap((q, i) => (q === p ? [squareName(i)] : []));

export const countPieces: QuestionTemplate<ChessRangerState> = {
  id: 2,
  name: "count-piece",
  description: "Count the pieces of one type on the board.",
  qaType: "Target Perception",
  qaLevel: "Medium",
  answerFormat: "number",
  generate({ state, rng }): GeneratedQuestion {
    const b = toBoard(state);
    const p = rng.pick(LETTERS);
    const at = where(b, p);
    return {
      question: `${RULES}Question: How many ${PIECE_NAMES[p]}s are on the board?`,
      answer: String(at.length),
      analysis: `${boardText(b)} ${at.length ? `The ${PIECE_NAMES[p]}s stand at ${at.join(", ")}` : `No ${PIECE_NAMES[p]} is on the board`}, so the answer is ${at.length}.`,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /How many (\w+?)s are on the board/g);
    const p = m && letterOf(m[1] as string);
    return p
      ? { answer: String(where(toBoard(state), p).length) }
      : { skip: "piece type not found in question" };
  },
};

export const findPiece: QuestionTemplate<ChessRangerState> = {
  id: 3,
  name: "find-piece",
  description: "Give the square of the one piece of a type that appears exactly once.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "text",
  generate({ state, rng }): GeneratedQuestion | TaskSkip {
    const b = toBoard(state);
    const single = LETTERS.filter((p) => where(b, p).length === 1);
    if (single.length === 0) return skipTask("no piece type appears exactly once");
    const p = rng.pick(single);
    const sq = where(b, p)[0] as string;
    return {
      question: `${RULES}Question: There is exactly one ${PIECE_NAMES[p]} on the board. On which square is it? Answer with the square, e.g. e4.`,
      answer: sq,
      analysis: `${boardText(b)} The only ${PIECE_NAMES[p]} is on ${sq}. The answer is ${sq}.`,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(
      sample.question,
      /Where (?:is|are) the (\w+?)s? on the board/g,
      /exactly one (\w+) on the board/g,
    );
    const p = m && letterOf(m[1] as string);
    return p ? { answer: where(toBoard(state), p).join(", ") } : { skip: "piece type not found in question" };
  },
};

const SQUARE_ORDER = ["Pawn", "Rook", "Knight", "Bishop", "Queen", "King", "No Piece"];

export const pieceAt: QuestionTemplate<ChessRangerState> = {
  id: 4,
  name: "piece-at-square",
  description: "Name the piece on a given square.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion {
    const b = toBoard(state);
    const occupied = b.flatMap((p, i) => (p ? [i] : []));
    // Half the questions ask about an occupied square (the original's even-numbered ones).
    const sq = rng.chance(0.5) ? rng.pick(occupied) : rng.int(0, 63);
    const p = b[sq];
    const name = p ? PIECE_NAMES[p] : "No Piece";
    const options = lettered(SQUARE_ORDER);
    const answer = letter(SQUARE_ORDER.indexOf(name));
    return {
      question: `${RULES}Question: What piece is at ${squareName(sq)}?${optionLine(options)}`,
      answer,
      analysis: `${boardText(b)} ${p ? `Square ${squareName(sq)} holds a ${name}` : `Square ${squareName(sq)} is empty`}, so the answer is option ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /What piece is at ([a-h][1-8])\?/g);
    const i = m ? squareIndex(m[1] as string) : undefined;
    if (i === undefined) return { skip: "square not found in question" };
    const p = toBoard(state)[i];
    return letterAnswer(sample, p ? PIECE_NAMES[p] : "No Piece");
  },
};

const COMBOS = ["1", "2", "3", "4", "12", "13", "14", "23", "24", "34", "123", "124", "134", "234"];

/** Whether the puzzle is still solvable after `m`. */
const leadsToSolution = (b: Board, m: Move): boolean => solve(apply(b, m)).moves !== null;

export const goodFirstMove: QuestionTemplate<ChessRangerState> = {
  id: 5,
  name: "first-move",
  description: "Pick the combination of candidate first moves after which the puzzle can still be solved.",
  qaType: "Strategy Optimization",
  qaLevel: "Hard",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion | TaskSkip {
    const b = toBoard(state);
    const all = captures(b);
    if (all.length < 4) return skipTask("fewer than 4 capture moves");
    const picked = rng.sample(all, 4);
    const good = picked.map((m) => leadsToSolution(b, m));
    const combo = good.flatMap((g, i) => (g ? [String(i + 1)] : [])).join("");
    let values: string[];
    let answer: string;
    if (combo === "") {
      values = rng.sample(COMBOS, 7);
      answer = "H";
    } else {
      values = rng.shuffle([
        ...rng.sample(
          COMBOS.filter((c) => c !== combo),
          6,
        ),
        combo,
      ]);
      answer = letter(values.indexOf(combo));
    }
    const options = [...lettered(values), "H.None"];
    const lines = picked.map(
      (m, i) =>
        `${i + 1}. ${moveText(m)}: ${good[i] ? "a solution still exists after it" : "no sequence of captures leaves a single piece after it"}.`,
    );
    return {
      question:
        `${RULES}The candidate first moves are: ${picked.map((m, i) => `${i + 1}.${moveOption(m)}`).join(",")}. ` +
        "Which of them can be played first and still lead to a solved puzzle? Choose the combination of their numbers." +
        optionLine(options),
      answer,
      analysis: `${boardText(b)} We try each candidate and search for a solution of the position after it.\n${lines.join("\n")}\n${combo ? `The moves that work: ${combo}, option ${answer}.` : `None works: option H.`}`,
      options,
    };
  },
  conform({ sample, state }) {
    const b = toBoard(state);
    const moves = [
      ...sample.question.matchAll(/(\d)\.move (\w+) in ([a-h][1-8]) to capture (\w+) in ([a-h][1-8])/g),
    ];
    if (moves.length !== 4) return { skip: `${moves.length} candidate moves found in question` };
    let combo = "";
    for (const m of moves) {
      const from = squareIndex(m[3] as string);
      const to = squareIndex(m[5] as string);
      const piece = letterOf(m[2] as string);
      const captured = letterOf(m[4] as string);
      if (from === undefined || to === undefined || !piece || !captured) return { skip: "unreadable move" };
      if (!captures(b).some((c) => c.from === from && c.to === to))
        return { skip: `${m[0]} is not a capture here` };
      if (leadsToSolution(b, { from, to, piece, captured })) combo += m[1];
    }
    return combo === "" ? letterAnswer(sample, "None") : letterAnswer(sample, combo);
  },
};

export const TASKS = [stepsToSolve, countPieces, findPiece, pieceAt, goodFirstMove];
