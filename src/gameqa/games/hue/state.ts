/**
 * Hue state with the published keys: `board` (RGB per cell; [0, 0, 0] = no colour, removed cells
 * white), `removed_positions` / `removed_colors` (cells blanked and labelled A, B, ...),
 * `extra_options` (palette colours that fit no cell), `cell_labels` ("(r, c)" -> label, 0-based),
 * `gradient_info`. The original does not store the palette's order, shown only in the image; our
 * states add it as `palette`.
 */
import { UserError } from "../../../util/errors.js";
import { expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import type { RGB } from "./color.js";
import { addLine, distantColor, emptyBuild, type Gradient, type Pos, sameColor } from "./logic.js";

export interface HueState {
  board: RGB[][];
  removed_positions: Pos[];
  removed_colors: RGB[];
  extra_options: RGB[];
  cell_labels: Record<string, string>;
  gradient_info: Gradient[];
  palette?: RGB[];
}

export const posKey = ([r, c]: Pos): string => `(${r}, ${c})`;
export const isBlank = (c: RGB): boolean => c[0] === 0 && c[1] === 0 && c[2] === 0;
export const LABELS = "ABCDEFGH";

/** Board side per plot level: the original draws 5-8 and levels 5 Easy, 6-7 Medium, 8 Hard. */
function sideFor(rng: Rng, level: Level): number {
  return level === "Easy" ? 5 : level === "Medium" ? rng.int(6, 7) : 8;
}

/**
 * The original's recipe: 3-4 gradients, then 3-6 coloured cells blanked and labelled, and a palette
 * of 6 colours (the blanked ones plus colours far from them) in random order. We keep the removed
 * colours distinct so every label has exactly one right palette entry.
 */
export function generateState(rng: Rng, plotLevel: Level): HueState {
  for (let attempt = 0; attempt < 100; attempt++) {
    const b = emptyBuild(sideFor(rng, plotLevel));
    const lines = rng.int(3, 4);
    for (let i = 0; i < lines; i++) addLine(b, rng);
    const cells: Pos[] = [];
    for (let r = 0; r < b.size; r++)
      for (let c = 0; c < b.size; c++) if (b.colored[r]?.[c]) cells.push([r, c]);
    // A painted colour of exactly [0, 0, 0] would read as "no colour": draw again (very rare).
    if (cells.some(([r, c]) => isBlank((b.board[r] as RGB[])[c] as RGB))) continue;
    const want = rng.int(3, 6);
    const removed: Pos[] = [];
    const colors: RGB[] = [];
    for (const p of rng.shuffle(cells)) {
      if (removed.length === want) break;
      const color = (b.board[p[0]] as RGB[])[p[1]] as RGB;
      if (colors.some((c) => sameColor(c, color))) continue;
      removed.push(p);
      colors.push(color);
    }
    if (removed.length < 3) continue;
    const extras: RGB[] = [];
    while (colors.length + extras.length < 6) extras.push(distantColor(rng, [...colors, ...extras]));
    const labels: Record<string, string> = {};
    removed.forEach((p, i) => {
      (b.board[p[0]] as RGB[])[p[1]] = [255, 255, 255];
      labels[posKey(p)] = LABELS[i] as string;
    });
    return {
      board: b.board,
      removed_positions: removed,
      removed_colors: colors,
      extra_options: extras,
      cell_labels: labels,
      gradient_info: b.gradients,
      palette: rng.shuffle([...colors, ...extras]),
    };
  }
  throw new Error("hue: no board with three distinct colours to remove after 100 tries");
}

const isRgb = (v: unknown): v is RGB =>
  Array.isArray(v) && v.length === 3 && v.every((x) => Number.isInteger(x) && x >= 0 && x <= 255);

function rgbList(o: Record<string, unknown>, field: string, where: string): RGB[] {
  const v = o[field];
  if (!Array.isArray(v)) throw new UserError(`${where}: field "${field}" must be a list of [r, g, b]`);
  return v.map((c, i) => {
    if (!isRgb(c))
      throw new UserError(
        `${where}: field "${field}"[${i}] = ${JSON.stringify(c)} is not [r, g, b] in 0..255`,
      );
    return [c[0], c[1], c[2]];
  });
}

function gradient(v: unknown, i: number, n: number, where: string): Gradient {
  const g = expectObject(v, where);
  const bad = (what: string): UserError => new UserError(`${where}: field "gradient_info"[${i}].${what}`);
  if (g.type !== "row" && g.type !== "column") throw bad('type must be "row" or "column"');
  if (!Number.isInteger(g.index) || (g.index as number) < 0 || (g.index as number) >= n)
    throw bad("index is off the board");
  const color = (k: "start_color" | "end_color"): RGB | null => {
    if (g[k] === null || g[k] === undefined) return null;
    if (!isRgb(g[k])) throw bad(`${k} is not [r, g, b]`);
    return g[k] as RGB;
  };
  const direction = typeof g.direction === "number" ? g.direction : null;
  return {
    type: g.type,
    index: g.index as number,
    direction,
    start_color: color("start_color"),
    end_color: color("end_color"),
  };
}

export function parseState(json: unknown, where: string): HueState {
  const o = expectObject(json, where);
  const board = o.board;
  if (!Array.isArray(board) || board.length === 0)
    throw new UserError(`${where}: field "board" must be a square grid of [r, g, b]`);
  const n = board.length;
  const rows = board.map((row, r) => {
    if (!Array.isArray(row) || row.length !== n)
      throw new UserError(`${where}: field "board" row ${r} is not ${n} cells long`);
    return row.map((c, k) => {
      if (!isRgb(c))
        throw new UserError(`${where}: field "board"[${r}][${k}] = ${JSON.stringify(c)} is not [r, g, b]`);
      return [c[0], c[1], c[2]] as RGB;
    });
  });
  const removed = (Array.isArray(o.removed_positions) ? o.removed_positions : []).map((p, i): Pos => {
    const ok = Array.isArray(p) && p.length === 2 && p.every((x) => Number.isInteger(x) && x >= 0 && x < n);
    if (!ok)
      throw new UserError(`${where}: field "removed_positions"[${i}] is not a [row, col] on the board`);
    return [p[0], p[1]];
  });
  const labels = o.cell_labels ?? {};
  if (typeof labels !== "object" || labels === null || Array.isArray(labels))
    throw new UserError(`${where}: field "cell_labels" must map "(r, c)" to a label`);
  if (!Array.isArray(o.gradient_info)) throw new UserError(`${where}: field "gradient_info" must be a list`);
  const state: HueState = {
    board: rows,
    removed_positions: removed,
    removed_colors: rgbList(o, "removed_colors", where),
    extra_options: rgbList(o, "extra_options", where),
    cell_labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])),
    gradient_info: o.gradient_info.map((g, i) => gradient(g, i, n, where)),
  };
  if (state.removed_colors.length !== removed.length)
    throw new UserError(`${where}: fields "removed_positions" and "removed_colors" differ in length`);
  if (o.palette !== undefined) state.palette = rgbList(o, "palette", where);
  return state;
}
