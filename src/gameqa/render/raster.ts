import { type Canvas, markRow, scratchCanvas } from "./canvas.js";
import { type Raster, resvgRaster } from "./resvg.js";
import { drawElement, hexColour } from "./sprites.js";

/**
 * Fast rasteriser for the SVG documents our builders write (render/svg.ts, grid.ts, font.ts), with
 * resvg's pixels as the definition of the result:
 *
 * - crisp (non-anti-aliased) rectangles with a hex fill and optional hex stroke — the bulk of
 *   every board — are filled straight into the pixel buffer with resvg's rule for them (below);
 * - every other element is drawn from a per-element resvg render (render/sprites.ts);
 * - a document with anything else (another root, groups, transforms, text, hairlines, ...) is
 *   rendered whole by resvg.
 *
 * test/gameqa/raster.test.ts compares the result with resvg, pixel for pixel, on every game.
 */

/**
 * resvg (tiny-skia) fills a non-anti-aliased path by scanlines in 26.6 fixed point: a vertical or
 * horizontal edge at coordinate v (an f32) becomes the pixel boundary ((trunc(v * 64) + 32) >> 6),
 * so a rect covers columns [edge(x), edge(x + w)) and rows [edge(y), edge(y + h)), with x + w
 * summed in f32 as usvg does. A stroke of width s around it is the ring between the rects grown
 * and shrunk by s / 2 (miter joins keep the corners square). Found by experiment against resvg
 * and checked by the raster tests.
 */
const f32 = Math.fround;
const edge = (v: number): number => (Math.trunc(f32(v) * 64) + 32) >> 6;

const ROOT =
  /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="(\d+)" height="(\d+)" viewBox="0 0 (\d+) (\d+)"(?: shape-rendering="crispEdges")?>/;
const HEX = "#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})";
const NUM = "-?\\d*\\.?\\d+";
/** A crisp rect (group 1-7) or any other self-closing element (group 8); sticky, so gaps fail. */
const ITEM = new RegExp(
  `<rect x="(${NUM})" y="(${NUM})" width="(${NUM})" height="(${NUM})" fill="(${HEX})"(?: stroke="(${HEX})" stroke-width="(${NUM})")?/>|(<[a-z]+ [^<>]*/>)`,
  "y",
);
const END = "</svg>";

const colours = new Map<string, number>();
function colour(hex: string): number {
  let c = colours.get(hex);
  if (c === undefined) {
    c = hexColour(hex);
    if (colours.size < 4096) colours.set(hex, c);
  }
  return c;
}

/** Boxes at most this wide are filled by a loop rather than TypedArray#fill (measured). */
const NARROW = 32;

/** Fill [x0, x1) x [y0, y1) (clipped) with c; only its first row and the row below it change. */
function fillBox(cv: Canvas, x0: number, y0: number, x1: number, y1: number, c: number): void {
  const W = cv.width;
  const l = Math.max(0, x0);
  const r = Math.min(W, x1);
  const top = Math.max(0, y0);
  const bottom = Math.min(cv.height, y1);
  if (l >= r || top >= bottom) return;
  const px = cv.pixels;
  const n = r - l;
  if (l === 0 && r === W) px.fill(c, top * W, bottom * W);
  else if (n <= NARROW) {
    // A plain loop: a TypedArray#fill call per row costs more than a few stores (card pips, glyphs).
    for (let y = top; y < bottom; y++) for (let i = y * W + l, e = i + n; i < e; i++) px[i] = c;
  } else for (let y = top; y < bottom; y++) px.fill(c, y * W + l, y * W + r);
  markRow(cv, top, l, r);
  markRow(cv, bottom, l, r);
}

function drawRect(cv: Canvas, m: RegExpExecArray): void {
  const w = f32(Number(m[3]));
  const h = f32(Number(m[4]));
  if (!(w > 0 && h > 0)) return; // a zero-size rect is not rendered at all (stroke included)
  const x = f32(Number(m[1]));
  const y = f32(Number(m[2]));
  const xr = f32(x + w);
  const yb = f32(y + h);
  fillBox(cv, edge(x), edge(y), edge(xr), edge(yb), colour(m[5] as string));
  if (m[6] === undefined) return;
  const s = f32(Number(m[7]));
  if (!(s > 0)) return;
  const c = colour(m[6]);
  const hw = f32(s / 2);
  const ox0 = edge(f32(x - hw));
  const oy0 = edge(f32(y - hw));
  const ox1 = edge(f32(xr + hw));
  const oy1 = edge(f32(yb + hw));
  const ix0 = edge(f32(x + hw));
  const iy0 = edge(f32(y + hw));
  const ix1 = edge(f32(xr - hw));
  const iy1 = edge(f32(yb - hw));
  if (ix0 >= ix1 || iy0 >= iy1) {
    fillBox(cv, ox0, oy0, ox1, oy1, c);
    return;
  }
  fillBox(cv, ox0, oy0, ox1, iy0, c);
  fillBox(cv, ox0, iy1, ox1, oy1, c);
  fillBox(cv, ox0, iy0, ix0, iy1, c);
  fillBox(cv, ix1, iy0, ox1, iy1, c);
}

/**
 * Draw `svg` onto the shared scratch canvas (valid until the next call); null when the document is
 * outside the fast path.
 */
export function rasterizeFast(svg: string): Canvas | null {
  const root = ROOT.exec(svg);
  if (!root || !svg.endsWith(END)) return null;
  const W = Number(root[1]);
  const H = Number(root[2]);
  if (root[3] !== root[1] || root[4] !== root[2] || W === 0 || H === 0 || W * H > 1 << 24) return null;
  // A first rect covering the whole canvas (svgDocument's background) paints every pixel anyway.
  const background = `<rect x="0" y="0" width="${W}" height="${H}" fill="#`;
  const cv = scratchCanvas(W, H, !svg.startsWith(background, root[0].length));
  const end = svg.length - END.length;
  ITEM.lastIndex = root[0].length;
  while (ITEM.lastIndex < end) {
    const m = ITEM.exec(svg);
    if (!m) return null;
    if (m[8] === undefined) drawRect(cv, m);
    else if (!drawElement(cv, m[8])) return null;
  }
  return ITEM.lastIndex === end ? cv : null;
}

/** The document's pixels, identical to resvg's; a fresh array owned by the caller. */
export function rasterizeSvg(svg: string): Raster {
  const fast = rasterizeFast(svg);
  return fast ? { width: fast.width, height: fast.height, pixels: fast.pixels.slice() } : resvgRaster(svg);
}
