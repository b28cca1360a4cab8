import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { readPngInfo } from "../../src/gameqa/render/png.js";

/**
 * A small independent PNG decoder for tests: 8-bit palette (type 3), RGB (type 2) or RGBA (type 6),
 * non-interlaced, all five filter types. Returns one Uint32 per pixel (0xAABBGGRR), which equals
 * resvg's premultiplied pixels wherever the image is opaque.
 */
export function decodePng(png: Buffer): {
  width: number;
  height: number;
  pixels: Uint32Array;
  colorType: number;
} {
  const info = readPngInfo(png);
  assert.equal(info.bitDepth, 8, "bit depth");
  assert.ok([2, 3, 6].includes(info.colorType), `colour type ${info.colorType}`);
  assert.equal(png[28], 0, "not interlaced");
  const bpp = info.colorType === 3 ? 1 : info.colorType === 2 ? 3 : 4;
  let off = 8;
  let palette = Buffer.alloc(0);
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString("latin1", off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === "PLTE") palette = Buffer.from(data);
    if (type === "IDAT") idat.push(Buffer.from(data));
    off += 12 + len;
  }
  const { width, height } = info;
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = width * bpp;
  assert.equal(raw.length, height * (rowBytes + 1), "decompressed size");
  const out = new Uint8Array(height * rowBytes);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)] as number;
    for (let i = 0; i < rowBytes; i++) {
      const v = raw[y * (rowBytes + 1) + 1 + i] as number;
      const a = i >= bpp ? (out[y * rowBytes + i - bpp] as number) : 0;
      const b = y > 0 ? (out[(y - 1) * rowBytes + i] as number) : 0;
      const c = y > 0 && i >= bpp ? (out[(y - 1) * rowBytes + i - bpp] as number) : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else assert.equal(filter, 0, `filter type ${filter}`);
      out[y * rowBytes + i] = (v + pred) & 0xff;
    }
  }
  const pixels = new Uint32Array(width * height);
  for (let i = 0; i < width * height; i++) {
    if (bpp === 3) {
      pixels[i] =
        (0xff000000 +
          ((out[i * 3 + 2] as number) << 16) +
          ((out[i * 3 + 1] as number) << 8) +
          (out[i * 3] as number)) >>>
        0;
    } else if (bpp === 4) {
      pixels[i] =
        ((out[i * 4 + 3] as number) * 0x1000000 +
          ((out[i * 4 + 2] as number) << 16) +
          ((out[i * 4 + 1] as number) << 8) +
          (out[i * 4] as number)) >>>
        0;
    } else {
      const k = out[i] as number;
      assert.ok(k * 3 + 2 < palette.length, "palette index in range");
      pixels[i] =
        (0xff000000 +
          ((palette[k * 3 + 2] as number) << 16) +
          ((palette[k * 3 + 1] as number) << 8) +
          (palette[k * 3] as number)) >>>
        0;
    }
  }
  return { width, height, pixels, colorType: info.colorType };
}

/** Index of the first differing pixel, or -1. */
export function firstDifference(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
