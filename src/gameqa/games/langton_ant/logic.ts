/** Langton's ant on a wrapping square grid (0 = white, 1 = black; x = row downwards, y = column). */

export type Direction = "up" | "right" | "down" | "left";
export const DIRECTIONS: readonly Direction[] = ["up", "right", "down", "left"];

export interface Ant {
  x: number;
  y: number;
  direction: Direction;
}
export interface LangtonState {
  grid: number[][];
  ant: Ant;
}

export interface StepRecord {
  step: number;
  from: [number, number];
  facing: Direction;
  color: "white" | "black";
  turned: Direction;
  to: [number, number];
}

/** One step: turn right on white / left on black, flip the cell, move forward (wrapping). Mutates. */
export function step(state: LangtonState, n: number): StepRecord {
  const { grid, ant } = state;
  const size = grid.length;
  const row = grid[ant.x] as number[];
  const color = row[ant.y] === 0 ? "white" : "black";
  const k = DIRECTIONS.indexOf(ant.direction);
  const turned = DIRECTIONS[(k + (color === "white" ? 1 : 3)) % 4] as Direction;
  row[ant.y] = color === "white" ? 1 : 0;
  const from: [number, number] = [ant.x, ant.y];
  const facing = ant.direction;
  if (turned === "up") ant.x = (ant.x - 1 + size) % size;
  else if (turned === "down") ant.x = (ant.x + 1) % size;
  else if (turned === "left") ant.y = (ant.y - 1 + size) % size;
  else ant.y = (ant.y + 1) % size;
  ant.direction = turned;
  return { step: n, from, facing, color, turned, to: [ant.x, ant.y] };
}

export function cloneState(s: LangtonState): LangtonState {
  return { grid: s.grid.map((r) => r.slice()), ant: { ...s.ant } };
}

/** Run `steps` steps on a copy; returns the final state and the per-step log. */
export function simulate(s: LangtonState, steps: number): { final: LangtonState; log: StepRecord[] } {
  const final = cloneState(s);
  const log: StepRecord[] = [];
  for (let i = 1; i <= steps; i++) log.push(step(final, i));
  return { final, log };
}

export const describeAnt = (a: Ant): string => `Position (${a.x}, ${a.y}), facing ${a.direction}`;

export function describeStep(r: StepRecord): string {
  return (
    `Step ${r.step}: at (${r.from[0]}, ${r.from[1]}) facing ${r.facing} on a ${r.color} cell; ` +
    `turn ${r.color === "white" ? "right" : "left"} to face ${r.turned}, paint the cell ${r.color === "white" ? "black" : "white"}, move to (${r.to[0]}, ${r.to[1]}).`
  );
}
