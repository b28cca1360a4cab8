import { circle, polygon, svgDocument } from "../../render/svg.js";
import { type Point, MARBLE_RADIUS as R } from "./logic.js";
import type { ZumaState } from "./state.js";
import { spiralPoints, turnsTo } from "./track.js";

/* The original's matplotlib figure cropped to its axes: the track's extent plus 1.5 marble radii,
   scaled to 369 px high (or 496 px wide when wider), y up. Light grey track with black edges, black
   hole, white triangle frog with the next marble's colour on it, grey dashed sector lines from the
   frog, marbles with black rims. The dashed lines are black at 30 % opacity as in the original, but
   drawn under the track: being translucent they make the engine rasterise the whole image with resvg,
   and as the first element they let it decide that at once. resvg is the fastest way here (the track
   and the rays differ in every image, so the sprite cache could reuse nothing). */
const MAX_W = 496;
const MAX_H = 369;
const FILL: Record<string, string> = { red: "#ff0000", yellow: "#ffff00", blue: "#0000ff", green: "#008000" };
const SECTOR_LINES = [22.5, -22.5, 67.5, -67.5, 112.5, -112.5, 157.5, -157.5];
const r2 = (v: number): number => Math.round(v * 100) / 100;

/** Left and right edges of a band of half-width `half` around `curve`, as one closed outline. */
function bandOutline(curve: readonly Point[], half: number): Point[] {
  const left: Point[] = [];
  const right: Point[] = [];
  curve.forEach((p, i) => {
    const a = curve[Math.max(0, i - 1)] as Point;
    const b = curve[Math.min(curve.length - 1, i + 1)] as Point;
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const nx = -(b.y - a.y) / len;
    const ny = (b.x - a.x) / len;
    left.push({ x: p.x + nx * half, y: p.y + ny * half });
    right.push({ x: p.x - nx * half, y: p.y - ny * half });
  });
  return [...left, ...right.reverse()];
}

/** Dashes (6 px on, 4 px off) along rays from (x, y) until it leaves the w x h canvas, as one path. */
function dashedRays(x: number, y: number, angles: readonly number[], w: number, h: number): string {
  let d = "";
  const reach = Math.hypot(w, h) + Math.hypot(x, y);
  for (const deg of angles) {
    const dx = Math.cos((deg * Math.PI) / 180);
    const dy = -Math.sin((deg * Math.PI) / 180);
    for (let s = 0; s < reach; s += 10) {
      const x1 = x + dx * s;
      const y1 = y + dy * s;
      const x2 = x + dx * (s + 6);
      const y2 = y + dy * (s + 6);
      const inside = (px: number, py: number): boolean => px >= -2 && py >= -2 && px <= w + 2 && py <= h + 2;
      if (inside(x1, y1) || inside(x2, y2)) d += `M${r2(x1)} ${r2(y1)}L${r2(x2)} ${r2(y2)}`;
    }
  }
  return d
    ? `<path d="${d}" fill="none" stroke="#000000" stroke-opacity="0.3" stroke-width="1.5" stroke-linecap="butt" shape-rendering="geometricPrecision"/>`
    : "";
}

export function renderZuma(s: ZumaState): string {
  const hole = s.track.hole_position;
  const far = s.balls[0]?.position ?? hole;
  const curve = spiralPoints({ hole, turns: turnsTo(hole, far) }, 240);
  const xs = curve.map((p) => p.x);
  const ys = curve.map((p) => p.y);
  const minX = Math.min(...xs) - 1.5 * R;
  const maxX = Math.max(...xs) + 1.5 * R;
  const minY = Math.min(...ys) - 1.5 * R;
  const maxY = Math.max(...ys) + 1.5 * R;
  const scale = Math.min(MAX_H / (maxY - minY), MAX_W / (maxX - minX));
  const w = Math.round((maxX - minX) * scale);
  const h = Math.round((maxY - minY) * scale);
  const px = (p: Point): [number, number] => [(p.x - minX) * scale, (maxY - p.y) * scale];

  const { position, angle } = s.frog;
  const [fx, fy] = px(position);
  // The sector lines go first: the rasteriser stops at the first translucent element, before any work.
  const parts: string[] = [
    dashedRays(fx, fy, SECTOR_LINES, w, h),
    polygon(bandOutline(curve, R).map(px), "#d3d3d3", "#000000", 1.2),
  ];
  const [hx, hy] = px(hole);
  parts.push(circle(hx, hy, 2 * R * scale, "#000000"));

  const a = (angle * Math.PI) / 180;
  const along = (d: number, side: number): Point => ({
    x: position.x + d * Math.cos(a) + side * Math.sin(a),
    y: position.y + d * Math.sin(a) - side * Math.cos(a),
  });
  // A long isosceles triangle: base 4 r, height 6 r, its centroid on the frog's position.
  const tip = along(4 * R, 0);
  const baseL = along(-2 * R, -2 * R);
  const baseR = along(-2 * R, 2 * R);
  parts.push(polygon([tip, baseL, baseR].map(px), "#ffffff", "#000000", 1.2));
  const marble = (p: Point, colour: string): string => {
    const [x, y] = px(p);
    return circle(x, y, R * scale, FILL[colour] ?? "#808080", "#000000", 1.2);
  };
  parts.push(marble(position, s.frog.next_ball_color));
  for (const b of s.balls) parts.push(marble(b.position, b.color));
  return svgDocument(w, h, parts.join(""));
}
