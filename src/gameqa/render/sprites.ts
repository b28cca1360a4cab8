import { type Canvas, markRow } from "./canvas.js";
import { resvgRaster } from "./resvg.js";

/**
 * Per-element raster cache for render/raster.ts. An SVG element that is not a plain crisp
 * rectangle (text paths, lines, circles, polygons) is rendered once by resvg, alone on a
 * transparent canvas shifted by whole pixels, and its coverage ("sprite") is reused for every
 * later document holding the very same element string.
 *
 * Why compositing a sprite gives resvg's own pixels: resvg draws each fill or stroke as one pass
 * with a solid colour S in which every pixel is blended once, with coverage c in 0..255:
 * `out = div255(dst * (255 - c) + (S over dst) * c)`, `div255(v) = (v + 255) >> 8` (tiny-skia's
 * 8-bit pipeline; found by experiment, a pre-scaled source-over is off by one for grey colours).
 * For an opaque S, `S over dst = S` and the pass on a transparent canvas stores alpha = c exactly,
 * so the sprite keeps S and the coverage and replays the same integer arithmetic on any
 * background. Cases that break these premises are refused (the caller then renders the whole
 * document with resvg): colours that are not opaque hex, anti-aliased strokes of width <= 1
 * (tiny-skia draws them as hairlines segment by segment, blending joints twice), and anything we
 * do not parse. An element with both fill and stroke becomes two sprites, fill first as in resvg.
 * Whole-pixel shifts keep the geometry exact (f32 x - n is exact for integer n <= x) and the
 * rasteriser works in fixed point, so a shifted shape covers the same pixels; circle strokes are the
 * exception (offset from curves built on the absolute centre, they can round differently when shifted)
 * and are rendered unshifted. Clipping is not
 * shift-invariant (tiny-skia splits curves at the clip edge), so an element that crosses the
 * canvas edge is rendered on a canvas of the document's size, unshifted. The raster tests check
 * all of this against full resvg renders of every game.
 */

/** Coverage (0..255) of one drawing pass in colour `color`, placed at (x, y) on the canvas. */
interface Sprite {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Opaque colour as a pixel (0xFFBBGGRR). */
  color: number;
  cover: Uint8Array;
  /** For rows 0..h: columns [lo, hi) where the coverage differs from the row above (row -1 and h are empty). */
  lo: Int32Array;
  hi: Int32Array;
}

/** One drawing pass of an element: the element string to render and its solid colour. */
interface Pass {
  el: string;
  color: number;
}

interface Entry {
  /** Conservative integer bounds of everything the element may paint (not clamped to a canvas). */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** The element split into its drawing passes, rendered on first use. */
  parts: Pass[];
  sprites: Sprite[] | undefined;
  /** Approximate memory held by the sprites. */
  bytes: number;
  stamp: number;
}

/** Cache bounds per thread (the oldest entries go first). */
let MAX_ENTRIES = 20_000;
let MAX_BYTES = 48 << 20;

/** Change the cache bounds (tests use tiny ones to exercise eviction); returns the previous ones. */
export function setSpriteCacheLimits(entries: number, bytes: number): [number, number] {
  const old: [number, number] = [MAX_ENTRIES, MAX_BYTES];
  MAX_ENTRIES = entries;
  MAX_BYTES = bytes;
  evict();
  return old;
}

const cache = new Map<string, Entry | null>();
let heldBytes = 0;
let clock = 0;
let misses = 0;

/** Number of elements rendered by resvg so far in this thread (for tests and profiling). */
export function spriteMisses(): number {
  return misses;
}

const STYLE_ATTRS = new Set([
  "fill",
  "stroke",
  "stroke-width",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-miterlimit",
  "stroke-opacity",
  "fill-opacity",
  "fill-rule",
  "shape-rendering",
]);
const GEOMETRY: Record<string, string[]> = {
  path: ["d"],
  line: ["x1", "y1", "x2", "y2"],
  polygon: ["points"],
  polyline: ["points"],
  circle: ["cx", "cy", "r"],
  rect: ["x", "y", "width", "height"],
};
const STROKE_ONLY = new Set([
  "stroke",
  "stroke-width",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-miterlimit",
  "stroke-opacity",
]);
const FILL_ONLY = new Set(["fill", "fill-opacity", "fill-rule"]);

const ELEMENT = /^<([a-z]+)((?: [a-z][a-z0-9-]*="[^"<>]*")*)\/>$/;
const ATTR = / ([a-z][a-z0-9-]*)="([^"]*)"/g;
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)/g;
const PATH_DATA = /^[MLZ\d.,\s-]*$/;

const num = (s: string | undefined, dflt: number): number => (s === undefined ? dflt : Number(s));

const HEX = /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/;
/** "#rgb" / "#rrggbb" as an opaque pixel (0xFFBBGGRR); NaN for anything else. */
export function hexColour(hex: string): number {
  if (!HEX.test(hex)) return Number.NaN;
  const h = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join("") : hex.slice(1);
  const v = Number.parseInt(h, 16);
  return (0xff000000 | ((v & 0xff) << 16) | (v & 0xff00) | ((v >>> 16) & 0xff)) >>> 0;
}

/** Coordinates (x, y, x, y, ...) that bound the element's geometry, or null when not understood. */
function geometryPoints(tag: string, a: Map<string, string>): number[] | null {
  switch (tag) {
    case "path": {
      const d = a.get("d") ?? "";
      if (!PATH_DATA.test(d)) return null;
      const pts = (d.match(NUMBER) ?? []).map(Number);
      return pts.length % 2 === 0 ? pts : null;
    }
    case "polygon":
    case "polyline": {
      const pts = (a.get("points")?.match(NUMBER) ?? []).map(Number);
      return pts.length % 2 === 0 ? pts : null;
    }
    case "line":
      return [num(a.get("x1"), 0), num(a.get("y1"), 0), num(a.get("x2"), 0), num(a.get("y2"), 0)];
    case "circle": {
      const cx = num(a.get("cx"), 0);
      const cy = num(a.get("cy"), 0);
      const r = num(a.get("r"), 0);
      return [cx - r, cy - r, cx + r, cy + r];
    }
    case "rect": {
      const x = num(a.get("x"), 0);
      const y = num(a.get("y"), 0);
      return [x, y, x + num(a.get("width"), 0), y + num(a.get("height"), 0)];
    }
    default:
      return null;
  }
}

const rebuild = (tag: string, a: Map<string, string>): string =>
  `<${tag}${[...a].map(([k, v]) => ` ${k}="${v}"`).join("")}/>`;

/**
 * Split an element into drawing passes with bounds, or null when it is outside what we can
 * reproduce exactly. Elements without shape-rendering are not anti-aliased (the documents we
 * accept say crispEdges at the root or leave resvg's default, optimizeSpeed).
 */
function analyse(el: string): Entry | null {
  const m = ELEMENT.exec(el);
  if (!m) return null;
  const tag = m[1] as string;
  const geometry = GEOMETRY[tag];
  if (!geometry) return null;
  const attrs = new Map<string, string>();
  for (const [, k, v] of (m[2] as string).matchAll(ATTR)) {
    if (attrs.has(k as string) || !(STYLE_ATTRS.has(k as string) || geometry.includes(k as string)))
      return null;
    attrs.set(k as string, v as string);
  }
  const sr = attrs.get("shape-rendering");
  let antiAlias = false;
  if (sr === "geometricPrecision") antiAlias = true;
  else if (sr === "crispEdges" || sr === "optimizeSpeed") antiAlias = false;
  else if (sr !== undefined) return null;
  const fill = attrs.get("fill");
  const stroke = attrs.get("stroke");
  const hasFill = tag !== "line" && fill !== "none";
  const width = num(attrs.get("stroke-width"), 1);
  if (!(width >= 0)) return null;
  const hasStroke = stroke !== undefined && stroke !== "none" && width > 0;
  if (hasStroke && antiAlias && width <= 1) return null; // hairline: see the file comment
  const fillColour = hexColour(fill ?? "#000");
  const strokeColour = hexColour(stroke ?? "#000");
  if ((hasFill && Number.isNaN(fillColour)) || (hasStroke && Number.isNaN(strokeColour))) return null;
  for (const k of ["fill-opacity", "stroke-opacity"]) if (num(attrs.get(k), 1) !== 1) return null;
  const pts = geometryPoints(tag, attrs);
  if (!pts || pts.length === 0 || !pts.every(Number.isFinite)) return null;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < pts.length; i += 2) {
    const x = pts[i] as number;
    const y = pts[i + 1] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  // Miter joins reach up to miterlimit (4) x half the width; 2 px more for anti-aliasing.
  const miter = num(attrs.get("stroke-miterlimit"), 4);
  if (!(miter >= 1 && miter <= 10)) return null;
  const margin = (hasStroke ? (miter * width) / 2 : 0) + 2;
  const parts: Pass[] = [];
  if (hasFill && hasStroke) {
    const fillPass = new Map([...attrs].filter(([k]) => !STROKE_ONLY.has(k)));
    const strokePass = new Map([...attrs].filter(([k]) => !FILL_ONLY.has(k)));
    strokePass.set("fill", "none");
    parts.push(
      { el: rebuild(tag, fillPass), color: fillColour },
      { el: rebuild(tag, strokePass), color: strokeColour },
    );
  } else if (hasFill || hasStroke) {
    parts.push({ el, color: hasFill ? fillColour : strokeColour });
  }
  return {
    x0: Math.floor(minX - margin),
    y0: Math.floor(minY - margin),
    x1: Math.ceil(maxX + margin),
    y1: Math.ceil(maxY + margin),
    parts,
    sprites: undefined,
    bytes: 0,
    stamp: 0,
  };
}

/** Render one drawing pass on the canvas window [x0, x1) x [y0, y1) and trim it to its ink. */
function renderPart(part: Pass, wx0: number, wy0: number, x1: number, y1: number): Sprite | null {
  // The stroke of a circle is offset from curves built on its absolute centre, and shifted copies of
  // those curves can round differently in f32: such a pass is rendered unshifted, from the origin.
  const unshifted = part.el.startsWith("<circle") && / stroke="#/.test(part.el);
  const x0 = unshifted ? 0 : wx0;
  const y0 = unshifted ? 0 : wy0;
  const w = x1 - x0;
  const h = y1 - y0;
  misses++;
  const doc =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" shape-rendering="crispEdges">` +
    `<g transform="translate(${-x0} ${-y0})">${part.el}</g></svg>`;
  const { pixels } = resvgRaster(doc);
  let top = h;
  let bottom = -1;
  let left = w;
  let right = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (pixels[row + x] === 0) continue;
      if (y < top) top = y;
      bottom = y;
      if (x < left) left = x;
      if (x > right) right = x;
    }
  }
  if (bottom < 0) return null;
  const sw = right - left + 1;
  const sh = bottom - top + 1;
  const cover = new Uint8Array(sw * sh);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) cover[y * sw + x] = (pixels[(top + y) * w + left + x] as number) >>> 24;
  }
  const lo = new Int32Array(sh + 1).fill(sw);
  const hi = new Int32Array(sh + 1);
  for (let y = 0; y <= sh; y++) {
    for (let x = 0; x < sw; x++) {
      const above = y > 0 ? (cover[(y - 1) * sw + x] as number) : 0;
      const here = y < sh ? (cover[y * sw + x] as number) : 0;
      if (above === here) continue;
      if (x < (lo[y] as number)) lo[y] = x;
      hi[y] = x + 1;
    }
  }
  return { x: x0 + left, y: y0 + top, w: sw, h: sh, color: part.color, cover, lo, hi };
}

function evict(): void {
  for (const [key, entry] of cache) {
    if (cache.size <= MAX_ENTRIES && heldBytes <= MAX_BYTES) return;
    cache.delete(key);
    if (entry) heldBytes -= entry.bytes;
  }
}

/** The entry for `key` (analysed on first use; its sprites are rendered by `ensureSprites`). */
function lookup(key: string, el: string): Entry | null {
  let entry = cache.get(key);
  if (entry === undefined) {
    entry = analyse(el);
    cache.set(key, entry);
  } else if (entry !== null && clock - entry.stamp > MAX_ENTRIES / 2) {
    // Refresh the position in the Map's insertion order: eviction takes the oldest first.
    cache.delete(key);
    cache.set(key, entry);
  }
  if (entry !== null) entry.stamp = ++clock;
  return entry;
}

/** Render the entry's passes on the window [x0, x1) x [y0, y1) of the canvas, once. */
function ensureSprites(entry: Entry, x0: number, y0: number, x1: number, y1: number): Sprite[] {
  if (entry.sprites) return entry.sprites;
  const sprites: Sprite[] = [];
  for (const part of entry.parts) {
    const s = renderPart(part, x0, y0, x1, y1);
    if (s) sprites.push(s);
  }
  entry.sprites = sprites;
  entry.bytes = sprites.reduce((n, s) => n + s.cover.length + 8 * s.lo.length, 0) + 256;
  heldBytes += entry.bytes;
  if (cache.size > MAX_ENTRIES || heldBytes > MAX_BYTES) evict();
  return sprites;
}

/**
 * Draw element `el` onto the canvas exactly as resvg would; false when the element is not
 * supported (nothing drawn then).
 */
export function drawElement(cv: Canvas, el: string): boolean {
  const W = cv.width;
  const H = cv.height;
  let entry = lookup(el, el);
  if (entry === null) return false;
  let sprites: Sprite[];
  if (entry.x0 >= 0 && entry.y0 >= 0 && entry.x1 <= W && entry.y1 <= H) {
    sprites = ensureSprites(entry, entry.x0, entry.y0, entry.x1, entry.y1);
  } else {
    // Partly off this canvas: the canvas edge clips it, and clipping changes how tiny-skia splits
    // curves, so render it on a canvas of exactly this size, unshifted, keyed by the size too.
    entry = lookup(`${W}x${H}${el}`, el);
    if (entry === null) return false;
    sprites = ensureSprites(entry, 0, 0, W, H);
  }
  for (const s of sprites) {
    composite(cv.pixels, W, s);
    for (let y = 0; y <= s.h; y++) {
      if ((s.lo[y] as number) < (s.hi[y] as number))
        markRow(cv, s.y + y, s.x + (s.lo[y] as number), s.x + (s.hi[y] as number));
    }
  }
  return true;
}

/** Blend a sprite with tiny-skia's coverage lerp (see the file comment). */
function composite(dst: Uint32Array, W: number, s: Sprite): void {
  const cover = s.cover;
  const S = s.color;
  const sr = S & 0xff;
  const sg = (S >>> 8) & 0xff;
  const sb = (S >>> 16) & 0xff;
  for (let y = 0; y < s.h; y++) {
    let i = y * s.w;
    let j = (s.y + y) * W + s.x;
    for (const end = i + s.w; i < end; i++, j++) {
      const c = cover[i] as number;
      if (c === 0) continue;
      if (c === 255) {
        dst[j] = S;
        continue;
      }
      const inv = 255 - c;
      const d = dst[j] as number;
      const r = ((d & 0xff) * inv + sr * c + 255) >> 8;
      const g = (((d >>> 8) & 0xff) * inv + sg * c + 255) >> 8;
      const b = (((d >>> 16) & 0xff) * inv + sb * c + 255) >> 8;
      const a = ((d >>> 24) * inv + 255 * c + 255) >> 8;
      dst[j] = (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;
    }
  }
}
