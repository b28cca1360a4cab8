/**
 * Task 5 (piece_placement): two touching pieces were removed; where does the first go so that the
 * second fills the rest of the hole? Options are board rectangles "(top,left) to (bottom,right)";
 * wrong ones are other positions of the piece near the hole that do not leave the second piece's shape.
 */
import { type QuestionTemplate, skipTask } from "../../types.js";
import { choice, optionResult, pieceInQuestion, questionText } from "./common.js";
import { dims, heightOf, type Mask, neighbours, widthOf } from "./logic.js";
import {
  analysePlacement,
  type CornerResult,
  type PlacementAnalysis,
  placementWorks,
  span,
} from "./placement.js";
import { fullGrid, pieceMask, type TangramState } from "./state.js";

function cornerLine(r: CornerResult, a: number, b: number): string {
  switch (r.outcome) {
    case "same-as":
      return `- ${r.corner}: Piece ${a} is as ${r.because === "width" ? "wide" : "tall"} as the hole, so this is the ${r.same} position again.`;
    case "too-big":
      return `- ${r.corner}: Piece ${a} is larger than the hole.`;
    case "blocked":
      return (
        `- ${r.corner}: at ${r.at}, cell (${r.pieceCell[0]},${r.pieceCell[1]}) of Piece ${a} would cover ` +
        `board cell (${r.boardCell[0]},${r.boardCell[1]}), which is not empty.`
      );
    case "wrong-rest":
      return `- ${r.corner}: at ${r.at} it fits, but the cells left over span ${r.rest}, not the dimensions of Piece ${b}.`;
    case "rest-differs":
      return (
        `- ${r.corner}: at ${r.at} it fits and leaves an area of Piece ${b}'s size at ${r.restAt}, ` +
        `but cell (${r.pieceCell[0]},${r.pieceCell[1]}) of Piece ${b} would fall on a filled cell.`
      );
    case "fits":
      return `- ${r.corner}: at ${r.at} it fits, and the ${r.rest} cells left at ${r.restAt} are exactly Piece ${b}.`;
  }
}

export function placementAnalysisText(p: PlacementAnalysis, a: number, b: number): string {
  const { holeBox: box } = p;
  return (
    `Pieces ${a} and ${b} left one hole spanning rows ${box.top} to ${box.bottom} and columns ${box.left} to ${box.right} ` +
    `(${dims(p.hole)}). Piece ${a} is ${dims(p.first)} and Piece ${b} is ${dims(p.second)} (rows x columns).\n` +
    `Piece ${a} is tried at each corner of the hole; it is right where it covers only empty cells and leaves exactly the shape of Piece ${b}:\n` +
    `${p.corners.map((r) => cornerLine(r, a, b)).join("\n")}\n` +
    (p.valid.length ? `Piece ${a} belongs at ${p.valid[0]}.` : `No corner works for Piece ${a}.`)
  );
}

/** The two removed pieces of a placement board (first asked about), their shapes and the corner search. */
function setUp(s: TangramState, first: number): { a: number; b: number; p: PlacementAnalysis } | undefined {
  if (s.removed_pieces.length !== 2 || !s.removed_pieces.includes(first)) return undefined;
  const b = s.removed_pieces.find((id) => id !== first) as number;
  const full = fullGrid(s);
  if (!neighbours(full, first).includes(b)) return undefined;
  const p = analysePlacement(s.grid, pieceMask(s, first, full), pieceMask(s, b, full));
  return p ? { a: first, b, p } : undefined;
}

/** Positions of the first piece near the hole (as the original draws them) that are not solutions. */
function wrongSpots(s: TangramState, p: PlacementAnalysis, first: Mask, second: Mask): string[] {
  const h = heightOf(first);
  const w = widthOf(first);
  const out: string[] = [];
  const { holeBox: box } = p;
  for (let top = Math.max(0, box.top - 2); top <= box.bottom - h + 1; top++)
    for (let left = Math.max(0, box.left - 2); left <= box.right - w + 1; left++)
      if (!placementWorks(s.grid, first, second, top, left)) out.push(span(top, left, h, w));
  return out;
}

export const placementTask: QuestionTemplate<TangramState> = {
  id: 5,
  name: "piece-placement",
  description: "piece_placement",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "option-index",
  generate({ state, rng }) {
    const first = state.removed_pieces[0];
    const set = first === undefined ? undefined : setUp(state, first);
    if (!set) return skipTask("not a board with two touching pieces removed");
    const { a, b, p } = set;
    const answer = p.valid[0];
    if (!answer) return skipTask("no corner of the hole takes the first piece");
    const wrong = rng.shuffle(wrongSpots(state, p, p.first, p.second)).slice(0, 7);
    if (wrong.length === 0) return skipTask("no wrong position near the hole");
    const values = rng.shuffle([answer, ...wrong]);
    const question = questionText(
      [
        "Two adjacent pieces were taken off the main board; they are drawn under it.",
        "A placement is valid when both pieces fill the hole without overlapping (no turning, no flipping).",
      ],
      `Where should Piece ${a} be placed? Each option gives (top_row,left_col) to (bottom_row,right_col).`,
      values,
    );
    return choice(question, values, values.indexOf(answer), placementAnalysisText(p, a, b));
  },
  conform({ sample, state }) {
    const first = pieceInQuestion(sample.question);
    const set = first === undefined ? undefined : setUp(state, first);
    if (!set) return { skip: "the state does not hold two touching removed pieces named by the question" };
    const valid = set.p.valid;
    if (valid.length === 0) return { skip: "no corner of the hole takes the piece" };
    // With two working corners the original offers both and answers the one its set iteration
    // yields first (string-hash order): either is right, so the published one is accepted.
    const pick =
      valid.find((v) => String(sample.options?.[Number(sample.answer) - 1]) === v) ?? (valid[0] as string);
    return {
      ...optionResult(sample, pick),
      ...(valid.length > 1 ? { detail: `${valid.length} valid corners` } : {}),
    };
  },
};
