/**
 * Task 2 (piece_rotation): one piece is off the board, drawn turned and maybe mirrored; which
 * clockwise quarter turns put it back into its hole? The answer is found by turning the drawn shape
 * and comparing it with the hole cell by cell.
 */
import { type ConformResult, type GameQASample, type QuestionTemplate, skipTask } from "../../types.js";
import { pieceColourName } from "./colours.js";
import { choice, optionResult, questionText } from "./common.js";
import {
  applyView,
  type Box,
  dims,
  heightOf,
  type Mask,
  maskOf,
  ROTATION_PHRASES,
  rotationPhrase,
  sourceCell,
  type Turn,
  type TurnTest,
  testTurns,
  turnsByDimensions,
  type View,
  widthOf,
} from "./logic.js";
import { pieceMask, type TangramState } from "./state.js";

export interface RotationAnswer {
  turns: Turn[];
  phrase: string;
  analysis: string;
}

/** Which turns of the drawn piece fill the hole, with the cell-by-cell evidence. */
export function rotationAnswer(piece: number, hole: Mask, holeBox: Box, drawn: Mask): RotationAnswer {
  const tests = testTurns(hole, drawn);
  const turns = tests.filter((t) => t.mismatch === null).map((t) => t.turn);
  const phrase = rotationPhrase(turns);
  const lines = tests.map(({ turn, mismatch }) => {
    if (!mismatch) return `- ${turn}° clockwise: every cell matches the hole, so it fits.`;
    const [r, c] = mismatch;
    const [pr, pc] = sourceCell(mismatch, turn, heightOf(drawn), widthOf(drawn));
    const holeEmpty = hole[r]?.[c] === true;
    return (
      `- ${turn}° clockwise: the first difference is at row ${r}, column ${c} of the hole ` +
      `(cell (${pr},${pc}) of the drawn piece, board cell (${holeBox.top + r},${holeBox.left + c})): ` +
      `the board there is ${holeEmpty ? "empty" : "filled"} but the piece ${holeEmpty ? "leaves it uncovered" : "covers it"}.`
    );
  });
  const byDims = turnsByDimensions(hole, drawn);
  const analysis =
    `Piece ${piece} (${pieceColourName(piece)}) left a hole of ${dims(hole)} cells (rows x columns); ` +
    `the piece is drawn ${dims(drawn)}.\n` +
    (byDims.length
      ? `Only turns that give the piece the hole's dimensions can work: ${byDims.map((t) => `${t}°`).join(", ")}.\n` +
        `Testing them cell by cell (row by row from the top left):\n${lines.join("\n")}\n`
      : "No quarter turn gives the piece the hole's dimensions.\n") +
    `Working clockwise turns: ${turns.length ? turns.map((t) => `${t}°`).join(", ") : "none"}, ` +
    `which is "${phrase}".`;
  return { turns, phrase, analysis };
}

function holeOf(s: TangramState): { hole: Mask; box: Box } | undefined {
  const h = maskOf(s.grid, 0);
  return h ? { hole: h.mask, box: h.box } : undefined;
}

export const rotationTask: QuestionTemplate<TangramState> = {
  id: 2,
  name: "piece-rotation",
  description: "piece_rotation",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }) {
    const view = state.removed_view;
    const piece = state.removed_pieces[0];
    if (!view || piece === undefined || state.removed_pieces.length !== 1)
      return skipTask("not a board with one removed piece drawn turned");
    const found = holeOf(state);
    if (!found) return skipTask("no hole");
    const { phrase, analysis } = rotationAnswer(
      piece,
      found.hole,
      found.box,
      applyView(pieceMask(state, piece), view),
    );
    const values: string[] = rng.shuffle([...ROTATION_PHRASES]);
    const question = questionText(
      ["One piece was taken off the main board and is drawn under it, turned and possibly mirrored."],
      "Can the removed piece go back into its hole by rotating it only (no flipping)? If it can, which rotation(s) work?",
      values,
    );
    return choice(question, values, values.indexOf(phrase), analysis);
  },
  conform({ sample, state }) {
    const piece = state.removed_pieces[0];
    const found = holeOf(state);
    if (piece === undefined || state.removed_pieces.length !== 1 || !found)
      return { skip: "the state does not have exactly one removed piece" };
    const shape = pieceMask(state, piece);
    if (state.removed_view)
      return optionResult(
        sample,
        rotationAnswer(piece, found.hole, found.box, applyView(shape, state.removed_view)).phrase,
      );
    return fromPublishedView(sample, piece, found.hole, found.box, shape);
  },
};

/* -------- the original's states do not record how the piece is drawn: recover it -------- */

const VIEWS: View[] = [false, true].flatMap((flipped) =>
  ([0, 90, 180, 270] as Turn[]).map((rotation) => ({ flipped, rotation })),
);

/** The turn tests an original analysis reports: "N° rotation:" then success or the first mismatch. */
export function publishedTurnTests(analysis: string): { drawn: string | undefined; tests: string[] } {
  const drawn = /Piece dimensions: (\d+x\d+)/.exec(analysis)?.[1];
  const tests = [
    ...analysis.matchAll(
      /(\d+)° rotation:\s*\n\s*- (?:(Success)|Failed: First mismatch at row (\d+), column (\d+))/g,
    ),
  ].map((m) => (m[2] ? `${m[1]}:fits` : `${m[1]}:${m[3]},${m[4]}`));
  return { drawn, tests };
}

const testKey = (t: TurnTest): string =>
  t.mismatch ? `${t.turn}:${t.mismatch[0]},${t.mismatch[1]}` : `${t.turn}:fits`;

/**
 * The original stores no trace of the turn and mirror it drew the piece with. Of the eight ways to
 * draw the piece, keep those for which our own turn tests (dimensions, then per turn success or the
 * first differing cell) are the ones the published analysis reports; their answer must agree.
 */
function fromPublishedView(
  sample: GameQASample,
  piece: number,
  hole: Mask,
  box: Box,
  shape: Mask,
): ConformResult {
  const published = publishedTurnTests(sample.analysis);
  if (!published.drawn) return { skip: "the analysis gives no piece dimensions" };
  const phrases = new Set<string>();
  for (const view of VIEWS) {
    const drawn = applyView(shape, view);
    if (dims(drawn) !== published.drawn) continue;
    const ours = testTurns(hole, drawn).map(testKey);
    if (ours.join(" ") !== published.tests.join(" ")) continue;
    phrases.add(rotationAnswer(piece, hole, box, drawn).phrase);
  }
  if (phrases.size === 0) return { skip: "no way of drawing the piece gives the published turn tests" };
  if (phrases.size > 1)
    return { skip: `the published turn tests fit several answers: ${[...phrases].join(" / ")}` };
  return optionResult(sample, [...phrases][0] as string);
}
