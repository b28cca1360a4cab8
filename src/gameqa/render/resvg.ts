import { Resvg } from "@resvg/resvg-js";

/**
 * The reference rasteriser: resvg on a whole SVG document. System fonts are not loaded (text is
 * drawn with render/font.ts, so output never depends on the machine's fonts).
 */
const OPTIONS = {
  font: { loadSystemFonts: false },
  // Default for elements without a shape-rendering attribute: no anti-aliasing (optimizeSpeed).
  shapeRendering: 0,
} as const;

/** Premultiplied RGBA pixels, one Uint32 per pixel (little-endian: 0xAABBGGRR). */
export interface Raster {
  width: number;
  height: number;
  pixels: Uint32Array;
}

/**
 * Bytes of pixels resvg has rendered in this thread so far. resvg's images live in native memory
 * that is freed only when V8 collects their JavaScript handles, on V8's schedule; generate.ts runs
 * long jobs in worker threads and replaces a worker after a bounded amount of rendering, which frees
 * everything it held (see docs/gameqa.md, "Memory").
 */
let rendered = 0;
export const resvgRenderedBytes = (): number => rendered;

/**
 * Render `svg` with resvg: the pixels (a fresh array owned by the caller) and resvg's own RGBA PNG
 * encoding of the same render, for images our palette encoder cannot hold.
 */
export function resvgRender(svg: string): { raster: Raster; png: () => Buffer } {
  const image = new Resvg(svg, OPTIONS).render();
  const bytes = image.pixels; // a new Buffer on every call
  const n = image.width * image.height;
  rendered += 2 * 4 * n; // resvg's pixmap and the pixel Buffer
  // Viewed in place rather than copied: a whole-image copy per render was garbage in V8's
  // large-object space, which is only collected by full GCs and raised the peak RSS of long runs.
  let pixels: Uint32Array;
  if (bytes.byteOffset % 4 === 0 && bytes.byteLength >= n * 4)
    pixels = new Uint32Array(bytes.buffer, bytes.byteOffset, n);
  else {
    pixels = new Uint32Array(n);
    new Uint8Array(pixels.buffer).set(bytes.subarray(0, n * 4));
  }
  return { raster: { width: image.width, height: image.height, pixels }, png: () => image.asPng() };
}

/** Render `svg` with resvg; `pixels` is a fresh array owned by the caller. */
export function resvgRaster(svg: string): Raster {
  return resvgRender(svg).raster;
}
