import { deflateSync } from "node:zlib";
import { Resvg } from "@resvg/resvg-js";

/**
 * Rasterise an SVG document to PNG bytes with resvg. System fonts are not loaded: renderers draw
 * text with render/font.ts, which keeps the output identical on every machine.
 *
 * Board images use few colours, so the pixels are written as an 8-bit palette PNG (about 5x
 * smaller and faster than resvg's RGBA encoder); images with more than 256 colours fall back to
 * resvg's own PNG output.
 */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false },
    // Default for elements without a shape-rendering attribute (render/svg.ts sets it explicitly).
    shapeRendering: 0,
  });
  const image = resvg.render();
  return encodePalettePng(image.pixels, image.width, image.height) ?? image.asPng();
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

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++)
    c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Encode RGBA pixels (alpha ignored: our boards are opaque) as an 8-bit palette PNG, or return
 * null when there are more than 256 distinct colours. Palette order = first appearance, so the
 * bytes are deterministic.
 */
export function encodePalettePng(rgba: Uint8Array, width: number, height: number): Buffer | null {
  const bytes = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  const px = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
  const index = new Map<number, number>();
  const stride = width + 1;
  const raw = Buffer.allocUnsafe(height * stride);
  let last = -1;
  let lastIndex = 0;
  for (let y = 0; y < height; y++) {
    const o = y * stride;
    raw[o] = 0; // filter: none (palette data compresses best unfiltered)
    const row = y * width;
    // Board images repeat most rows exactly (cell interiors): copy the indices of the row above.
    if (y > 0 && bytes.compare(bytes, row * 4, (row + width) * 4, (row - width) * 4, row * 4) === 0) {
      raw.copyWithin(o + 1, o - stride + 1, o);
      continue;
    }
    for (let x = 0; x < width; x++) {
      const c = px[row + x] as number;
      if (c !== last) {
        let i = index.get(c);
        if (i === undefined) {
          i = index.size;
          if (i > 255) return null;
          index.set(c, i);
        }
        last = c;
        lastIndex = i;
      }
      raw[o + 1 + x] = lastIndex;
    }
  }
  const palette = Buffer.alloc(index.size * 3);
  for (const [c, i] of index) {
    // Uint32 view of RGBA bytes on a little-endian machine: 0xAABBGGRR.
    palette[i * 3] = c & 0xff;
    palette[i * 3 + 1] = (c >>> 8) & 0xff;
    palette[i * 3 + 2] = (c >>> 16) & 0xff;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // colour type: palette
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", ihdr),
    chunk("PLTE", palette),
    chunk("IDAT", deflateSync(raw, { level: 3 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
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
