/**
 * Minesweeper question templates, question ids 0-5 as in the original: counts of flags, unflagged
 * mines and revealed cells; the state of a cell; the outcome of revealing a cell; the best move.
 */
import { lastMatch } from "../../parse.js";
import type { GeneratedQuestion, QuestionTemplate, Rng } from "../../types.js";
import {
  allCells,
  countFlags,
  countRevealed,
  type Deductions,
  deduce,
  fmt,
  isBoundary,
  isFlagged,
  isMineAt,
  isRevealed,
  neighbourhoodKnown,
  neighbours,
  numberAt,
  type Pos,
  posKey,
  proofOf,
} from "./logic.js";
import type { MinesweeperState } from "./state.js";

function intro(s: MinesweeperState): string {
  return (
    `This is a Minesweeper board of ${s.rows}x${s.cols} cells with ${s.mines} mines hidden in it in total.\n\n` +
    "Grey cells are still hidden. White cells have been revealed: a number on a white cell tells how many of its neighbours " +
    '(up to eight, diagonals included) hold a mine, and a blank white cell has no neighbouring mine. A red "F" marks a hidden ' +
    "cell that the player has flagged as a mine; every flag on this board is correct.\n" +
    "Cells are written (row,col): rows are numbered from 0 at the top and columns from 0 at the left, as labelled in the image.\n\n"
  );
}

const options = (list: string[]): string => `\n\nOptions:\n${list.join("\n")}`;
const cellIn = (q: string): Pos | undefined => {
  const m = lastMatch(q, /\((\d+),\s*(\d+)\)/g);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
};

/* ------------------------------ counts (0-2) ------------------------------ */

function countTask(
  id: number,
  name: string,
  description: string,
  ask: string,
  compute: (s: MinesweeperState) => { answer: number; analysis: string },
): QuestionTemplate<MinesweeperState> {
  return {
    id,
    name,
    description,
    qaType: "Target Perception",
    qaLevel: "Easy",
    answerFormat: "number",
    generate: ({ state }) => ({ question: `${intro(state)}Question: ${ask}`, ...compute(state) }),
    conform: ({ state }) => ({ answer: compute(state).answer }),
  };
}

const listCells = (cells: Pos[]): string => (cells.length === 0 ? "none" : cells.map(fmt).join(", "));

export function flaggedCount(s: MinesweeperState): { answer: number; analysis: string } {
  const cells = allCells(s).filter((p) => isFlagged(s, p));
  return {
    answer: cells.length,
    analysis: `The cells marked "F" are ${listCells(cells)}. So ${cells.length} cells are flagged.`,
  };
}

export function minesLeft(s: MinesweeperState): { answer: number; analysis: string } {
  const flags = countFlags(s);
  return {
    answer: s.mines - flags,
    analysis: `The board hides ${s.mines} mines in total and ${flags} of them are flagged ("F"), so ${s.mines} - ${flags} = ${s.mines - flags} mines are still to be found.`,
  };
}

export function revealedCount(s: MinesweeperState): { answer: number; analysis: string } {
  const lines: string[] = [];
  for (let r = 0; r < s.rows; r++) {
    const n = (s.revealed[r] ?? []).filter(Boolean).length;
    lines.push(`- Row ${r}: ${n} white cell(s).`);
  }
  const total = countRevealed(s);
  return {
    answer: total,
    analysis: `Counting the white (revealed) cells row by row:\n${lines.join("\n")}\nIn total ${total} cells are revealed.`,
  };
}

/* ------------------------------ q3: cell state ------------------------------ */

const STATE_OPTIONS = [
  "A. It is revealed and shows a number.",
  "B. It is flagged as a mine.",
  "C. It is still hidden.",
  "D. It is revealed and blank (no adjacent mines).",
];

export function cellState(s: MinesweeperState, p: Pos): { answer: string; analysis: string } {
  if (isRevealed(s, p)) {
    const n = numberAt(s, p);
    return n === 0
      ? {
          answer: "D",
          analysis: `Cell ${fmt(p)} is white and blank: it is revealed and none of its neighbours is a mine. So the answer is D.`,
        }
      : {
          answer: "A",
          analysis: `Cell ${fmt(p)} is white and shows the number ${n}: it is revealed with ${n} neighbouring mine(s). So the answer is A.`,
        };
  }
  if (isFlagged(s, p))
    return {
      answer: "B",
      analysis: `Cell ${fmt(p)} is grey with a red "F": it is flagged as a mine. So the answer is B.`,
    };
  return {
    answer: "C",
    analysis: `Cell ${fmt(p)} is grey without a flag: it is still hidden. So the answer is C.`,
  };
}

const cellStateTask: QuestionTemplate<MinesweeperState> = {
  id: 3,
  name: "cell-state",
  description: "Check cell state",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-letter",
  generate({ state, rng }) {
    // Pick the kind of cell first so that all four answers occur, then a cell of that kind.
    const kinds = new Map<string, Pos[]>();
    for (const p of allCells(state)) {
      const k = cellState(state, p).answer;
      kinds.set(k, [...(kinds.get(k) ?? []), p]);
    }
    const cells = kinds.get(rng.pick([...kinds.keys()].sort())) as Pos[];
    const p = rng.pick(cells);
    const { answer, analysis } = cellState(state, p);
    return {
      question: `${intro(state)}Question: What is the state of the cell at ${fmt(p)}?${options(STATE_OPTIONS)}`,
      answer,
      analysis,
      options: STATE_OPTIONS,
    };
  },
  conform({ sample, state }) {
    const p = cellIn(sample.question);
    return p ? { answer: cellState(state, p).answer } : { skip: "no cell in the question" };
  },
};

/* ------------------------------ q4: reveal outcome ------------------------------ */

/** Why the number of a cell is what it is, neighbour by neighbour. */
function neighbourReport(s: MinesweeperState, d: Deductions, p: Pos): string {
  return neighbours(s.rows, s.cols, p[0], p[1])
    .map((q) => {
      const why = isRevealed(s, q)
        ? "revealed, no mine"
        : isFlagged(s, q)
          ? "flagged mine"
          : d.mines.has(posKey(q))
            ? "proved mine"
            : "proved safe";
      return `${fmt(q)} ${why}`;
    })
    .join("; ");
}

/**
 * The original's rule for the outcome: a mine ends the game (A); a blank cell opens an area (B);
 * otherwise the option (C or D) showing the cell's number.
 */
export function revealOutcome(
  s: MinesweeperState,
  p: Pos,
  optionC: number,
  optionD: number,
): string | undefined {
  if (isMineAt(s, p)) return "A";
  const n = numberAt(s, p);
  if (n === 0) return "B";
  if (optionC === n) return "C";
  if (optionD === n) return "D";
  return undefined;
}

/** Two distinct numbers 1..8 other than `avoid` (0 is left out: "shows 0" would duplicate option B). */
function wrongNumbers(rng: Rng, avoid: number, count: number): number[] {
  return rng.sample(
    [1, 2, 3, 4, 5, 6, 7, 8].filter((v) => v !== avoid),
    count,
  );
}

const revealTask: QuestionTemplate<MinesweeperState> = {
  id: 4,
  name: "reveal-outcome",
  description: "Predict cell reveal outcome",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion | null {
    const d = deduce(state);
    // Only frontier cells whose outcome the visible board decides: proved mines, or proved safe
    // cells whose whole neighbourhood is known (so their number is decided too).
    const mines = allCells(state).filter((p) => d.mines.has(posKey(p)));
    const safe = allCells(state).filter(
      (p) => d.safe.has(posKey(p)) && isBoundary(state, p) && neighbourhoodKnown(state, d, p),
    );
    const pools = [mines, safe].filter((x) => x.length > 0);
    if (pools.length === 0) return null;
    const p = rng.pick(rng.pick(pools));
    let c: number;
    let dd: number;
    let analysis: string;
    if (isMineAt(state, p)) {
      [c, dd] = wrongNumbers(rng, -1, 2) as [number, number];
      analysis = `${proofOf(d, p)}\nSo ${fmt(p)} is a mine, and revealing it ends the game: option A.`;
    } else {
      const n = numberAt(state, p);
      // Prove the cell and every proved neighbour, since its number depends on them.
      const reason = `${proofOf(d, p, ...neighbours(state.rows, state.cols, p[0], p[1]))}\nSo ${fmt(p)} is safe. Its neighbours: ${neighbourReport(state, d, p)}.`;
      if (n === 0) {
        [c, dd] = wrongNumbers(rng, 0, 2) as [number, number];
        analysis = `${reason} None of them is a mine, so the cell is blank and its neighbours open automatically: option B.`;
      } else {
        const [other] = wrongNumbers(rng, n, 1) as [number];
        [c, dd] = rng.chance(0.5) ? [n, other] : [other, n];
        analysis = `${reason} Exactly ${n} of them are mines, so the cell shows ${n}: option ${c === n ? "C" : "D"}.`;
      }
    }
    const opts = [
      "A: The game ends because the cell holds a mine.",
      "B: The cell is blank, so it and the cells around it open up.",
      `C: The cell shows the number ${c}.`,
      `D: The cell shows the number ${dd}.`,
    ];
    return {
      question: `${intro(state)}Question: What happens if the player reveals the cell at ${fmt(p)}?${options(opts)}`,
      answer: revealOutcome(state, p, c, dd) as string,
      analysis,
      options: opts,
    };
  },
  conform({ sample, state }) {
    const p = cellIn(sample.question);
    const nums = (sample.options ?? []).map((o) => Number(/number (\d+)/.exec(String(o))?.[1] ?? Number.NaN));
    if (!p || nums.length < 4) return { skip: "no cell or no C/D numbers in the question" };
    const a = revealOutcome(state, p, nums[2] as number, nums[3] as number);
    return a ? { answer: a } : { skip: "neither C nor D shows the cell's number" };
  },
};

/* ------------------------------ q5: best move ------------------------------ */

const MOVE_OPTIONS = [
  "A. Flag this cell as a mine.",
  "B. Reveal this cell.",
  "C. Use the number on this cell to reason about its neighbours.",
  "D. Leave this cell for now and wait for more information.",
  "E. Nothing: the cell is already revealed and blank.",
  "F. Nothing: the cell is already flagged as a mine.",
];

/**
 * The original's decision rule: an unflagged mine should be flagged (A); a hidden safe cell next to
 * a revealed one should be revealed (B), one with no revealed neighbour waits (D); a revealed number
 * is to be reasoned from (C); a revealed blank needs nothing (E); a flagged cell needs nothing (F).
 */
export function bestMove(s: MinesweeperState, p: Pos): string {
  if (isMineAt(s, p) && !isFlagged(s, p)) return "A";
  if (!isRevealed(s, p) && !isFlagged(s, p)) return isBoundary(s, p) ? "B" : "D";
  if (isRevealed(s, p)) return numberAt(s, p) !== 0 ? "C" : "E";
  return "F";
}

const bestMoveTask: QuestionTemplate<MinesweeperState> = {
  id: 5,
  name: "best-move",
  description: "Determine optimal move",
  qaType: "Strategy Optimization",
  qaLevel: "Hard",
  answerFormat: "option-letter",
  generate({ state, rng }) {
    const d = deduce(state);
    // Hidden cells are asked about only when the image decides the move: proved mines (A), proved
    // safe frontier cells (B), and safe cells with no revealed neighbour (D: nothing to go on).
    const kinds: Record<string, Pos[]> = { A: [], B: [], C: [], D: [], E: [], F: [] };
    for (const p of allCells(state)) {
      const k = posKey(p);
      if (d.mines.has(k)) kinds.A?.push(p);
      else if (d.safe.has(k) && isBoundary(state, p)) kinds.B?.push(p);
      else if (isRevealed(state, p)) (numberAt(state, p) > 0 ? kinds.C : kinds.E)?.push(p);
      else if (isFlagged(state, p)) kinds.F?.push(p);
      else if (!isBoundary(state, p) && !isMineAt(state, p)) kinds.D?.push(p);
    }
    const available = Object.keys(kinds).filter((k) => (kinds[k]?.length ?? 0) > 0);
    const p = rng.pick(kinds[rng.pick(available)] as Pos[]);
    const answer = bestMove(state, p);
    const why: Record<string, string> = {
      A: `${proofOf(d, p)}\nSo ${fmt(p)} is certainly a mine that is not flagged yet; the best move is to flag it (A).`,
      B: `${proofOf(d, p)}\nSo ${fmt(p)} is certainly safe and touches revealed cells; the best move is to reveal it (B).`,
      C: `${fmt(p)} is revealed and shows ${numberAt(state, p)}; the useful move is to reason from that number about its hidden neighbours (C).`,
      D: `${fmt(p)} is hidden, unflagged and touches no revealed cell, so nothing on the board says whether it is safe; the best move is to leave it for now (D).`,
      E: `${fmt(p)} is revealed and blank, so there is nothing left to do with it (E).`,
      F: `${fmt(p)} already carries a flag, so there is nothing left to do with it (F).`,
    };
    return {
      question:
        `${intro(state)}Question: What is the best next move for the cell at ${fmt(p)}? Flag a cell only if the board proves it is a mine, ` +
        `and reveal it only if the board proves it is safe.${options(MOVE_OPTIONS)}`,
      answer,
      analysis: why[answer] as string,
      options: MOVE_OPTIONS,
    };
  },
  conform({ sample, state }) {
    const p = cellIn(sample.question);
    return p ? { answer: bestMove(state, p) } : { skip: "no cell in the question" };
  },
};

export const minesweeperTasks: QuestionTemplate<MinesweeperState>[] = [
  countTask(
    0,
    "flag-count",
    "Count flagged cells",
    "How many cells are currently flagged as mines?",
    flaggedCount,
  ),
  countTask(
    1,
    "mines-left",
    "Calculate remaining mines",
    "How many mines are left to be found (not yet flagged)?",
    minesLeft,
  ),
  countTask(2, "revealed-count", "Count revealed cells", "How many cells have been revealed?", revealedCount),
  cellStateTask,
  revealTask,
  bestMoveTask,
];
