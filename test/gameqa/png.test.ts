import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { inflateSync } from "node:zlib";
import { Resvg } from "@resvg/resvg-js";
import { svgText } from "../../src/gameqa/render/font.js";
import { encodePalettePng, readPngInfo, svgToPng } from "../../src/gameqa/render/png.js";
import { circle, rect, svgDocument } from "../../src/gameqa/render/svg.js";

/** Minimal decoder for the 8-bit palette PNGs we write (filter type 0 only), back to RGB triples. */
function decodePaletteRgb(png: Buffer): { width: number; height: number; rgb: number[] } {
  const info = readPngInfo(png);
  assert.equal(info.colorType, 3);
  assert.equal(info.bitDepth, 8);
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
  const raw = inflateSync(Buffer.concat(idat));
  const rgb: number[] = [];
  for (let y = 0; y < info.height; y++) {
    assert.equal(raw[y * (info.width + 1)], 0, "filter byte");
    for (let x = 0; x < info.width; x++) {
      const i = raw[y * (info.width + 1) + 1 + x] as number;
      rgb.push(palette[i * 3] as number, palette[i * 3 + 1] as number, palette[i * 3 + 2] as number);
    }
  }
  return { width: info.width, height: info.height, rgb };
}

describe("palette PNG encoding", () => {
  const svg = svgDocument(
    90,
    60,
    rect(0, 0, 45, 30, "#ff0000") +
      rect(45, 30, 45, 30, "#0000ff") +
      circle(45, 30, 12, "#00ff00") +
      svgText("A1", 20, 45, { size: 12 }),
  );

  test("decodes back to resvg's pixels exactly", () => {
    const image = new Resvg(svg, { font: { loadSystemFonts: false } }).render();
    const png = encodePalettePng(image.pixels, image.width, image.height);
    assert.ok(png);
    const decoded = decodePaletteRgb(png);
    assert.equal(decoded.width, 90);
    assert.equal(decoded.height, 60);
    const px = image.pixels;
    for (let i = 0, j = 0; i < px.length; i += 4, j += 3) {
      assert.deepEqual(
        [decoded.rgb[j], decoded.rgb[j + 1], decoded.rgb[j + 2]],
        [px[i], px[i + 1], px[i + 2]],
        `pixel ${i / 4}`,
      );
    }
  });

  test("svgToPng draws the stroke-font text (non-background pixels where the label is)", () => {
    const withText = decodePaletteRgb(svgToPng(svgDocument(60, 30, svgText("42", 30, 15, { size: 14 }))));
    const blank = decodePaletteRgb(svgToPng(svgDocument(60, 30, "")));
    assert.ok(blank.rgb.every((v) => v === 255));
    const dark = withText.rgb.filter((v, i) => i % 3 === 0 && v < 128).length;
    assert.ok(dark > 20, `${dark} dark pixels`);
  });

  test("more than 256 colours returns null (caller falls back to resvg's encoder)", () => {
    const rgba = new Uint8Array(300 * 4);
    for (let i = 0; i < 300; i++) rgba.set([i & 0xff, i >> 8, 7, 255], i * 4);
    assert.equal(encodePalettePng(rgba, 300, 1), null);
  });
});
