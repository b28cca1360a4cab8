/** The shared SVG charts: data text is escaped, every count is drawn, identical points merge. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { heatmapChart } from "../../src/charts/heatmap.js";
import { intervalChart } from "../../src/charts/interval.js";
import { lineChart } from "../../src/charts/line.js";
import { htmlPage } from "../../src/charts/page.js";
import { scatterChart } from "../../src/charts/scatter.js";

test("heatmap: one cell per count, row totals, the diagonal outlined, labels escaped", () => {
  const svg = heatmapChart(
    ["<a>", "b"],
    [
      [3, 1],
      [0, 2],
    ],
    { rowTitle: "judge & co", colTitle: "humans" },
  );
  const cells = [
    ...svg.matchAll(
      /<rect x="\d+" y="\d+" width="44" height="44"[^>]*stroke-width="(\d)"\/><text[^>]*>(\d+)</g,
    ),
  ];
  assert.deepEqual(
    cells.map((m) => Number(m[2])),
    [3, 1, 0, 2],
  );
  assert.deepEqual(
    cells.map((m) => m[1]),
    ["2", "1", "1", "2"],
    "diagonal cells are outlined",
  );
  assert.match(svg, /n=4<\/text>.*n=2<\/text>/s);
  assert.ok(svg.includes("&#60;a&#62;") && svg.includes("judge &#38; co"));
  assert.ok(!svg.includes("<a>"));
});

test("heatmap: long column labels are slanted and read in full, short ones stay upright", () => {
  const long = heatmapChart(
    ["gpt-4o-mini", "claude-sonnet"],
    [
      [0, 0.6],
      [0.4, 0],
    ],
    { rowTitle: "model", colTitle: "opponent", probabilities: true },
  );
  assert.match(long, /transform="rotate\(-45 [\d.]+ \d+\)" fill="#222">claude-sonnet</);
  assert.ok(!long.includes("…"), "no label is cut");
  const short = heatmapChart(
    ["A", "B"],
    [
      [1, 0],
      [0, 1],
    ],
    { rowTitle: "r", colTitle: "c" },
  );
  assert.ok(!short.includes("rotate("));
  assert.match(short, /text-anchor="middle" fill="#222">A</);
});

test("scatter: identical points drawn once, larger; points outside the range still drawn inside", () => {
  const svg = scatterChart(
    [
      { x: 4, y: 4 },
      { x: 4, y: 4 },
      { x: 4, y: 4 },
      { x: 2, y: 5 },
      { x: Number.NaN, y: 1 },
    ],
    { xLabel: "human", yLabel: "judge", min: 1, max: 5 },
  );
  const circles = [...svg.matchAll(/<circle [^>]*r="([\d.]+)"[^>]*><title>([^<]*)<\/title>/g)];
  assert.equal(circles.length, 2, "the NaN point is left out and the three (4, 4) merge");
  const merged = circles.find((c) => c[2] === "4, 4: 3")!;
  const single = circles.find((c) => c[2] === "2, 5: 1")!;
  assert.ok(Number(merged[1]) > Number(single[1]));
});

test("report page: a CSP that allows no script and no network", () => {
  const page = htmlPage("t <x>", ["<p>body</p>"]);
  assert.match(page, /content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"/);
  assert.match(page, /<title>t &#60;x&#62;<\/title>/);
});

test("line: a reference line's label is drawn over the series, on a halo", () => {
  const svg = lineChart(
    [
      {
        label: "a",
        points: [
          { x: 0, y: 0.2 },
          { x: 1, y: 0.3 },
        ],
      },
    ],
    { title: "t", xLabel: "x", yLabel: "y", refs: [{ y: 0.25, label: "balanced" }] },
  );
  const label = svg.indexOf(">balanced</text>");
  assert.ok(label > svg.indexOf("<polyline"), "after the series");
  assert.match(svg, /paint-order="stroke">balanced<\/text>/);
});

test("interval chart: axis ticks on a 0–100 scale are whole numbers, on a 0–1 scale three decimals", () => {
  const ticks = (svg: string) => [...svg.matchAll(/fill="#666">([^<]*)<\/text>/g)].map((m) => m[1]);
  const pct = intervalChart([{ label: "MK", value: 80, lo: 70, hi: 90 }], { min: 0, max: 100 });
  assert.deepEqual(ticks(pct), ["0", "25", "50", "75", "100"]);
  const tenths = intervalChart([{ label: "a", value: 6 }], { min: 0, max: 10 });
  assert.deepEqual(ticks(tenths), ["0", "2.5", "5", "7.5", "10"]);
  const unit = intervalChart([{ label: "a", value: 0.5, lo: 0.4, hi: 0.6 }]);
  assert.deepEqual(ticks(unit), ["0.000", "0.250", "0.500", "0.750", "1.000"]);
});
