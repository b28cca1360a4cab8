import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Resvg } from "@resvg/resvg-js";
import { svgText } from "../../src/gameqa/render/font.js";
import { encodePalettePixels, encodePalettePng, readPngInfo, svgToPng } from "../../src/gameqa/render/png.js";
import { resvgRaster } from "../../src/gameqa/render/resvg.js";
import { circle, rect, svgDocument } from "../../src/gameqa/render/svg.js";
import { decodePng, firstDifference } from "./png-decode.js";

describe("palette PNG encoding", () => {
  const svg = svgDocument(
    90,
    60,
    rect(0, 0, 45, 30, "#ff0000") +
      rect(45, 30, 45, 30, "#0000ff") +
      circle(45, 30, 12, "#00ff00") +
      svgText("A1", 20, 45, { size: 12 }),
  );

  test("encodePalettePng (RGBA bytes from resvg) decodes back to resvg's pixels exactly", () => {
    const image = new Resvg(svg, { font: { loadSystemFonts: false } }).render();
    const png = encodePalettePng(image.pixels, image.width, image.height);
    assert.ok(png);
    const decoded = decodePng(png);
    assert.equal(decoded.colorType, 3);
    assert.equal(decoded.width, 90);
    assert.equal(decoded.height, 60);
    const px = new Uint32Array(image.pixels.buffer, image.pixels.byteOffset, 90 * 60);
    assert.equal(firstDifference(decoded.pixels, px), -1);
  });

  test("svgToPng: palette PNG of the document's resvg pixels, deterministic bytes", () => {
    const png = svgToPng(svg);
    const decoded = decodePng(png);
    assert.equal(decoded.colorType, 3);
    assert.equal(firstDifference(decoded.pixels, resvgRaster(svg).pixels), -1);
    assert.ok(png.equals(svgToPng(svg)), "same bytes on a second call");
  });

  test("svgToPng draws the stroke-font text (non-background pixels where the label is)", () => {
    const withText = decodePng(svgToPng(svgDocument(60, 30, svgText("42", 30, 15, { size: 14 }))));
    const blank = decodePng(svgToPng(svgDocument(60, 30, "")));
    assert.ok(blank.pixels.every((v) => v === 0xffffffff));
    const dark = withText.pixels.filter((v) => (v & 0xff) < 128).length;
    assert.ok(dark > 20, `${dark} dark pixels`);
  });

  test("repeated rows, unusual widths and a single row survive the Up filter", () => {
    for (const [w, h] of [
      [1, 1],
      [1, 7],
      [13, 1],
      [257, 5],
    ] as const) {
      const px = new Uint32Array(w * h);
      for (let i = 0; i < px.length; i++) px[i] = (0xff000000 | (((i * 37) % 5) * 0x203040)) >>> 0;
      const png = encodePalettePixels(px, w, h);
      assert.ok(png);
      const info = readPngInfo(png);
      assert.deepEqual([info.width, info.height], [w, h]);
      assert.equal(firstDifference(decodePng(png).pixels, px), -1, `${w}x${h}`);
    }
  });

  test("more than 256 colours returns null (caller falls back to resvg's encoder)", () => {
    const rgba = new Uint8Array(300 * 4);
    for (let i = 0; i < 300; i++) rgba.set([i & 0xff, i >> 8, 7, 255], i * 4);
    assert.equal(encodePalettePng(rgba, 300, 1), null);
  });

  test("an opaque image with more than 256 colours becomes an RGB PNG of resvg's pixels", () => {
    // 20 × 20 cells of distinct colours on a white background: 400 colours.
    let cells = "";
    for (let i = 0; i < 400; i++)
      cells += rect(
        (i % 20) * 5,
        Math.floor(i / 20) * 5,
        5,
        5,
        `#${(i * 40503).toString(16).padStart(6, "0").slice(-6)}`,
      );
    for (const doc of [
      svgDocument(100, 100, cells),
      svgDocument(100, 100, cells + circle(50, 50, 20, "#123456")),
    ]) {
      const png = svgToPng(doc);
      const decoded = decodePng(png);
      assert.equal(decoded.colorType, 2);
      assert.equal(firstDifference(decoded.pixels, resvgRaster(doc).pixels), -1);
      assert.ok(png.equals(svgToPng(doc)), "same bytes on a second call");
    }
    // Not opaque (no background): resvg's RGBA encoding keeps the alpha.
    const clear = `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">${cells.replace(/<rect x="0" y="0"[^>]*>/, "")}</svg>`;
    const rgba = decodePng(svgToPng(clear));
    assert.equal(rgba.colorType, 6);
    assert.equal(firstDifference(rgba.pixels, resvgRaster(clear).pixels), -1);
  });

  test("alpha is dropped: a premultiplied pixel is written as that pixel over black", () => {
    const png = encodePalettePng(new Uint8Array([60, 30, 0, 128, 0, 0, 0, 0, 9, 8, 7, 255]), 3, 1);
    assert.ok(png);
    assert.deepEqual([...decodePng(png).pixels], [0xff001e3c, 0xff000000, 0xff070809]);
    const blank = decodePng(svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'));
    assert.ok(blank.pixels.every((v) => v === 0xff000000));
  });

  test("every chunk carries the CRC-32 of its type and data (signature, IHDR first, IEND last)", () => {
    // Bitwise CRC-32 (polynomial 0xEDB88320), independent of the encoder's table or zlib's.
    const crc = (bytes: Uint8Array): number => {
      let c = 0xffffffff;
      for (const b of bytes) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    for (const png of [svgToPng(svg), encodePalettePixels(new Uint32Array([0xff0000ff, 0xff00ff00]), 2, 1)]) {
      assert.ok(png);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const types: string[] = [];
      let at = 8;
      while (at < png.length) {
        const len = png.readUInt32BE(at);
        types.push(png.toString("latin1", at + 4, at + 8));
        assert.equal(png.readUInt32BE(at + 8 + len), crc(png.subarray(at + 4, at + 8 + len)), types.at(-1));
        at += 12 + len;
      }
      assert.equal(at, png.length);
      assert.deepEqual([types[0], types.at(-1)], ["IHDR", "IEND"]);
    }
  });
});
