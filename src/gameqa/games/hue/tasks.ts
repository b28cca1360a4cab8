/**
 * Hue question templates, question ids 0-2 as in the original: which palette colour belongs in a
 * labelled blank cell, the name of a cell's colour, and the description of a row's or column's
 * gradient. All multiple choice, answered with the 1-based option number.
 */
import { lastMatch } from "../../parse.js";
import type { Rng, TaskDefinition } from "../../types.js";
import { allColorNames, colorName, describeGradient, explainName, type RGB } from "./color.js";
import { type Gradient, gradientsThrough, type Pos, sameColor } from "./logic.js";
import { type HueState, isBlank, posKey } from "./state.js";

type Task = TaskDefinition<HueState>;

const RULES =
  "Rules:\n" +
  "1. Colours change gradually along rows or columns.\n" +
  "2. A gradient runs between two colours.\n" +
  "3. Every row or column may carry its own gradient, independent of the others.\n" +
  "4. Rows and columns are numbered from 1, starting at the top-left corner.\n" +
  "Cells with grey stripes hold no colour; white cells with a letter are blanks to be filled from the numbered palette under the board.\n\n";

const numbered = (options: readonly string[]): string => options.map((o, i) => `${i + 1}: ${o}`).join("\n");
const at = (s: HueState, [r, c]: Pos): RGB => (s.board[r] as RGB[])[c] as RGB;
const cellText = ([r, c]: Pos): string => `row ${r + 1}, column ${c + 1}`;

/** `correct` plus 7 distinct wrong texts: near candidates first, then random ones; shuffled. */
function eightOptions(rng: Rng, correct: string, near: string[], far: () => string): string[] {
  const wrong = new Set<string>();
  for (const t of rng.shuffle(near)) if (t !== correct && wrong.size < 3) wrong.add(t);
  for (let guard = 0; wrong.size < 7 && guard < 1000; guard++) {
    const t = far();
    if (t !== correct) wrong.add(t);
  }
  return rng.shuffle([correct, ...wrong]);
}

const randomColor = (rng: Rng): RGB => [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];

/* ------------------------------ 0: colour matching ------------------------------ */

function labelledCell(s: HueState, label: string): Pos | undefined {
  const entry = Object.entries(s.cell_labels).find(([, l]) => l === label);
  if (!entry) return undefined;
  return s.removed_positions.find((p) => posKey(p) === entry[0]);
}

/** Colour that belongs in the removed cell `p` (removed_colors is in removed_positions' order). */
function removedColor(s: HueState, p: Pos): RGB {
  const i = s.removed_positions.findIndex((q) => q[0] === p[0] && q[1] === p[1]);
  return s.removed_colors[i] as RGB;
}

export function matchingAnalysis(
  s: HueState,
  label: string,
  p: Pos,
  palette: RGB[],
): { answer: number; analysis: string } {
  const color = removedColor(s, p);
  const answer = palette.findIndex((c) => sameColor(c, color)) + 1;
  const lines = [`Cell ${label} is at ${cellText(p)}.`];
  for (const g of gradientsThrough(s.gradient_info, p)) {
    if (!g.start_color || !g.end_color) continue;
    lines.push(`Its ${g.type} carries a gradient ${describeGradient(g.start_color, g.end_color)}.`);
  }
  const n = s.board.length;
  const around: Array<[string, Pos]> = [
    ["above", [p[0] - 1, p[1]]],
    ["below", [p[0] + 1, p[1]]],
    ["left", [p[0], p[1] - 1]],
    ["right", [p[0], p[1] + 1]],
  ];
  const seen = around
    .filter(
      ([, q]) =>
        q[0] >= 0 && q[0] < n && q[1] >= 0 && q[1] < n && !s.cell_labels[posKey(q)] && !isBlank(at(s, q)),
    )
    .map(([where, q]) => `${where} ${colorName(at(s, q))}`);
  if (seen.length) lines.push(`Its coloured neighbours: ${seen.join(", ")}.`);
  lines.push(`Following the gradient, the missing colour is ${explainName(color)}.`);
  lines.push(`The palette: ${palette.map((c, i) => `${i + 1} ${colorName(c)}`).join(", ")}.`);
  lines.push(`Palette colour ${answer} is exactly that colour, so the answer is ${answer}.`);
  return { answer, analysis: lines.join("\n") };
}

const matchingTask: Task = {
  id: 0,
  name: "color-matching",
  description: "color_matching",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "option-index",
  generate({ state, rng }) {
    const palette = state.palette;
    if (!palette || state.removed_positions.length === 0) return null;
    const p = rng.pick(state.removed_positions);
    const label = state.cell_labels[posKey(p)] as string;
    const options = palette.map((_, i) => i + 1);
    const { answer, analysis } = matchingAnalysis(state, label, p, palette);
    return {
      question:
        `${RULES}Question:\nWhich palette colour belongs in cell ${label}?\n\n` +
        `Options:\nthe palette colours numbered ${options.join(", ")} below the board. Answer with the colour's number.`,
      answer,
      analysis,
      options,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /\bcell ([A-H])\b/g);
    const p = m ? labelledCell(state, m[1] as string) : undefined;
    if (!p) return { skip: "no labelled cell in the question" };
    if (state.palette) return { answer: matchingAnalysis(state, m?.[1] as string, p, state.palette).answer };
    // Published states lack the palette order; the analysis names each palette colour.
    const names = new Map<number, string>();
    for (const x of sample.analysis.matchAll(/Option (\d+) is ([a-z ]+)/g))
      names.set(Number(x[1]), (x[2] as string).trim());
    const want = colorName(removedColor(state, p));
    const hits = [...names].filter(([, name]) => name === want).map(([i]) => i);
    return hits.length === 1
      ? { answer: hits[0] as number }
      : { skip: `palette order not in the state and ${hits.length} palette colours are named "${want}"` };
  },
};

/* ------------------------------ 1: colour description ------------------------------ */

export function descriptionAnalysis(s: HueState, p: Pos): string {
  return `The cell at ${cellText(p)} has ${explainName(at(s, p))}.`;
}

/** Names sharing the base hue (other modifiers) or the neighbouring bands: the tempting wrong ones. */
function nearNames(name: string): string[] {
  const base = name.split(" ").pop() as string;
  return allColorNames().filter((n) => n.endsWith(base) || n.includes("gray"));
}

const descriptionTask: Task = {
  id: 1,
  name: "color-description",
  description: "color_description",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate({ state, rng }) {
    const n = state.board.length;
    const cells: Pos[] = [];
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++)
        if (!isBlank(at(state, [r, c])) && !state.cell_labels[posKey([r, c])]) cells.push([r, c]);
    if (cells.length === 0) return null;
    const p = rng.pick(cells);
    const correct = colorName(at(state, p));
    const options = eightOptions(rng, correct, nearNames(correct), () => colorName(randomColor(rng)));
    const answer = options.indexOf(correct) + 1;
    return {
      question: `${RULES}Question:\nWhat colour is the cell at ${cellText(p)}?\n\nOptions:\n${numbered(options)}\n\nAnswer with the option's number.`,
      answer,
      analysis: `${descriptionAnalysis(state, p)} That is option ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /row (\d+), column (\d+)/g);
    if (!m) return { skip: "no cell in the question" };
    const p: Pos = [Number(m[1]) - 1, Number(m[2]) - 1];
    if (!state.board[p[0]]?.[p[1]]) return { skip: "cell off the board" };
    const i = (sample.options ?? []).map(String).indexOf(colorName(at(state, p)));
    return i >= 0 ? { answer: i + 1 } : { skip: `no option reads "${colorName(at(state, p))}"` };
  },
};

/* ------------------------------ 2: gradient pattern ------------------------------ */

const describe = (g: Gradient): string | undefined =>
  g.start_color && g.end_color ? describeGradient(g.start_color, g.end_color) : undefined;

const gradientTask: Task = {
  id: 2,
  name: "gradient-pattern",
  description: "gradient_pattern",
  qaType: "Target Perception",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }) {
    // Only lines carrying a single gradient, so the question has one right description.
    const lone = state.gradient_info.filter(
      (g) =>
        describe(g) &&
        state.gradient_info.filter((h) => h.type === g.type && h.index === g.index).length === 1,
    );
    if (lone.length === 0) return null;
    const g = rng.pick(lone);
    const correct = describe(g) as string;
    const [a, b] = [g.start_color as RGB, g.end_color as RGB];
    // Tempting wrong ones: the same gradient read backwards, or as a fade of one end's colour.
    const near = [
      describeGradient(b, a),
      `transitioning from darker to lighter ${colorName(a)}`,
      `transitioning from lighter to darker ${colorName(b)}`,
    ];
    const options = eightOptions(rng, correct, near, () =>
      describeGradient(randomColor(rng), randomColor(rng)),
    );
    const answer = options.indexOf(correct) + 1;
    return {
      question: `${RULES}Question:\nWhat is the gradient pattern in ${g.type} ${g.index + 1}?\n\nOptions:\n${numbered(options)}\n\nAnswer with the option's number.`,
      answer,
      analysis:
        `The gradient of ${g.type} ${g.index + 1} starts at ${explainName(a)} and ends at ${explainName(b)}. ` +
        `So it is ${correct}: option ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /\b(row|column) (\d+)\?/g);
    if (!m) return { skip: "no row or column in the question" };
    const wanted = new Set(
      state.gradient_info.filter((g) => g.type === m[1] && g.index === Number(m[2]) - 1).map(describe),
    );
    const hits = (sample.options ?? []).map(String).flatMap((o, i) => (wanted.has(o) ? [i + 1] : []));
    return hits.length === 1
      ? { answer: hits[0] as number }
      : { skip: `${hits.length} options describe that line` };
  },
};

export const hueTasks: Task[] = [matchingTask, descriptionTask, gradientTask];
