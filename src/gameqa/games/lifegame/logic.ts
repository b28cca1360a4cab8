/** Conway's Game of Life (B3/S23) on a wrapping (toroidal) square grid; 1 = alive, 0 = dead. */

export interface LifeState {
  grid: number[][];
}

export function liveNeighbours(grid: number[][], r: number, c: number): number {
  const n = grid.length;
  let count = 0;
  for (let dr = -1; dr <= 1; dr++) {
    for (let dc = -1; dc <= 1; dc++) {
      if (dr === 0 && dc === 0) continue;
      count += grid[(r + dr + n) % n]?.[(c + dc + n) % n] ?? 0;
    }
  }
  return count;
}

export function nextCell(alive: boolean, neighbours: number): number {
  return alive ? (neighbours === 2 || neighbours === 3 ? 1 : 0) : neighbours === 3 ? 1 : 0;
}

export function evolve(grid: number[][]): number[][] {
  return grid.map((row, r) => row.map((v, c) => nextCell(v === 1, liveNeighbours(grid, r, c))));
}

export const liveCount = (grid: number[][]): number =>
  grid.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);

/** The 3x3 window whose top-left cell is (r0, c0), wrapping around the grid edges. */
export function region(grid: number[][], r0: number, c0: number, size = 3): number[][] {
  const n = grid.length;
  return Array.from({ length: size }, (_, i) =>
    Array.from({ length: size }, (_, j) => grid[(r0 + i) % n]?.[(c0 + j) % n] ?? 0),
  );
}

/** True when applying the rules to the window alone (wrapping inside the window) changes no cell. */
export function regionIsStill(win: number[][]): boolean {
  return evolve(win).every((row, i) => row.every((v, j) => v === win[i]?.[j]));
}

/**
 * Iterations until the 3x3 window is stable, as the original defines it: the whole grid evolves;
 * at iteration t (starting at 0) the window is stable when, taken as an independent wrapping 3x3
 * world, no cell would change, or when its pattern equals one it had at an earlier iteration.
 * Returns -1 when neither happens within maxSteps iterations.
 */
export function regionStabilitySteps(
  grid: number[][],
  r0: number,
  c0: number,
  maxSteps = 20,
): { steps: number; reason: "still" | "repeat" | "none"; history: number[][][] } {
  let current = grid;
  const seen: string[] = [];
  const history: number[][][] = [];
  for (let t = 0; t < maxSteps; t++) {
    const win = region(current, r0, c0);
    history.push(current);
    if (regionIsStill(win)) return { steps: t, reason: "still", history };
    const key = JSON.stringify(win);
    if (seen.includes(key)) return { steps: t, reason: "repeat", history };
    seen.push(key);
    current = evolve(current);
  }
  return { steps: -1, reason: "none", history };
}

/** Grid as text: a header of column numbers, then "r: 0 1 0 ..."; cells in `mark` are bracketed. */
export function gridText(grid: number[][], mark: Array<[number, number]> = []): string {
  const marked = new Set(mark.map(([r, c]) => `${r},${c}`));
  const header = `   ${grid[0]?.map((_, c) => c).join(" ")}`;
  const rows = grid.map(
    (row, r) => `${r}: ${row.map((v, c) => (marked.has(`${r},${c}`) ? `[${v}]` : String(v))).join(" ")}`,
  );
  return [header, ...rows].join("\n");
}
