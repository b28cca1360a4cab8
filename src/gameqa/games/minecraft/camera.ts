/**
 * A pinhole camera like the original's (Panda3D lens, field of view 40° across, 16:9 picture; the
 * published pictures match a horizontal 40°): world points to
 * camera space (x right, y up, z forward), clipping at a near plane, projection to pixels.
 */
import type { Vec3 } from "./state.js";

export const WIDTH = 738;
export const HEIGHT = 415;
const FOV_X = (40 * Math.PI) / 180;
const FOCAL = WIDTH / 2 / Math.tan(FOV_X / 2);
const NEAR = 0.1;

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const unit = (a: Vec3): Vec3 => {
  const n = Math.hypot(...a);
  return [a[0] / n, a[1] / n, a[2] / n];
};

export interface Camera {
  eye: Vec3;
  right: Vec3;
  up: Vec3;
  forward: Vec3;
}

export function makeCamera(eye: Vec3, target: Vec3): Camera {
  const forward = unit(sub(target, eye));
  const right = unit(cross(forward, [0, 1, 0]));
  return { eye, forward, right, up: cross(right, forward) };
}

export const toCamera = (c: Camera, p: Vec3): Vec3 => {
  const d = sub(p, c.eye);
  return [dot(d, c.right), dot(d, c.up), dot(d, c.forward)];
};

/** Squared distance from the eye (sort key: farther cells are drawn first). */
export const distance2 = (c: Camera, p: Vec3): number => {
  const d = sub(p, c.eye);
  return dot(d, d);
};

/** Whether a face with outward normal `n` through point `p` faces the eye. */
export const facesEye = (c: Camera, p: Vec3, n: Vec3): boolean => dot(n, sub(c.eye, p)) > 1e-9;

/** Clip a camera-space polygon to z >= NEAR (Sutherland-Hodgman, one plane). */
function clipNear(poly: Vec3[]): Vec3[] {
  const out: Vec3[] = [];
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i] as Vec3;
    const b = poly[(i + 1) % poly.length] as Vec3;
    const ina = a[2] >= NEAR;
    const inb = b[2] >= NEAR;
    if (ina) out.push(a);
    if (ina !== inb) {
      const t = (NEAR - a[2]) / (b[2] - a[2]);
      out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), NEAR]);
    }
  }
  return out;
}

const toPixel = (p: Vec3): [number, number] => [
  WIDTH / 2 + (FOCAL * p[0]) / p[2],
  HEIGHT / 2 - (FOCAL * p[1]) / p[2],
];

/** Pixels of a world polygon, clipped to the near plane; null when nothing of it is on screen. */
export function projectPolygon(c: Camera, world: Vec3[]): Array<[number, number]> | null {
  const clipped = clipNear(world.map((p) => toCamera(c, p)));
  if (clipped.length < 2) return null;
  const px = clipped.map(toPixel);
  const xs = px.map((p) => p[0]);
  const ys = px.map((p) => p[1]);
  if (Math.max(...xs) < 0 || Math.min(...xs) > WIDTH || Math.max(...ys) < 0 || Math.min(...ys) > HEIGHT)
    return null;
  return px;
}

/** A world segment clipped to the near plane, in pixels (x1, y1, x2, y2), or null. */
export function projectSegment(c: Camera, a: Vec3, b: Vec3): [number, number, number, number] | null {
  const ca = toCamera(c, a);
  const cb = toCamera(c, b);
  if (ca[2] < NEAR && cb[2] < NEAR) return null;
  const cut = (p: Vec3, q: Vec3): Vec3 => {
    const t = (NEAR - p[2]) / (q[2] - p[2]);
    return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]), NEAR];
  };
  const [x1, y1] = toPixel(ca[2] < NEAR ? cut(ca, cb) : ca);
  const [x2, y2] = toPixel(cb[2] < NEAR ? cut(cb, ca) : cb);
  return [x1, y1, x2, y2];
}
