/**
 * Zuma rules as the original's question code applies them. Marbles lie on a spiral track in order
 * (index 0 is the far end of the track, the last index is nearest the hole); the frog shoots from
 * the centre of its circle along a ray at `angle` degrees (counter-clockwise from +x, y up).
 * Marble radius 0.3 in track units, as the original hard-codes.
 */
export const MARBLE_RADIUS = 0.3;
export const COLORS = ["red", "yellow", "blue", "green"] as const;
export type Color = (typeof COLORS)[number];

export interface Point {
  x: number;
  y: number;
}
export interface Marble {
  position: Point;
  color: string;
}

/** The eight direction sectors: name, sector text, and the test on an angle in (-180, 180]. */
export const DIRECTIONS: ReadonlyArray<{ name: string; range: string; holds: (a: number) => boolean }> = [
  { name: "up", range: "67.5 degrees ~ 112.5 degrees", holds: (a) => a >= 67.5 && a < 112.5 },
  { name: "down", range: "-112.5 degrees ~ -67.5 degrees", holds: (a) => a >= -112.5 && a < -67.5 },
  {
    name: "left",
    range: "157.5 degrees ~ 180 degrees or -180 degrees ~ -157.5 degrees",
    holds: (a) => a >= 157.5 || a < -157.5,
  },
  { name: "right", range: "-22.5 degrees ~ 22.5 degrees", holds: (a) => a >= -22.5 && a < 22.5 },
  { name: "up-left", range: "112.5 degrees ~ 157.5 degrees", holds: (a) => a >= 112.5 && a < 157.5 },
  { name: "up-right", range: "22.5 degrees ~ 67.5 degrees", holds: (a) => a >= 22.5 && a < 67.5 },
  { name: "down-left", range: "-157.5 degrees ~ -112.5 degrees", holds: (a) => a >= -157.5 && a < -112.5 },
  { name: "down-right", range: "-67.5 degrees ~ -22.5 degrees", holds: (a) => a >= -67.5 && a < -22.5 },
];

export const angleTo = (from: Point, to: Point): number =>
  (Math.atan2(to.y - from.y, to.x - from.x) * 180) / Math.PI;
export const directionOf = (from: Point, to: Point): string =>
  DIRECTIONS.find((d) => d.holds(angleTo(from, to)))?.name ?? "unknown";
const dist2 = (a: Point, b: Point): number => (a.x - b.x) ** 2 + (a.y - b.y) ** 2;

/** A maximal run of consecutive marbles of one colour: indices first..last. */
export interface Group {
  first: number;
  last: number;
  color: string;
}

export function groups(marbles: readonly Marble[]): Group[] {
  const out: Group[] = [];
  for (let i = 0; i < marbles.length; ) {
    let j = i;
    while (j + 1 < marbles.length && marbles[j + 1]?.color === marbles[i]?.color) j++;
    out.push({ first: i, last: j, color: marbles[i]?.color ?? "" });
    i = j + 1;
  }
  return out;
}

/**
 * Groups of two or more marbles "in" a direction: as the original counts them, a group is in the
 * sector when its first or its last marble's centre is (its middle marbles are not looked at).
 */
export function groupsInDirection(frog: Point, marbles: readonly Marble[], direction: string): Group[] {
  const inSector = (i: number): boolean => directionOf(frog, (marbles[i] as Marble).position) === direction;
  return groups(marbles).filter((g) => g.last > g.first && (inSector(g.first) || inSector(g.last)));
}

/** Marbles the ray at `angle` passes within a marble diameter of (in front of the frog). */
export function marblesOnRay(frog: Point, marbles: readonly Marble[], angle: number): number[] {
  const rad = (angle * Math.PI) / 180;
  const vx = Math.cos(rad);
  const vy = Math.sin(rad);
  const out: number[] = [];
  marbles.forEach((m, i) => {
    const dx = m.position.x - frog.x;
    const dy = m.position.y - frog.y;
    if (Math.abs(dx * vy - dy * vx) < 2 * MARBLE_RADIUS && dx * vx + dy * vy > 0) out.push(i);
  });
  return out;
}

/** The marble a shot at `angle` hits: the nearest one on the ray (first on ties), or undefined. */
export function hitMarble(frog: Point, marbles: readonly Marble[], angle: number): number | undefined {
  let best: number | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const i of marblesOnRay(frog, marbles, angle)) {
    const d = dist2(frog, (marbles[i] as Marble).position);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

export type ShotOutcome =
  | { kind: "missed" }
  | { kind: "stayed"; hit: number; neighbour?: number }
  | { kind: "removed"; hit: number; neighbour?: number; count: number; from: number; to: number };

/** Same-colour marbles from `start` stepping by `step` (start included). */
function runFrom(marbles: readonly Marble[], start: number, step: 1 | -1, color: string): number {
  let n = 0;
  for (let i = start; i >= 0 && i < marbles.length && marbles[i]?.color === color; i += step) n++;
  return n;
}

/**
 * Shoot a `color` marble at `angle`, as the original decides it: the shot touches the hit marble O1
 * at the point A where it first comes within a diameter of it; if O1→A points along the track
 * direction (towards O1's next marble, or beyond the last marble) the shot goes in after O1, else
 * before it. The shot's two new neighbours (one at an end of the line) then remove every adjacent
 * marble of its colour when there are at least two of them (the shot itself is not counted).
 */
export function shoot(frog: Point, marbles: readonly Marble[], angle: number, color: string): ShotOutcome {
  const hit = hitMarble(frog, marbles, angle);
  if (hit === undefined) return { kind: "missed" };
  const n = marbles.length;
  if (n === 1) return { kind: "stayed", hit };
  const rad = (angle * Math.PI) / 180;
  const v = { x: Math.cos(rad), y: Math.sin(rad) };
  const o1 = (marbles[hit] as Marble).position;
  const proj = (o1.x - frog.x) * v.x + (o1.y - frog.y) * v.y;
  const foot = { x: frog.x + proj * v.x, y: frog.y + proj * v.y };
  const l = Math.sqrt(4 * MARBLE_RADIUS ** 2 - dist2(o1, foot));
  const a = { x: foot.x - l * v.x, y: foot.y - l * v.y };
  const last = hit === n - 1;
  const prev = (marbles[hit - 1] as Marble | undefined)?.position;
  const next = (marbles[hit + 1] as Marble | undefined)?.position;
  const track = last
    ? { x: o1.x - (prev as Point).x, y: o1.y - (prev as Point).y }
    : { x: (next as Point).x - o1.x, y: (next as Point).y - o1.y };
  const after = (a.x - o1.x) * track.x + (a.y - o1.y) * track.y > 0;
  const neighbour = after ? (last ? undefined : hit + 1) : hit > 0 ? hit - 1 : undefined;
  if (neighbour === undefined) {
    // At an end of the line: only the marbles from the hit one inwards can join the shot.
    const step = hit === 0 ? 1 : -1;
    const count = runFrom(marbles, hit, step, color);
    if (count < 2) return { kind: "stayed", hit };
    const to = hit + step * (count - 1);
    return { kind: "removed", hit, count, from: Math.min(hit, to), to: Math.max(hit, to) };
  }
  const left = Math.min(hit, neighbour);
  const right = Math.max(hit, neighbour);
  const leftRun = marbles[left]?.color === color ? runFrom(marbles, left, -1, color) : 0;
  const rightRun = marbles[right]?.color === color ? runFrom(marbles, right, 1, color) : 0;
  const count = leftRun + rightRun;
  if (count < 2) return { kind: "stayed", hit, neighbour };
  return { kind: "removed", hit, neighbour, count, from: left - leftRun + 1, to: right + rightRun - 1 };
}

/**
 * Whether a straight shot from the frog at marble `target` reaches it: no other marble closer to
 * the frog lies within about one radius (1.1 r² squared distance) of the line, as the original tests.
 */
export function canReach(frog: Point, marbles: readonly Marble[], target: number): boolean {
  const t = (marbles[target] as Marble).position;
  const tx = t.x - frog.x;
  const ty = t.y - frog.y;
  const t2 = tx * tx + ty * ty;
  return marbles.every((m) => {
    const ox = m.position.x - frog.x;
    const oy = m.position.y - frog.y;
    const blocks =
      (ty * ox - oy * tx) ** 2 <= t2 * 1.1 * MARBLE_RADIUS ** 2 &&
      ox * ox + oy * oy < t2 &&
      tx * ox + ty * oy > 0;
    return !blocks;
  });
}

/** One group of the shot's colour that a direct shot can reach: its size and where to aim. */
export interface Clearable {
  group: Group;
  /** The first marble of the group (in track order) that the frog can reach. */
  aim: number;
  direction: string;
}

/** Groups of two or more marbles of `color` with a reachable marble; the best ones are the largest. */
export function clearableGroups(frog: Point, marbles: readonly Marble[], color: string): Clearable[] {
  const out: Clearable[] = [];
  for (const g of groups(marbles)) {
    if (g.color !== color || g.last === g.first) continue;
    for (let i = g.first; i <= g.last; i++) {
      if (canReach(frog, marbles, i)) {
        out.push({ group: g, aim: i, direction: directionOf(frog, (marbles[i] as Marble).position) });
        break;
      }
    }
  }
  return out;
}
