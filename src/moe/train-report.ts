/**
 * Training curves for `assay moe report --runs DIR,…`: reads what `moe train` logs in its output folder
 * (train_log.jsonl: step records and evaluations; domain_weights.jsonl: the sampling weights over time) and
 * charts the loss (training LM loss and validation loss), the balance loss, each expert's share of the routed
 * tokens, and the domain weights. Charts are plain SVG (src/charts/line.ts) plus a PNG of each.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { type LineSeries, lineChart, PALETTE } from "../charts/line.js";
import { UserError } from "../util/errors.js";

export interface RunCurves {
  dir: string;
  label: string;
  steps: {
    step: number;
    lmLoss: number;
    balance: number;
    kl?: number;
    tokens: number;
    tokensPerS: number;
    load: number[][];
  }[];
  evals: { step: number; validLoss: Record<string, number> }[];
  weights: { step: number; weights: Record<string, number> }[];
}

function jsonLines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line, i) => ({ line, n: i + 1 }))
    .filter((x) => x.line.trim())
    .map(({ line, n }) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new UserError(`${file}:${n}: not JSON`);
      }
    });
}

/** Read one `moe train` output folder. */
export function readRunCurves(dir: string, label = basename(dir)): RunCurves {
  const log = join(dir, "train_log.jsonl");
  if (!existsSync(log)) throw new UserError(`${dir}: no train_log.jsonl (not a \`moe train\` output folder)`);
  const run: RunCurves = { dir, label, steps: [], evals: [], weights: [] };
  for (const r of jsonLines(log)) {
    if (r.event === "eval")
      run.evals.push({ step: r.step as number, validLoss: r.valid_loss as Record<string, number> });
    else if (typeof r.lm_loss === "number")
      run.steps.push({
        step: r.step as number,
        lmLoss: r.lm_loss,
        balance: r.balance_loss as number,
        ...(typeof r.kl === "number" ? { kl: r.kl } : {}),
        tokens: r.tokens as number,
        tokensPerS: r.tokens_per_s as number,
        load: (r.load as number[][]) ?? [],
      });
  }
  // A resumed run appends: keep the last record of each step.
  const last = <T extends { step: number }>(xs: T[]): T[] =>
    [...new Map(xs.map((x) => [x.step, x])).values()].sort((a, b) => a.step - b.step);
  run.steps = last(run.steps);
  run.evals = last(run.evals);
  run.weights = last(
    jsonLines(join(dir, "domain_weights.jsonl")).map((r) => ({
      step: r.step as number,
      weights: r.weights as Record<string, number>,
    })),
  );
  return run;
}

const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export interface CurveChart {
  name: string;
  title: string;
  svg: string;
}

/** The charts for a set of runs; `denseLoss` (mean over domains) draws the dense model's level. */
export function curveCharts(runs: readonly RunCurves[], denseLoss?: number): CurveChart[] {
  const charts: CurveChart[] = [];
  const color = (i: number) => PALETTE[i % PALETTE.length]!;
  const loss: LineSeries[] = [];
  runs.forEach((r, i) => {
    loss.push({
      label: `${r.label} train`,
      color: color(i),
      points: r.steps.map((s) => ({ x: s.step, y: s.lmLoss })),
    });
    loss.push({
      label: `${r.label} valid`,
      color: color(i),
      dashed: true,
      dots: true,
      points: r.evals.map((e) => ({ x: e.step, y: meanOf(Object.values(e.validLoss)) })),
    });
  });
  charts.push({
    name: "train-loss",
    title: "LM loss (nats/token)",
    svg: lineChart(loss, {
      title: "LM loss: training (solid) and validation (dashed)",
      xLabel: "step",
      yLabel: "loss (nats)",
      ...(denseLoss !== undefined
        ? { refs: [{ y: denseLoss, label: `dense ${denseLoss.toFixed(2)}` }] }
        : {}),
    }),
  });
  charts.push({
    name: "train-balance",
    title: "balance loss",
    svg: lineChart(
      runs.map((r, i) => ({
        label: r.label,
        color: color(i),
        points: r.steps.map((s) => ({ x: s.step, y: s.balance })),
      })),
      { title: "Balance loss (summed over layers)", xLabel: "step", yLabel: "balance loss", logY: true },
    ),
  });
  for (const r of runs) {
    const E = r.steps[0]?.load[0]?.length ?? 0;
    if (E === 0) continue;
    charts.push({
      name: `train-load-${r.label}`,
      title: `expert load (${r.label})`,
      svg: lineChart(
        Array.from({ length: E }, (_, j) => ({
          label: `expert ${j}`,
          points: r.steps.map((s) => ({ x: s.step, y: meanOf(s.load.map((layer) => layer[j] ?? 0)) })),
        })),
        {
          title: `Share of routed tokens per expert, mean over layers (${r.label})`,
          xLabel: "step",
          yLabel: "share",
          yMin: 0,
          refs: [{ y: 1 / E, label: "balanced" }],
        },
      ),
    });
    if (r.weights.length > 1 && new Set(r.weights.map((w) => JSON.stringify(w.weights))).size > 1) {
      const domains = Object.keys(r.weights[0]!.weights).sort();
      charts.push({
        name: `train-weights-${r.label}`,
        title: `domain weights (${r.label})`,
        svg: lineChart(
          domains.map((d) => ({
            label: d,
            dots: true,
            points: r.weights.map((w) => ({ x: w.step, y: w.weights[d] ?? 0 })),
          })),
          {
            title: `Domain sampling weights (${r.label})`,
            xLabel: "step",
            yLabel: "weight",
            yMin: 0,
            yMax: 1,
          },
        ),
      });
    }
  }
  return charts;
}

export interface CurvesReport {
  runs: {
    dir: string;
    label: string;
    steps: number;
    tokens: number;
    meanTokensPerS: number;
    finalValid?: Record<string, number>;
  }[];
  files: string[];
}

/** Charts of the runs into outDir (SVG and PNG per chart, plus curves.md linking them). */
export function writeCurves(runs: readonly RunCurves[], outDir: string, denseLoss?: number): CurvesReport {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const md = ["## Training curves", ""];
  for (const c of curveCharts(runs, denseLoss)) {
    const safe = c.name.replace(/[^A-Za-z0-9._-]/g, "_");
    const svg = join(outDir, `${safe}.svg`);
    const png = join(outDir, `${safe}.png`);
    writeFileSync(svg, c.svg);
    writeFileSync(
      png,
      new Resvg(c.svg, { fitTo: { mode: "width", value: 1120 }, background: "white" }).render().asPng(),
    );
    files.push(svg, png);
    md.push(`![${c.title}](${safe}.svg)`, "");
  }
  const curvesMd = join(outDir, "curves.md");
  writeFileSync(curvesMd, `${md.join("\n")}\n`);
  files.push(curvesMd);
  return {
    runs: runs.map((r) => ({
      dir: r.dir,
      label: r.label,
      steps: r.steps.at(-1)?.step ?? 0,
      tokens: r.steps.at(-1)?.tokens ?? 0,
      meanTokensPerS: meanOf(r.steps.map((s) => s.tokensPerS)),
      ...(r.evals.length ? { finalValid: r.evals.at(-1)!.validLoss } : {}),
    })),
    files,
  };
}
