/** Small helpers for games whose state is a 2D grid. */

/** [row, col] of every cell whose value passes `pred`, in row-major order. */
export function cellsWhere<T>(
  grid: readonly (readonly T[])[],
  pred: (value: T) => boolean,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let r = 0; r < grid.length; r++) {
    const row = grid[r] ?? [];
    for (let c = 0; c < row.length; c++) if (pred(row[c] as T)) out.push([r, c]);
  }
  return out;
}
