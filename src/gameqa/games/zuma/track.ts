/**
 * The original's spiral track: an Archimedean spiral r = a + b·θ (b = 0.2) that starts at the hole
 * (t = 0) and winds outwards for `turns` turns; marbles sit on it from the far end inwards, each the
 * first sampled point at least a marble diameter (chord) from the previous one.
 */
import { MARBLE_RADIUS, type Point } from "./logic.js";

const GROWTH = 0.2;
/** The original samples the curve at 2,000 points. */
const SAMPLES = 2000;

export interface Spiral {
  hole: Point;
  turns: number;
}

export function spiralPoints({ hole, turns }: Spiral, samples = SAMPLES): Point[] {
  const phase = Math.atan2(hole.y, hole.x);
  const a = Math.hypot(hole.x, hole.y) - GROWTH * phase;
  return Array.from({ length: samples }, (_, i) => {
    const theta = ((turns * i) / (samples - 1)) * 2 * Math.PI + phase;
    const r = a + GROWTH * theta;
    return { x: r * Math.cos(theta), y: r * Math.sin(theta) };
  });
}

/** The number of turns that ends the spiral through `hole` at point `end` (the far-end marble). */
export function turnsTo(hole: Point, end: Point): number {
  const phase = Math.atan2(hole.y, hole.x);
  const a = Math.hypot(hole.x, hole.y) - GROWTH * phase;
  const theta = (Math.hypot(end.x, end.y) - a) / GROWTH;
  return Math.max(0, (theta - phase) / (2 * Math.PI));
}

/** Up to `count` marble centres, from the far end of the curve towards the hole. */
export function marbleCentres(curve: readonly Point[], count: number): Point[] {
  const out: Point[] = [curve[curve.length - 1] as Point];
  let k = curve.length - 1;
  while (out.length < count) {
    const prev = out[out.length - 1] as Point;
    let found = -1;
    for (let j = k - 1; j >= 0; j--) {
      const p = curve[j] as Point;
      if (Math.hypot(p.x - prev.x, p.y - prev.y) >= 2 * MARBLE_RADIUS) {
        found = j;
        break;
      }
    }
    if (found < 0) break;
    out.push(curve[found] as Point);
    k = found;
  }
  return out;
}
