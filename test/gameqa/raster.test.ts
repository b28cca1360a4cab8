import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { listGames, loadGames } from "../../src/gameqa/registry.js";
import { svgText } from "../../src/gameqa/render/font.js";
import { svgToPng } from "../../src/gameqa/render/png.js";
import { rasterizeFast, rasterizeSvg } from "../../src/gameqa/render/raster.js";
import { resvgRaster } from "../../src/gameqa/render/resvg.js";
import { setSpriteCacheLimits } from "../../src/gameqa/render/sprites.js";
import { circle, line, polygon, rect, svgDocument } from "../../src/gameqa/render/svg.js";
import { createRng } from "../../src/gameqa/rng.js";
import { LEVELS } from "../../src/gameqa/types.js";
import { decodePng, firstDifference } from "./png-decode.js";

/**
 * The fast rasteriser (render/raster.ts + sprites.ts) must give resvg's pixels exactly, and the
 * PNG must decode back to them. resvg rendering the whole document is the reference throughout.
 */
function assertSamePixels(svg: string, what: string): void {
  const ref = resvgRaster(svg);
  const ours = rasterizeSvg(svg);
  assert.equal(ours.width, ref.width, `${what}: width`);
  assert.equal(ours.height, ref.height, `${what}: height`);
  const d = firstDifference(ours.pixels, ref.pixels);
  assert.equal(
    d,
    -1,
    `${what}: pixel (${d % ref.width}, ${Math.floor(d / ref.width)}) is ${ours.pixels[d]?.toString(16)}, resvg ${ref.pixels[d]?.toString(16)}`,
  );
  // Palette PNGs drop alpha (a premultiplied pixel over black), as the encoder documents.
  const png = decodePng(svgToPng(svg));
  const expected = png.colorType === 3 ? ref.pixels.map((v) => (v | 0xff000000) >>> 0) : ref.pixels;
  const p = firstDifference(png.pixels, expected);
  assert.equal(
    p,
    -1,
    `${what}: PNG pixel (${p % ref.width}, ${Math.floor(p / ref.width)}) differs from resvg`,
  );
}

const fast = (svg: string): boolean => rasterizeFast(svg) !== null;

const WHOLE_BY_RESVG = new Set(["3DReconstruction", "zuma", "minecraft"]);

describe("fast rasteriser = resvg, every game", () => {
  before(() => loadGames());

  test("all games, all plot levels, several seeds: identical pixels and PNGs", () => {
    const games = listGames();
    assert.ok(games.length >= 10, `${games.length} games`);
    for (const game of games) {
      let fastDocs = 0;
      let docs = 0;
      for (const level of LEVELS) {
        for (let seed = 0; seed < 6; seed++) {
          const rng = createRng(seed * 1000 + 17);
          const svg = game.renderSvg(game.generateState(rng, level));
          assertSamePixels(svg, `${game.name} ${level} seed ${seed}`);
          docs++;
          if (fast(svg)) fastDocs++;
        }
      }
      // 3DReconstruction draws anti-aliased 1 px outlines (hairlines) and translucent faces, zuma
      // translucent sector lines under marbles at unique positions (no sprite would ever be reused):
      // resvg renders those documents whole. Every other game must take the fast path.
      if (WHOLE_BY_RESVG.has(game.name)) assert.equal(fastDocs, 0);
      else assert.ok(fastDocs > 0, `${game.name}: ${fastDocs}/${docs} documents on the fast path`);
    }
  });
});

describe("fast rasteriser = resvg, element by element", () => {
  const num = (rng: ReturnType<typeof createRng>, max: number): number =>
    Math.round((rng.next() * max - 10) * 100) / 100;

  test("crisp rects at fractional, negative and off-canvas coordinates, with and without strokes", () => {
    const rng = createRng(42);
    for (let doc = 0; doc < 12; doc++) {
      const parts: string[] = [];
      for (let k = 0; k < 60; k++) {
        const w = k % 17 === 0 ? 0 : Math.round(rng.next() * 6000) / 100;
        const h = k % 19 === 0 ? 0 : Math.round(rng.next() * 6000) / 100;
        const fill = `#${(rng.int(0, 0xffffff) | 0x100000).toString(16)}`;
        const stroke = k % 3 === 0 ? "#000" : k % 3 === 1 ? "#1a2b3c" : undefined;
        const sw = [0.5, 1, 1.5, 2, 3, 0.8][k % 6] as number;
        parts.push(rect(num(rng, 220), num(rng, 170), w, h, fill, stroke, sw));
      }
      const svg = svgDocument(200, 150, parts.join(""), doc % 2 ? "#ffffff" : "#336699");
      assert.ok(fast(svg));
      assertSamePixels(svg, `rect doc ${doc}`);
    }
  });

  test("anti-aliased text in many colours over many backgrounds (coverage blending)", () => {
    const colours = ["#000", "#555", "#ff0000", "#40e0d0", "#ffd700", "#808080", "#123456", "#ffffff"];
    const parts: string[] = [];
    for (const [i, bg] of colours.entries()) parts.push(rect(0, i * 30, 400, 30, bg));
    colours.forEach((fg, i) => {
      for (let j = 0; j < colours.length; j++) {
        parts.push(
          svgText(`A${i}${j}`, 20 + i * 45, 15 + j * 30, { size: 11 + i, color: fg, weight: 1.3 + j / 4 }),
        );
      }
    });
    const svg = svgDocument(400, 240, parts.join(""));
    assert.ok(fast(svg));
    assertSamePixels(svg, "text");
  });

  test("circles, polygons (fill + stroke as two passes), crisp lines with round caps, overlaps", () => {
    const rng = createRng(7);
    for (let doc = 0; doc < 6; doc++) {
      const parts: string[] = [rect(10, 10, 100, 80, "#add8e6")];
      for (let k = 0; k < 25; k++) {
        const x = num(rng, 200);
        const y = num(rng, 150);
        if (k % 3 === 0)
          parts.push(
            circle(x, y, 3 + rng.next() * 20, "#ff0000", k % 2 ? "#00ff00" : undefined, 1.5 + k / 10),
          );
        else if (k % 3 === 1) {
          parts.push(
            polygon(
              [
                [x, y],
                [x + 30 * rng.next(), y + 5],
                [x + 5, y + 30 * rng.next()],
              ],
              "#2f5fe8",
              k % 2 ? "#ffffff" : undefined,
              1.5,
            ),
          );
        } else
          parts.push(line(x, y, num(rng, 200), num(rng, 150), "#000000", [1, 2, 4, 2.5][k % 4] as number));
      }
      const svg = svgDocument(200, 150, parts.join(""));
      assert.ok(fast(svg));
      assertSamePixels(svg, `shapes doc ${doc}`);
    }
  });

  test("documents outside the fast path still match resvg (whole-document fallback)", () => {
    const cases: Record<string, string> = {
      hairline: svgDocument(60, 40, circle(30, 20, 10, "#ff0000", "#000000", 1)),
      translucent: svgDocument(
        60,
        40,
        polygon(
          [
            [5, 5],
            [50, 10],
            [20, 35],
          ],
          "#00ff00",
        ).replace("/>", ' fill-opacity="0.5"/>'),
      ),
      namedColour: svgDocument(60, 40, circle(30, 20, 10, "red")),
      group: svgDocument(60, 40, `<g>${rect(5, 5, 20, 20, "#ff0000")}</g>`),
      transform: svgDocument(
        60,
        40,
        rect(5, 5, 20, 20, "#ff0000").replace("/>", ' transform="rotate(10)"/>'),
      ),
      scaledViewBox:
        '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20" viewBox="0 0 60 40"><rect x="3" y="3" width="20" height="20" fill="#ff0000"/></svg>',
    };
    for (const [name, svg] of Object.entries(cases)) {
      assert.equal(fast(svg), false, `${name} is not on the fast path`);
      assertSamePixels(svg, name);
    }
  });

  test("a tiny cache (constant eviction) gives the same pixels", () => {
    const old = setSpriteCacheLimits(3, 4096);
    try {
      const rng = createRng(3);
      for (let k = 0; k < 4; k++) {
        const parts = [rect(0, 0, 120, 60, "#ffffff")];
        for (let j = 0; j < 12; j++)
          parts.push(svgText(String(rng.int(0, 99)), 10 + j * 9, 30, { size: 12, color: "#555" }));
        assertSamePixels(svgDocument(120, 60, parts.join("")), `evicting doc ${k}`);
      }
    } finally {
      setSpriteCacheLimits(...old);
    }
  });

  test("the sprite cache serves repeated elements at other places of other documents", () => {
    const label = svgText("42", 30, 20, { size: 14, color: "#555" });
    for (const bg of ["#ffffff", "#ff00ff", "#000000"]) {
      const svg = svgDocument(60, 40, rect(0, 0, 30, 40, bg) + label + rect(28, 0, 3, 40, "#00ff00") + label);
      assertSamePixels(svg, `label over ${bg}`);
    }
    // Same element string, partly off two different canvases (clipped by each canvas edge).
    const edge = svgText("8", 58, 38, { size: 14 });
    assertSamePixels(svgDocument(60, 40, edge), "clipped at 60x40");
    assertSamePixels(svgDocument(59, 39, edge), "clipped at 59x39");
    assertSamePixels(svgDocument(90, 60, edge), "not clipped");
  });
});
