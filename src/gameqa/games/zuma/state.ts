/**
 * Zuma state with the published keys: `track {plot_level, hole_position}`, `frog {position, angle,
 * next_ball_color, after_next_ball_color}` and `balls [{position, color}]` in track order (index 0
 * at the far end of the track). Coordinates are track units, y up.
 */
import { UserError } from "../../../util/errors.js";
import { expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { COLORS, type Marble, type Point } from "./logic.js";
import { marbleCentres, spiralPoints } from "./track.js";

export interface ZumaState {
  track: { plot_level: Level; hole_position: Point };
  frog: { position: Point; angle: number; next_ball_color: string; after_next_ball_color: string };
  balls: Marble[];
}

/**
 * Marble counts per plot level and the spiral length (turns) the original gives each count:
 * 10-15 → 0.5-1, 16-30 → 1-1.5 (Easy), 31-55 → 1.5-2, 56-75 → 2-2.5 (Medium), 76-100 → 2.5-3,
 * more → 3 (Hard). The curve can run out before the count is placed, as in the original.
 */
const MARBLES: Record<Level, [number, number]> = { Easy: [10, 30], Medium: [31, 75], Hard: [76, 134] };
function turnsFor(rng: Rng, count: number): number {
  const bands: Array<[number, number, number]> = [
    [15, 0.5, 1],
    [30, 1, 1.5],
    [55, 1.5, 2],
    [75, 2, 2.5],
    [100, 2.5, 3],
  ];
  const band = bands.find(([max]) => count <= max);
  return band ? band[1] + rng.next() * (band[2] - band[1]) : 3;
}

const signed = (rng: Rng, lo: number, hi: number): number =>
  (lo + rng.next() * (hi - lo)) * (rng.chance(0.5) ? 1 : -1);

export function generateState(rng: Rng, plotLevel: Level): ZumaState {
  const hole = { x: signed(rng, 1.5, 3), y: signed(rng, 1.5, 3) };
  const frog = { x: rng.next() * 2 - 1, y: rng.next() * 2 - 1 };
  const [lo, hi] = MARBLES[plotLevel];
  const count = rng.int(lo, hi);
  const curve = spiralPoints({ hole, turns: turnsFor(rng, count) });
  const balls = marbleCentres(curve, count).map((position) => ({ position, color: rng.pick(COLORS) }));
  return {
    track: { plot_level: plotLevel, hole_position: hole },
    frog: {
      position: frog,
      angle: rng.int(-179, 179),
      next_ball_color: rng.pick(COLORS),
      after_next_ball_color: rng.pick(COLORS),
    },
    balls,
  };
}

function point(v: unknown, where: string, field: string): Point {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== "object" || o === null || typeof o.x !== "number" || typeof o.y !== "number")
    throw new UserError(`${where}: field "${field}" must be {x, y} numbers`);
  return { x: o.x, y: o.y };
}

function colour(v: unknown, where: string, field: string): string {
  if (typeof v !== "string" || !(COLORS as readonly string[]).includes(v))
    throw new UserError(`${where}: field "${field}" must be one of ${COLORS.join(", ")}`);
  return v;
}

export function parseState(json: unknown, where: string): ZumaState {
  const o = expectObject(json, where);
  const track = expectObject(o.track, `${where} (track)`);
  const frog = expectObject(o.frog, `${where} (frog)`);
  const level = track.plot_level;
  if (level !== "Easy" && level !== "Medium" && level !== "Hard")
    throw new UserError(`${where}: field "track.plot_level" must be Easy, Medium or Hard`);
  if (typeof frog.angle !== "number" || !Number.isFinite(frog.angle))
    throw new UserError(`${where}: field "frog.angle" must be a number`);
  if (!Array.isArray(o.balls) || o.balls.length === 0)
    throw new UserError(`${where}: field "balls" must be a non-empty array`);
  return {
    track: { plot_level: level, hole_position: point(track.hole_position, where, "track.hole_position") },
    frog: {
      position: point(frog.position, where, "frog.position"),
      angle: frog.angle,
      next_ball_color: colour(frog.next_ball_color, where, "frog.next_ball_color"),
      after_next_ball_color: colour(frog.after_next_ball_color, where, "frog.after_next_ball_color"),
    },
    balls: o.balls.map((b, i) => {
      const m = expectObject(b, `${where} (balls[${i}])`);
      return {
        position: point(m.position, where, `balls[${i}].position`),
        color: colour(m.color, where, `balls[${i}].color`),
      };
    }),
  };
}
