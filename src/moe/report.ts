/**
 * `assay moe report`: build MoE variants of a small dense model in memory — methods × (E, k) × gate
 * (random, centroid, fitted) — and measure each on the same held-out sequences sampled from the dense model.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { UserError } from "../util/errors.js";
import type { Progress } from "../util/progress.js";
import { sequentialPairs } from "./calibration.js";
import {
  type DenseModel,
  loadDenseWeights,
  normaliseRows,
  requireRunnable,
  sampleSequences,
} from "./dense.js";
import { denseLogProbs, type Fidelity, measureFidelity } from "./fidelity.js";
import { fitLayerGate } from "./gate-fit.js";
import { centroidRows, gateRng, initGate } from "./gate-init.js";
import type { MoeLayer } from "./layer.js";
import { moeLayerFromDense } from "./layer.js";
import { computeSplit } from "./methods.js";
import { refitDown } from "./refit-down.js";
import type { SplitMethod } from "./split.js";

export type ReportGate = "random" | "centroid" | "fit" | "fit-down";

export interface ReportOptions {
  methods: SplitMethod[];
  configs: { experts: number; topK: number }[];
  gates: ReportGate[];
  sequences: number;
  length: number;
  fitTokens: number;
  seed: number;
  outDir?: string;
  progress?: Progress;
}

export interface ReportRow {
  method: string;
  experts: number;
  topK: number;
  gate: string;
  scale: number;
  expertSizes: string;
  perplexity: number;
  meanKl: number;
  loadCv: number;
  routingEntropy: number;
  maxLoad: number;
  seconds: number;
}

export interface MoeReport {
  model: string;
  tokens: number;
  densePerplexity: number;
  /** k = E with a zero gate and scale E: must equal the dense perplexity. */
  equivalencePerplexity: number;
  rows: ReportRow[];
  files: string[];
}

export async function runReport(dense: DenseModel, opts: ReportOptions): Promise<MoeReport> {
  requireRunnable(dense, "moe report");
  const w = loadDenseWeights(dense);
  const { hiddenSize: d, intermediateSize: width } = dense.config;
  for (const c of opts.configs)
    if (c.experts > width)
      throw new UserError(`--configs: ${c.experts} experts exceed the FFN width ${width}`);
  const length = Math.min(opts.length, dense.config.maxSeqLen);
  const held = sampleSequences(w, opts.sequences, length, opts.seed + 1000);
  const denseLp = denseLogProbs(w, held);
  const fitNeeded = opts.gates.includes("fit") || opts.gates.includes("fit-down");
  const trainLen = Math.min(128, dense.config.maxSeqLen);
  const trainSeqs = fitNeeded
    ? sampleSequences(w, Math.ceil(opts.fitTokens / trainLen), trainLen, opts.seed + 2000)
    : [];
  const rows: ReportRow[] = [];
  opts.progress?.setTotal(opts.methods.length * opts.configs.length * opts.gates.length + 1);
  let equivalencePerplexity = Number.NaN;
  let tokens = 0;
  for (const method of opts.methods) {
    for (const cfg of opts.configs) {
      opts.progress?.setDetail(`${method} ${cfg.experts}:${cfg.topK} split`);
      const split = computeSplit(dense, {
        method,
        experts: cfg.experts,
        seed: opts.seed,
        remainder: "spread",
        restarts: 3,
        iterations: 100,
        sequences: 16,
        sequenceLength: trainLen,
      });
      const sizes = [...new Set(split.layers[0]!.experts.map((e) => e.length))]
        .sort((a, b) => b - a)
        .join("/");
      const scale = cfg.experts / cfg.topK;
      if (Number.isNaN(equivalencePerplexity)) {
        // The exactness check at model level: k = E, zero gate, scale E.
        const eq = w.layers.map((L, l) =>
          moeLayerFromDense(
            L,
            d,
            split.layers[l]!,
            { kind: "linear", w: new Float32Array(cfg.experts * d) },
            cfg.experts,
            cfg.experts,
          ),
        );
        const f = measureFidelity(w, eq, held, denseLp);
        equivalencePerplexity = f.perplexity;
        tokens = f.tokens;
        opts.progress?.tick();
      }
      for (const gate of opts.gates) {
        const started = Date.now();
        opts.progress?.setDetail(`${method} ${cfg.experts}:${cfg.topK} ${gate}`);
        const layers: MoeLayer[] = w.layers.map((L, l) => {
          const experts = split.layers[l]!.experts;
          const init = gate === "random" ? "random" : "centroid";
          const g = initGate("linear", init, cfg.experts, d, gateRng(opts.seed, l), () => {
            const up = normaliseRows(L.wUp, width, d);
            return centroidRows(experts, d, (i) => up.subarray(i * d, (i + 1) * d));
          });
          return moeLayerFromDense(L, d, split.layers[l]!, g, cfg.topK, scale);
        });
        if (gate === "fit" || gate === "fit-down") {
          layers.forEach((layer, l) => {
            const train = sequentialPairs(w, layers, l, trainSeqs);
            const r = fitLayerGate(layer, train.xs, train.ys, { epochs: 30, lr: 0.01, rescale: false });
            layer.gate = { kind: "linear", w: r.gate };

            if (gate === "fit-down") refitDown(layer, train.xs, train.ys);
          });
        }
        const f: Fidelity = measureFidelity(w, layers, held, denseLp);
        rows.push({
          method: split.variant ? `${method} (${split.variant})` : method,
          experts: cfg.experts,
          topK: cfg.topK,
          gate,
          scale,
          expertSizes: sizes,
          perplexity: f.perplexity,
          meanKl: f.meanKl,
          loadCv: f.loadCv,
          routingEntropy: f.routingEntropy,
          maxLoad: Math.max(...f.load.flat()),
          seconds: (Date.now() - started) / 1000,
        });
        opts.progress?.tick();
        await new Promise((r) => setImmediate(r));
      }
    }
  }
  const densePerplexity = Math.exp(
    -denseLp.flat().reduce((a, lp, i) => a + lp[flatNext(held, i)]!, 0) / tokens,
  );
  const report: MoeReport = {
    model: dense.ck.path,
    tokens,
    densePerplexity,
    equivalencePerplexity,
    rows,
    files: [],
  };
  if (opts.outDir) {
    mkdirSync(opts.outDir, { recursive: true });
    const files = {
      json: join(opts.outDir, "report.json"),
      md: join(opts.outDir, "report.md"),
      svg: join(opts.outDir, "report.svg"),
      png: join(opts.outDir, "report.png"),
    };
    report.files = Object.values(files);
    writeFileSync(files.json, `${JSON.stringify(report, null, 1)}\n`);
    writeFileSync(files.md, `${formatReport(report)}\n`);
    const svg = reportSvg(report);
    writeFileSync(files.svg, svg);
    writeFileSync(
      files.png,
      new Resvg(svg, { fitTo: { mode: "width", value: 1600 }, background: "white" }).render().asPng(),
    );
  }
  return report;
}

/** The token predicted at flattened position i of the held-out sequences. */
function flatNext(seqs: readonly number[][], i: number): number {
  for (const s of seqs) {
    if (i < s.length - 1) return s[i + 1]!;
    i -= s.length - 1;
  }
  throw new Error("position outside the sequences");
}

export function formatReport(r: MoeReport): string {
  const lines = [
    `MoE fidelity on ${r.model}: ${r.tokens} held-out tokens sampled from the dense model`,
    `dense perplexity ${r.densePerplexity.toFixed(3)}; k = E, zero gate, scale E: ${r.equivalencePerplexity.toFixed(3)} (exact equivalence)`,
    "",
    "| method | E | k | expert sizes | gate | scale | perplexity | mean KL | load CV | max load | routing entropy |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const row of r.rows) {
    lines.push(
      `| ${row.method} | ${row.experts} | ${row.topK} | ${row.expertSizes} | ${row.gate} | ${row.scale} | ${fmtPpl(row.perplexity)} | ${row.meanKl.toFixed(3)} | ${row.loadCv.toFixed(3)} | ${row.maxLoad.toFixed(3)} | ${row.routingEntropy.toFixed(3)} |`,
    );
  }
  return lines.join("\n");
}

function fmtPpl(p: number): string {
  return p >= 1000 ? p.toFixed(0) : p.toFixed(2);
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Grouped bars of log10 perplexity: one group per method × (E, k), one bar per gate; dense as a line. */
export function reportSvg(r: MoeReport): string {
  const groups = [...new Set(r.rows.map((row) => `${row.method} ${row.experts}:${row.topK}`))];
  const gates = [...new Set(r.rows.map((row) => row.gate))];
  const colours = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1"];
  const left = 70;
  const W = Math.max(900, left + 12 + groups.length * (gates.length * 18 + 24) + 20);
  const H = 520;
  const top = 50;
  const plotH = 300;
  const maxLog =
    Math.max(1, ...r.rows.map((row) => Math.log10(row.perplexity)), Math.log10(r.densePerplexity)) * 1.05;
  const y = (v: number): number => top + plotH - (Math.log10(v) / maxLog) * plotH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">`,
  ];
  parts.push(
    `<text x="${W / 2}" y="28" font-size="18" text-anchor="middle">Held-out perplexity of MoE variants (log scale) — ${esc(r.model)}</text>`,
  );
  for (let e = 0; e <= Math.ceil(maxLog); e++) {
    if (e > maxLog) break;
    parts.push(`<line x1="${left}" x2="${W - 10}" y1="${y(10 ** e)}" y2="${y(10 ** e)}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${left - 6}" y="${y(10 ** e) + 4}" font-size="12" text-anchor="end">${10 ** e}</text>`,
    );
  }
  groups.forEach((g, gi) => {
    const x0 = left + 12 + gi * (gates.length * 18 + 24);
    gates.forEach((gate, k) => {
      const row = r.rows.find((row) => `${row.method} ${row.experts}:${row.topK}` === g && row.gate === gate);
      if (!row) return;
      const yv = y(row.perplexity);
      parts.push(
        `<rect x="${x0 + k * 18}" y="${yv}" width="16" height="${top + plotH - yv}" fill="${colours[k % colours.length]}"><title>${esc(g)} ${gate}: ${row.perplexity.toFixed(2)}</title></rect>`,
      );
    });
    const cx = x0 + (gates.length * 18) / 2;
    parts.push(
      `<text x="${cx}" y="${top + plotH + 14}" font-size="11" text-anchor="end" transform="rotate(-40 ${cx} ${top + plotH + 14})">${esc(g)}</text>`,
    );
  });
  const yd = y(r.densePerplexity);
  parts.push(
    `<line x1="${left}" x2="${W - 10}" y1="${yd}" y2="${yd}" stroke="#000" stroke-dasharray="6 4"/>`,
  );
  parts.push(
    `<text x="${W - 12}" y="${yd - 5}" font-size="12" text-anchor="end">dense ${r.densePerplexity.toFixed(2)}</text>`,
  );
  gates.forEach((gate, k) => {
    parts.push(
      `<rect x="${left + k * 130}" y="${H - 24}" width="14" height="14" fill="${colours[k % colours.length]}"/>`,
    );
    parts.push(`<text x="${left + k * 130 + 20}" y="${H - 12}" font-size="13">gate: ${gate}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}
