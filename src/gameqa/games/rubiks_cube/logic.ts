/**
 * Rubik's cube rules as the original defines them. A cube is 54 stickers, face by face in the
 * order U, D, L, R, F, B, each face row by row (row i, column j as stored in `faces[f][i][j]`).
 * A turn rotates its face's 3 x 3 grid (clockwise: new[i][j] = old[2-j][i]) and moves four
 * rows/columns of the neighbouring faces round a cycle, copied cell by cell in index order (the
 * original never reverses a strip; its turns are its own, and answers follow them).
 */

export const FACES = ["U", "D", "L", "R", "F", "B"] as const;
export type Face = (typeof FACES)[number];
export const COLOURS = ["yellow", "white", "orange", "red", "blue", "green"] as const;
/** Turn names in the original's search order. */
export const MOVES = ["F", "B", "L", "R", "U", "D", "F'", "B'", "L'", "R'", "U'", "D'"] as const;
export type Move = (typeof MOVES)[number];

export type Cube = Uint8Array;
export const at = (f: Face, i: number, j: number): number => FACES.indexOf(f) * 9 + i * 3 + j;

/** A strip of three stickers: a row (r, 0..2) or a column (0..2, c) of a face. */
type Strip = [Face, "row" | "col", number];
const cells = ([f, kind, n]: Strip): number[] =>
  [0, 1, 2].map((k) => (kind === "row" ? at(f, n, k) : at(f, k, n)));

/* The four strips each turn moves, in the order the clockwise turn carries them round. */
const CLOCKWISE_CYCLE: Record<Face, Strip[]> = {
  F: [
    ["U", "row", 2],
    ["R", "col", 0],
    ["D", "row", 0],
    ["L", "col", 2],
  ],
  B: [
    ["U", "row", 0],
    ["L", "col", 0],
    ["D", "row", 2],
    ["R", "col", 2],
  ],
  R: [
    ["U", "col", 2],
    ["F", "col", 2],
    ["D", "col", 2],
    ["B", "col", 0],
  ],
  L: [
    ["U", "col", 0],
    ["B", "col", 2],
    ["D", "col", 0],
    ["F", "col", 0],
  ],
  U: [
    ["B", "row", 0],
    ["R", "row", 0],
    ["F", "row", 0],
    ["L", "row", 0],
  ],
  D: [
    ["F", "row", 2],
    ["R", "row", 2],
    ["B", "row", 2],
    ["L", "row", 2],
  ],
};

/** new[k] = old[PERM[move][k]] for every sticker k. */
const PERM: Record<string, Int32Array> = {};
for (const move of MOVES) {
  const face = move[0] as Face;
  const clockwise = move.length === 1;
  const perm = Int32Array.from({ length: 54 }, (_, k) => k);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) perm[at(face, i, j)] = clockwise ? at(face, 2 - j, i) : at(face, j, 2 - i);
  const base = CLOCKWISE_CYCLE[face];
  // Anticlockwise: same first strip, the other three in reverse.
  const cycle = clockwise ? base : [base[0], base[3], base[2], base[1]];
  for (let s = 0; s < 4; s++) {
    const to = cells(cycle[s] as Strip);
    const from = cells(cycle[(s + 3) % 4] as Strip);
    for (let k = 0; k < 3; k++) perm[to[k] as number] = from[k] as number;
  }
  PERM[move] = perm;
}

export const solvedCube = (): Cube => Uint8Array.from({ length: 54 }, (_, k) => Math.floor(k / 9));

export function turn(cube: Cube, move: Move): Cube {
  const perm = PERM[move] as Int32Array;
  const out = new Uint8Array(54);
  for (let k = 0; k < 54; k++) out[k] = cube[perm[k] as number] as number;
  return out;
}

export const turnAll = (cube: Cube, moves: readonly Move[]): Cube => moves.reduce(turn, cube);

export const isMove = (m: string): m is Move => (MOVES as readonly string[]).includes(m);

/** All nine stickers of the face equal its first one. */
export function faceSolved(cube: Cube, f: Face): boolean {
  const o = FACES.indexOf(f) * 9;
  for (let k = 1; k < 9; k++) if (cube[o + k] !== cube[o]) return false;
  return true;
}
export const cubeSolved = (cube: Cube): boolean => FACES.every((f) => faceSolved(cube, f));

/** Stickers of the face that match its centre (the original's progress measure). */
export function matching(cube: Cube, f: Face): number {
  const o = FACES.indexOf(f) * 9;
  let n = 0;
  for (let k = 0; k < 9; k++) if (cube[o + k] === cube[o + 4]) n++;
  return n;
}
const matchingAll = (cube: Cube): number => FACES.reduce((n, f) => n + matching(cube, f), 0);

export interface SearchResult {
  /** Turns of the first solution found, or null when none within the depth. */
  moves: Move[] | null;
  /** New positions met (the original's "states explored" minus repeats). */
  visited: number;
}

/**
 * The original's solver: breadth-first over turns in MOVES order, expanding only turns that do not
 * lower the progress measure, skipping positions whose `key` was met before (the start is not
 * marked), and stopping at the first solved position taken from the queue. The original has no
 * bound but its depth; ours also stops after `limit` positions and then reports `undefined`.
 */
export function greedySearch(
  start: Cube,
  solved: (c: Cube) => boolean,
  score: (c: Cube) => number,
  key: (c: Cube) => string,
  maxDepth: number,
  limit: number,
): SearchResult | undefined {
  const seen = new Set<string>();
  const queue: Array<{ cube: Cube; moves: Move[] }> = [{ cube: start, moves: [] }];
  for (let head = 0; head < queue.length; head++) {
    const { cube, moves } = queue[head] as { cube: Cube; moves: Move[] };
    if (moves.length >= maxDepth) continue;
    if (solved(cube)) return { moves, visited: seen.size };
    const before = score(cube);
    for (const m of MOVES) {
      const next = turn(cube, m);
      const k = key(next);
      if (seen.has(k)) continue;
      seen.add(k);
      if (seen.size > limit) return undefined;
      if (score(next) >= before) queue.push({ cube: next, moves: [...moves, m] });
    }
  }
  return { moves: null, visited: seen.size };
}

const SEARCH_LIMIT = 200_000;
const cubeKey = (c: Cube): string => String.fromCharCode(...c);

/**
 * The original's single-face search (depth 12; positions told apart by that face only). A smaller
 * `maxDepth` finds the same answer whenever it is shorter than that depth (breadth-first order).
 */
export function solveFace(cube: Cube, f: Face, maxDepth = 12): SearchResult | undefined {
  if (faceSolved(cube, f)) return { moves: [], visited: 0 };
  const o = FACES.indexOf(f) * 9;
  return greedySearch(
    cube,
    (c) => faceSolved(c, f),
    (c) => matching(c, f),
    (c) => String.fromCharCode(...c.subarray(o, o + 9)),
    maxDepth,
    SEARCH_LIMIT,
  );
}

/** The original's whole-cube search (depth 20; `maxDepth` as for solveFace). */
export function solveCube(cube: Cube, maxDepth = 20): SearchResult | undefined {
  if (cubeSolved(cube)) return { moves: [], visited: 0 };
  return greedySearch(cube, cubeSolved, matchingAll, cubeKey, maxDepth, SEARCH_LIMIT);
}

/** Whether some sequence of fewer than `n` turns (any turns) reaches `goal`: plain depth-first search. */
export function solvableWithin(cube: Cube, goal: (c: Cube) => boolean, n: number): boolean {
  if (goal(cube)) return true;
  if (n <= 0) return false;
  return MOVES.some((m) => solvableWithin(turn(cube, m), goal, n - 1));
}
