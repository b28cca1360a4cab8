import * as zlib from "node:zlib";
import { constants, deflateSync } from "node:zlib";
import { type Canvas, canvasFromPixels } from "./canvas.js";
import { rasterizeFast } from "./raster.js";
import { resvgRender } from "./resvg.js";

/**
 * Rasterise an SVG document to PNG bytes: render/raster.ts (resvg's pixels, drawn faster), then
 * an 8-bit palette PNG. Images with more than 256 colours become 8-bit RGB PNGs when opaque, and
 * otherwise fall back to resvg's own RGBA PNG encoder.
 */
export function svgToPng(svg: string): Buffer {
  const canvas = rasterizeFast(svg);
  if (canvas)
    return (
      encodeCanvas(canvas) ??
      encodeTrueColour(canvas.pixels, canvas.width, canvas.height) ??
      resvgRender(svg).png()
    );
  const { raster, png } = resvgRender(svg);
  return (
    encodeCanvas(canvasFromPixels(raster.pixels, raster.width, raster.height)) ??
    encodeTrueColour(raster.pixels, raster.width, raster.height) ??
    png()
  );
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function tableCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++)
    c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** zlib's own CRC-32 where Node has it (20.15 and later; several times faster), else the table. */
const crc32: (bytes: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === "function" ? (b) => zlib.crc32(b) : tableCrc32;

/** Write one chunk (length, type, data, CRC of type and data) at `at`; returns the position after it. */
function putChunk(out: Buffer, at: number, type: string, data: Uint8Array): number {
  out.writeUInt32BE(data.length, at);
  out.write(type, at + 4, "latin1");
  out.set(data, at + 8);
  out.writeUInt32BE(crc32(out.subarray(at + 4, at + 8 + data.length)), at + 8 + data.length);
  return at + 12 + data.length;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Encode premultiplied RGBA bytes (resvg's pixels) as an 8-bit palette PNG, or return null when
 * there are more than 256 distinct colours. Alpha is dropped: our boards are opaque, and a
 * premultiplied pixel without its alpha is that pixel over black.
 */
export function encodePalettePng(rgba: Uint8Array, width: number, height: number): Buffer | null {
  const n = width * height;
  const px =
    rgba.byteOffset % 4 === 0
      ? new Uint32Array(rgba.buffer, rgba.byteOffset, n)
      : new Uint32Array(new Uint8Array(rgba.subarray(0, n * 4)).buffer);
  return encodePalettePixels(px, width, height);
}

/** Opaque pixels (one Uint32 per pixel, 0xAABBGGRR) as an 8-bit palette PNG; see encodeCanvas. */
export function encodePalettePixels(pixels: Uint32Array, width: number, height: number): Buffer | null {
  return encodeCanvas(canvasFromPixels(pixels, width, height));
}

const OPAQUE = 0xff000000 | 0;
/**
 * Colour -> palette index, open addressing over 1024 slots (at most 256 colours are stored): a
 * Map lookup per colour change was the largest cost of encoding anti-aliased text.
 */
const slotColour = new Int32Array(1024);
const slotIndex = new Int16Array(1024);
const paletteColours = new Int32Array(256);
let paletteSize = 0;

/** Index of colour c, added if new; -1 when the palette is full. */
function paletteIndex(c: number): number {
  let h = Math.imul(c, 0x9e3779b1) >>> 22;
  for (;;) {
    const i = slotIndex[h] as number;
    if (i < 0) break;
    if (slotColour[h] === c) return i;
    h = (h + 1) & 1023;
  }
  if (paletteSize === 256) return -1;
  slotColour[h] = c;
  slotIndex[h] = paletteSize;
  paletteColours[paletteSize] = c;
  return paletteSize++;
}
/** Scratch buffers reused between images (deflateSync copies what it needs). */
let raw = new Uint8Array(0); // a plain Uint8Array: Buffer#fill is much slower per call
let prev = new Uint8Array(0);

/**
 * Encode a canvas as an 8-bit palette PNG (alpha dropped, as in encodePalettePng); null when
 * there are more than 256 colours. Palette order is first appearance in the rows' changed spans,
 * so the bytes are deterministic. Every row after the first uses PNG filter "Up": outside its
 * changed span (render/canvas.ts) a row repeats the row above and is all zeros without being
 * looked at, and inside it a pixel equal to the one above is a zero without a palette look-up.
 * zlib's run-length strategy at level 1 then compresses the data (measured on our boards: smaller
 * and faster than unfiltered data at any level; a hand-written run encoder was no faster overall
 * and its files were larger; a dynamic-Huffman encoder that skips the known-zero bytes, tried in
 * December 2026, was as fast as zlib on 300 kB boards, 0.04-0.3 ms each, and no smaller).
 */
export function encodeCanvas(cv: Canvas): Buffer | null {
  const { width, height } = cv;
  // Signed view: keeps every value a small integer for V8 (pixels with alpha 255 are negative).
  const px = new Int32Array(cv.pixels.buffer, cv.pixels.byteOffset, width * height);
  const stride = width + 1;
  const size = height * stride;
  if (raw.length < size) raw = new Uint8Array(size);
  if (prev.length < width) prev = new Uint8Array(width);
  // Locals: module variables are slower to reach in the hot loop.
  const out = raw;
  const above = prev;
  out.fill(0, 0, size);
  above.fill(0, 0, width);
  slotIndex.fill(-1);
  paletteSize = 0;
  // Pixel 0 opens the palette; later pixels look up only when the colour changes.
  let last = (px[0] as number) | OPAQUE;
  let lastIndex = paletteIndex(last);
  for (let y = 0; y < height; y++) {
    const o = y * stride + 1;
    out[o - 1] = y > 0 ? 2 : 0; // filter: Up after the first row (None for the first: `above` is 0)
    const row = y * width;
    const up = y > 0 ? row - width : -1;
    for (let x = cv.lo[y] as number, stop = cv.hi[y] as number; x < stop; x++) {
      const p = px[row + x] as number;
      if (up >= 0 && p === px[up + x]) continue; // a zero already
      const c = p | OPAQUE;
      if (c !== last) {
        lastIndex = paletteIndex(c);
        if (lastIndex < 0) return null;
        last = c;
      }
      out[o + x] = (lastIndex - (above[x] as number)) & 0xff;
      above[x] = lastIndex;
    }
  }
  const plte = Buffer.alloc(paletteSize * 3);
  for (let i = 0; i < paletteSize; i++) {
    const c = paletteColours[i] as number;
    plte[i * 3] = c & 0xff;
    plte[i * 3 + 1] = (c >>> 8) & 0xff;
    plte[i * 3 + 2] = (c >>> 16) & 0xff;
  }
  const idat = deflateSync(out.subarray(0, size), { level: 1, strategy: constants.Z_RLE });
  return pngFile(width, height, COLOUR_PALETTE, plte, idat);
}

const COLOUR_RGB = 2;
const COLOUR_PALETTE = 3;

/** An 8-bit, non-interlaced PNG file from its compressed scanlines (and palette for colour type 3). */
function pngFile(
  width: number,
  height: number,
  colourType: number,
  plte: Uint8Array | null,
  idat: Uint8Array,
): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colourType;
  // One allocation for the whole file, every byte written below.
  const out = Buffer.allocUnsafe(8 + 25 + (plte ? 12 + plte.length : 0) + 12 + idat.length + 12);
  out.set(SIGNATURE, 0);
  let at = putChunk(out, 8, "IHDR", ihdr);
  if (plte) at = putChunk(out, at, "PLTE", plte);
  at = putChunk(out, at, "IDAT", idat);
  putChunk(out, at, "IEND", new Uint8Array(0));
  return out;
}

/** Scratch scanlines for encodeTrueColour. */
let rgbRows = new Uint8Array(0);

/**
 * Opaque pixels (0xAABBGGRR) as an 8-bit RGB PNG, or null when a pixel is not opaque. Every row
 * after the first uses filter "Up"; zlib level 1 then gives files a little smaller than resvg's
 * RGBA encoder in about half its time (measured on 3DReconstruction views, 620 × 520).
 */
export function encodeTrueColour(pixels: Uint32Array, width: number, height: number): Buffer | null {
  const n = width * height;
  for (let i = 0; i < n; i++) if ((pixels[i] as number) >>> 24 !== 255) return null;
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, n * 4);
  const stride = width * 3 + 1;
  // Reused between images, as encodeCanvas's buffers (deflateSync copies what it needs).
  if (rgbRows.length < stride * height) rgbRows = new Uint8Array(stride * height);
  const rows = rgbRows.subarray(0, stride * height);
  const up = width * 4;
  for (let y = 0; y < height; y++) {
    const o = y * stride;
    rows[o] = y > 0 ? 2 : 0;
    const s = y * up;
    for (let x = 0, i = s, j = o + 1; x < width; x++, i += 4, j += 3) {
      if (y > 0) {
        rows[j] = (bytes[i] as number) - (bytes[i - up] as number);
        rows[j + 1] = (bytes[i + 1] as number) - (bytes[i + 1 - up] as number);
        rows[j + 2] = (bytes[i + 2] as number) - (bytes[i + 2 - up] as number);
      } else {
        rows[j] = bytes[i] as number;
        rows[j + 1] = bytes[i + 1] as number;
        rows[j + 2] = bytes[i + 2] as number;
      }
    }
  }
  return pngFile(width, height, COLOUR_RGB, null, deflateSync(rows, { level: 1 }));
}

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

/** Decode the PNG signature and IHDR chunk; throws on anything that is not a PNG. */
export function readPngInfo(bytes: Uint8Array): PngInfo {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 33 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG (bad signature)");
  if (buf.toString("latin1", 12, 16) !== "IHDR") throw new Error("not a PNG (first chunk is not IHDR)");
  return {
    width: buf.readUInt32BE(16),
    height: buf.readUInt32BE(20),
    bitDepth: buf.readUInt8(24),
    colorType: buf.readUInt8(25),
  };
}
