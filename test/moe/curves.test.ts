import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { lineChart } from "../../src/charts/line.js";
import { curveCharts, readRunCurves } from "../../src/moe/train-report.js";
import { tempDir } from "../formats/helpers.js";
import { runCli } from "../helpers/in-process-cli.js";

const dir = tempDir("moe-curves");

/** Points of the polyline drawn for the i-th series. */
function polylines(svg: string): number[][][] {
  return [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) =>
    m[1]!.split(" ").map((p) => p.split(",").map(Number)),
  );
}

test("lineChart: points are placed by value (higher y drawn higher), log axis, escaped labels, no script", () => {
  const svg = lineChart(
    [
      { label: "a<b>", points: [0, 1, 2, 3].map((x) => ({ x, y: 10 ** x })) },
      { label: "flat", points: [0, 3].map((x) => ({ x, y: 10 })), dashed: true },
    ],
    { title: "t & u", xLabel: "step", yLabel: "ppl", logY: true, refs: [{ y: 100, label: "dense" }] },
  );
  assert.ok(!svg.includes("<script") && !svg.includes("href"));
  assert.ok(svg.includes("a&#60;b&#62;") && svg.includes("t &#38; u"));
  const [a, flat] = polylines(svg);
  // On a log axis, 1 → 10 → 100 → 1000 are evenly spaced and rise on the page (y decreases).
  const dy = a!.slice(1).map((p, i) => a![i]![1]! - p[1]!);
  assert.ok(dy.every((v) => v > 0));
  assert.ok(Math.max(...dy) - Math.min(...dy) < 0.2, String(dy));
  // The flat series at 10 is at the height of a's second point; x from 0 to 3 spans the same width.
  assert.ok(Math.abs(flat![0]![1]! - a![1]![1]!) < 0.11);
  assert.equal(flat![1]![0], a![3]![0]);
  assert.ok(svg.includes('stroke-dasharray="5 3"'));
  // Non-positive values cannot go on a log axis: left out rather than drawn at -Infinity.
  const svg2 = lineChart(
    [
      {
        label: "z",
        points: [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
          { x: 2, y: 2 },
        ],
      },
    ],
    {
      xLabel: "x",
      yLabel: "y",
      logY: true,
    },
  );
  assert.equal(polylines(svg2)[0]!.length, 2);
  assert.ok(!svg2.includes("NaN") && !svg2.includes("Infinity"));
});

test("training curves: read a moe train folder (resumed run), chart loss, balance, load and weights; CLI writes SVG and PNG", async () => {
  const run = join(dir, "run");
  mkdirSync(run, { recursive: true });
  const step = (s: number, loss: number, load: number[]) =>
    JSON.stringify({
      step: s,
      lm_loss: loss,
      balance_loss: 0.01 / s,
      tokens: s * 100,
      tokens_per_s: 500,
      load: [load, load],
    });
  writeFileSync(
    join(run, "train_log.jsonl"),
    [
      step(10, 6, [0.5, 0.3, 0.1, 0.1]),
      step(20, 5, [0.4, 0.3, 0.2, 0.1]),
      JSON.stringify({ event: "eval", step: 20, valid_loss: { a: 5.5, b: 6.5 } }),
      step(20, 4.9, [0.4, 0.3, 0.2, 0.1]), // resumed from step 10: the later record of step 20 wins
      step(30, 4, [0.25, 0.25, 0.25, 0.25]),
      JSON.stringify({ event: "eval", step: 30, valid_loss: { a: 4.5, b: 5.5 } }),
    ].join("\n"),
  );
  writeFileSync(
    join(run, "domain_weights.jsonl"),
    [
      { step: 0, weights: { a: 0.5, b: 0.5 } },
      { step: 20, weights: { a: 0.7, b: 0.3 } },
      { step: 30, weights: { a: 0.8, b: 0.2 } },
    ]
      .map((r) => JSON.stringify(r))
      .join("\n"),
  );
  const curves = readRunCurves(run, "dyn");
  assert.deepEqual(
    curves.steps.map((s) => [s.step, s.lmLoss]),
    [
      [10, 6],
      [20, 4.9],
      [30, 4],
    ],
  );
  assert.deepEqual(
    curves.evals.map((e) => e.step),
    [20, 30],
  );
  const charts = curveCharts([curves], 3);
  assert.deepEqual(
    charts.map((c) => c.name),
    ["train-loss", "train-balance", "train-load-dyn", "train-weights-dyn"],
  );
  // Loss chart: training (3 points), validation means 6.0 and 5.0 (2 points).
  const [train, valid] = polylines(charts[0]!.svg);
  assert.equal(train!.length, 3);
  assert.equal(valid!.length, 2);
  // Expert 0's load falls from 0.5 to 0.25 (drawn lower on the page each step).
  const load0 = polylines(charts[2]!.svg)[0]!;
  assert.ok(load0[0]![1]! < load0[1]![1]! && load0[1]![1]! < load0[2]![1]!);

  const out = join(dir, "report");
  const r = await runCli(
    "moe",
    "report",
    "--runs",
    run,
    "--labels",
    "dyn",
    "--dense-loss",
    "3",
    "--out",
    out,
    "--json",
  );
  assert.equal(r.code, 0, r.stderr);
  const parsed = JSON.parse(r.stdout);
  assert.equal(parsed.runs[0].steps, 30);
  assert.equal(parsed.runs[0].tokens, 3000);
  for (const f of ["train-loss.svg", "train-loss.png", "train-weights-dyn.png", "curves.md"])
    assert.ok(existsSync(join(out, f)), f);
  assert.ok(readFileSync(join(out, "train-loss.png")).subarray(1, 4).toString() === "PNG");

  const bad = await runCli("moe", "report", "--runs", dir, "--out", out);
  assert.equal(bad.code, 2);
  assert.ok(bad.stderr.includes("no train_log.jsonl"), bad.stderr);
  const none = await runCli("moe", "report");
  assert.equal(none.code, 2);
  assert.ok(none.stderr.includes("--runs"), none.stderr);
});
