/**
 * A premultiplied RGBA pixel buffer (one Uint32 per pixel, 0xAABBGGRR) that also records, for
 * every row y, a column span [lo[y], hi[y]) outside which row y is known to equal row y - 1.
 * The PNG encoder (render/png.ts) only looks at those spans; everything else repeats the row
 * above, which PNG's "Up" filter turns into zeros. Every drawing operation must mark the columns
 * where it can make a row differ from the row above: for a crisp rectangle only its first row and
 * the row below its last; for a sprite the rows where its coverage changes (render/sprites.ts).
 */
export interface Canvas {
  width: number;
  height: number;
  pixels: Uint32Array;
  lo: Int32Array;
  hi: Int32Array;
}

let scratch: Canvas = {
  width: 0,
  height: 0,
  pixels: new Uint32Array(0),
  lo: new Int32Array(0),
  hi: new Int32Array(0),
};

/**
 * A canvas reusing one buffer (valid until the next call), cleared to transparent unless `clear`
 * is false (the caller then paints every pixel first).
 */
export function scratchCanvas(width: number, height: number, clear = true): Canvas {
  if (scratch.pixels.length < width * height || scratch.lo.length < height) {
    const n = Math.max(width * height, scratch.pixels.length);
    const h = Math.max(height, scratch.lo.length);
    scratch = { width, height, pixels: new Uint32Array(n), lo: new Int32Array(h), hi: new Int32Array(h) };
  }
  const c: Canvas = {
    width,
    height,
    pixels: scratch.pixels.subarray(0, width * height),
    lo: scratch.lo.subarray(0, height),
    hi: scratch.hi.subarray(0, height),
  };
  if (clear) c.pixels.fill(0);
  c.lo.fill(width);
  c.hi.fill(0);
  // Row 0 has no row above: the encoder always reads it whole.
  c.lo[0] = 0;
  c.hi[0] = width;
  return c;
}

/** Record that row y may differ from row y - 1 in columns [x0, x1) (already clipped). */
export function markRow(c: Canvas, y: number, x0: number, x1: number): void {
  if (y <= 0 || y >= c.height) return;
  if (x0 < (c.lo[y] as number)) c.lo[y] = x0;
  if (x1 > (c.hi[y] as number)) c.hi[y] = x1;
}

/** Canvas spans for pixels from elsewhere (resvg): a row is clean only if it equals the row above. */
export function canvasFromPixels(pixels: Uint32Array, width: number, height: number): Canvas {
  const lo = new Int32Array(height);
  const hi = new Int32Array(height).fill(width);
  const bytes = Buffer.from(pixels.buffer, pixels.byteOffset, width * height * 4);
  for (let y = 1; y < height; y++) {
    const row = y * width * 4;
    if (bytes.compare(bytes, row, row + width * 4, row - width * 4, row) === 0) {
      lo[y] = width;
      hi[y] = 0;
    }
  }
  return { width, height, pixels, lo, hi };
}
