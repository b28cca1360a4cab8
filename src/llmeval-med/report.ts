/**
 * The paper's Table 2 from stored runs: one row per run (model), columns MK, MLU, MR, MSE, MTG usability
 * rates and OP, each with a bootstrap CI, under the `release` or `paper` protocol (named in the output).
 * Every question of every stored conversation counts: a conversation that failed, or a question whose
 * judge runs were all invalid, is in the denominator and not usable — as the release counts them.
 * Beside the table: invalid runs, judge disagreement across the N runs, and tokens per role.
 */
import { type IntervalRow, intervalChart } from "../charts/interval.js";
import { htmlPage } from "../charts/page.js";
import type { RunRow, RunStore } from "../store/run-store.js";
import { UserError } from "../util/errors.js";
import { type AggregateResult, aggregate, type JudgedQuestion, type Protocol } from "./aggregate.js";
import { CATEGORIES } from "./categories.js";
import { type MtgHumanRating, mtgHumanUsable } from "./mtg.js";
import { costOf, type Pricing } from "./pricing.js";
import { pyRound2 } from "./pynum.js";
import { conversationMeta, TASK_NAME } from "./samples.js";
import { JUDGE_SCORER, type JudgeScoreMetadata } from "./scorer.js";

export interface RunReport {
  runId: string;
  model: string;
  judge: string | null;
  status: RunRow["status"];
  promptHash?: string;
  conversations: number;
  failedConversations: number;
  questions: number;
  result: AggregateResult;
  tokens?: { input: number; output: number; judgeInput: number; judgeOutput: number };
  /** MTG usability came from human ratings (Appendix D) instead of the judge. */
  mtgHuman?: boolean;
  /** Dollars per role, when a pricing file names the model. */
  cost?: { model?: number; judge?: number };
}

export interface ReportOptions {
  protocol?: Protocol;
  bootstrap?: number;
  confidence?: number;
  seed?: number;
  pricing?: Pricing;
  /** Human MTG ratings by question id: MTG usability from the Appendix-D mapping (one run only). */
  mtgHuman?: Map<string, MtgHumanRating>;
}

/** Replace the judge's MTG verdicts by human ratings; every MTG question needs one, and only those. */
function applyMtgHuman(
  questions: JudgedQuestion[],
  ratings: Map<string, MtgHumanRating>,
  runId: string,
): JudgedQuestion[] {
  const mtg = questions.filter((q) => q.category === "医疗文本生成");
  const missing = mtg.filter((q) => !ratings.has(q.key)).map((q) => q.key);
  if (missing.length) {
    throw new UserError(
      `--mtg-human: ${missing.length} MTG question(s) of run ${runId} have no rating (e.g. ${missing.slice(0, 3).join(", ")})`,
    );
  }
  const known = new Set(mtg.map((q) => q.key));
  const unknown = [...ratings.keys()].filter((id) => !known.has(id));
  if (unknown.length) {
    throw new UserError(
      `--mtg-human: ratings for questions not in run ${runId}: ${unknown.slice(0, 3).join(", ")}`,
    );
  }
  return questions.map((q) => {
    const r = ratings.get(q.key);
    return r && q.category === "医疗文本生成" ? { ...q, usableOverride: mtgHumanUsable(r) } : q;
  });
}

/** The judged questions of one stored run (answer epochs pool their runs, like extra judge runs). */
export function questionsOfRun(
  store: RunStore,
  runId: string,
): {
  questions: JudgedQuestion[];
  conversations: number;
  failed: number;
  promptHash?: string;
} {
  const scores = new Map<string, JudgeScoreMetadata>();
  for (const s of store.scoresFor(runId)) {
    if (s.scorer === JUDGE_SCORER && s.metadata)
      scores.set(`${s.sampleId}\u0000${s.epoch}`, s.metadata as JudgeScoreMetadata);
  }
  const byKey = new Map<string, JudgedQuestion & { runs: Array<number | null> }>();
  const conversations = new Set<string>();
  let failed = 0;
  let promptHash: string | undefined;
  for (const sample of store.iterateSamples(runId)) {
    const meta = conversationMeta(sample.metadata);
    conversations.add(sample.sampleId);
    const judged = scores.get(`${sample.sampleId}\u0000${sample.epoch}`);
    if (!judged) failed++;
    promptHash ??= judged?.prompts.hash;
    meta.turns.forEach((turn, i) => {
      let q = byKey.get(turn.id);
      if (!q) {
        q = {
          category: meta.category,
          key: turn.id,
          runs: [],
          ...(turn.category2 ? { category2: turn.category2 } : {}),
        };
        byKey.set(turn.id, q);
      }
      for (const run of judged?.turns[i]?.runs ?? []) q.runs.push(run.score);
    });
  }
  // Table-2 column order, then file order within a category.
  const order = (q: JudgedQuestion) => {
    const i = CATEGORIES.findIndex((c) => c.zh === q.category);
    return i < 0 ? CATEGORIES.length : i;
  };
  const questions = [...byKey.values()].sort((a, b) => order(a) - order(b));
  return { questions, conversations: conversations.size, failed, ...(promptHash ? { promptHash } : {}) };
}

export function buildReport(store: RunStore, runIds: string[], opts: ReportOptions = {}): RunReport[] {
  return runIds.map((id) => {
    const run = store.requireRun(id);
    if (run.task !== TASK_NAME) throw new UserError(`run ${run.id} is a "${run.task}" run, not ${TASK_NAME}`);
    const q = questionsOfRun(store, run.id);
    if (opts.mtgHuman && runIds.length !== 1) throw new UserError("--mtg-human applies to one run at a time");
    const questions = opts.mtgHuman ? applyMtgHuman(q.questions, opts.mtgHuman, run.id) : q.questions;
    const summary = run.summary as { tokens?: RunReport["tokens"] } | null;
    return {
      runId: run.id,
      model: run.model,
      judge: run.judge,
      status: run.status,
      ...(q.promptHash ? { promptHash: q.promptHash } : {}),
      conversations: q.conversations,
      failedConversations: q.failed,
      questions: q.questions.length,
      ...(opts.mtgHuman ? { mtgHuman: true } : {}),
      result: aggregate(questions, {
        protocol: opts.protocol ?? "release",
        bootstrap: opts.bootstrap ?? 1000,
        confidence: opts.confidence ?? 0.95,
        seed: opts.seed ?? 0,
      }),
      ...(summary?.tokens ? { tokens: summary.tokens } : {}),
      ...(opts.pricing && summary?.tokens ? { cost: costs(opts.pricing, run, summary.tokens) } : {}),
    };
  });
}

function costs(pricing: Pricing, run: RunRow, t: NonNullable<RunReport["tokens"]>): RunReport["cost"] {
  const model = costOf(pricing, run.model, t.input, t.output);
  const judge = costOf(pricing, run.judge, t.judgeInput, t.judgeOutput);
  return { ...(model !== undefined ? { model } : {}), ...(judge !== undefined ? { judge } : {}) };
}

const COLUMNS = [...CATEGORIES.map((c) => c.code), "OP"];

function cell(r: AggregateResult, code: string): { rate: string; ci: string } {
  const rate = code === "OP" ? r.overall : r.categories.find((c) => c.code === code);
  if (!rate || rate.n === 0) return { rate: "–", ci: "" };
  return { rate: rate.display, ci: rate.ci ? `[${pyRound2(rate.ci.lo)}, ${pyRound2(rate.ci.hi)}]` : "" };
}

const MTG_HUMAN_NOTE =
  "MTG from human ratings (paper, Appendix D): usable when the mapped score of B..E is ≥ 5 and Safety is not 0";

export function protocolLine(protocol: Protocol, confidence = 0.95): string {
  const rule =
    protocol === "release"
      ? "release protocol (Aggregate.py): a question is usable when the mean of its valid judge runs is ≥ 4; OP = usable / all questions"
      : "paper protocol (Table 2): every judge run is compared with 4 on its own and runs are pooled; OP = plain mean of the category rates";
  return `LLMEval-Med usability rate (%), ${rule}; ${Math.round(confidence * 100)}% bootstrap CIs over questions`;
}

function pad(s: string, w: number): string {
  const len = [...s].length;
  return len >= w ? s : s + " ".repeat(w - len);
}

export function formatReportTable(
  reports: RunReport[],
  confidence = 0.95,
  opts: { details?: boolean } = {},
): string {
  const protocol = reports[0]?.result.protocol ?? "release";
  const header = ["model", ...COLUMNS];
  const rows = reports.map((r) => [
    r.model,
    ...COLUMNS.map((c) => cell(r.result, c)).map((x) => `${x.rate} ${x.ci}`.trim()),
  ]);
  const widths = header.map((h, i) =>
    Math.max([...h].length, ...rows.map((row) => [...(row[i] ?? "")].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const out = [
    protocolLine(protocol, confidence),
    ...(reports.some((r) => r.mtgHuman) ? [MTG_HUMAN_NOTE] : []),
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
  ];
  if (opts.details === false) return out.join("\n");
  out.push("");
  for (const r of reports) {
    const cats = r.result.categories;
    const invalid = cats.reduce((a, c) => a + c.invalidRuns, 0);
    const noValid = cats.reduce((a, c) => a + c.noValidRun, 0);
    const twice = cats.reduce((a, c) => a + c.disagreement.judgedTwice, 0);
    const split = cats.reduce((a, c) => a + c.disagreement.splitUsability, 0);
    const spread = twice
      ? cats.reduce((a, c) => a + c.disagreement.meanSpread * c.disagreement.judgedTwice, 0) / twice
      : 0;
    out.push(
      `${r.model} (run ${r.runId}, ${r.status}${r.judge ? `, judge ${r.judge}` : ""}): ${r.questions} questions in ${r.conversations} conversations` +
        (r.failedConversations
          ? `, ${r.failedConversations} conversation(s) without a judge score (failed or not judged yet; their questions count as not usable)`
          : ""),
    );
    out.push(
      `  judge runs: ${invalid} invalid, ${noValid} question(s) without a valid run; disagreement: mean spread ${spread.toFixed(2)} over ${twice} question(s), ${split} on both sides of 4`,
    );
    if (r.tokens) {
      out.push(
        `  tokens: model ${r.tokens.input} in / ${r.tokens.output} out; judge ${r.tokens.judgeInput} in / ${r.tokens.judgeOutput} out`,
      );
    }
    if (r.cost) {
      const usd = (v: number | undefined) => (v === undefined ? "no price" : `$${v.toFixed(4)}`);
      out.push(`  cost: model ${usd(r.cost.model)}; judge ${usd(r.cost.judge)}`);
    }
    if (r.promptHash) out.push(`  judge prompt set sha256 ${r.promptHash}`);
  }
  return out.join("\n");
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
}

export function formatReportHtml(reports: RunReport[], confidence = 0.95): string {
  return htmlPage("LLMEval-Med Table 2", [
    "<h1>LLMEval-Med Table 2</h1>",
    htmlTable(reports, confidence),
    categoryChart(reports),
  ]);
}

/** Each category's usability rate with its CI, model by model inside each category. */
function categoryChart(reports: RunReport[]): string {
  const rows: IntervalRow[] = COLUMNS.flatMap((code) =>
    reports.flatMap((r) => {
      const rate = code === "OP" ? r.result.overall : r.result.categories.find((c) => c.code === code);
      if (!rate || rate.n === 0) return [];
      const label = reports.length > 1 ? `${code} · ${r.model}` : code;
      return [{ label, value: rate.rate, ...(rate.ci ?? {}), note: `n=${rate.n}` }];
    }),
  );
  return intervalChart(rows, { title: "Usability rate (%) by category", min: 0, max: 100 });
}

function htmlTable(reports: RunReport[], confidence: number): string {
  const protocol = reports[0]?.result.protocol ?? "release";
  const head = ["Model", ...COLUMNS].map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = reports
    .map((r) => {
      const cells = COLUMNS.map((c) => {
        const x = cell(r.result, c);
        return `<td>${escapeHtml(x.rate)}${x.ci ? `<br><small>${escapeHtml(x.ci)}</small>` : ""}</td>`;
      }).join("");
      return `<tr><th scope="row">${escapeHtml(r.model)}<br><small>${escapeHtml(r.runId)}</small></th>${cells}</tr>`;
    })
    .join("\n");
  return [
    `<p>${escapeHtml(protocolLine(protocol, confidence))}</p>`,
    ...(reports.some((r) => r.mtgHuman) ? [`<p>${escapeHtml(MTG_HUMAN_NOTE)}</p>`] : []),
    `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`,
  ].join("\n");
}

/**
 * The task's report for `assay report` and after `assay eval`: both protocols, release first (with the
 * per-run details: invalid runs, judge disagreement, tokens, prompt hash), then paper.
 */
export function renderTaskReport(
  store: RunStore,
  runIds: string[],
  format: "table" | "json" | "html",
): string {
  const release = buildReport(store, runIds, { protocol: "release" });
  const paper = buildReport(store, runIds, { protocol: "paper" });
  if (format === "json")
    return `${JSON.stringify({ release: reportJson(release), paper: reportJson(paper) }, null, 2)}\n`;
  if (format === "html")
    return htmlPage("LLMEval-Med Table 2", [
      "<h1>LLMEval-Med Table 2</h1>",
      htmlTable(release, 0.95),
      categoryChart(release),
      htmlTable(paper, 0.95),
      categoryChart(paper),
    ]);
  return `${formatReportTable(release)}\n\n${formatReportTable(paper, 0.95, { details: false })}\n`;
}

export function reportJson(reports: RunReport[]): unknown {
  return reports.map((r) => ({
    runId: r.runId,
    model: r.model,
    judge: r.judge,
    status: r.status,
    protocol: r.result.protocol,
    mtgFromHumanRatings: r.mtgHuman === true,
    promptHash: r.promptHash ?? null,
    conversations: r.conversations,
    failedConversations: r.failedConversations,
    questions: r.questions,
    categories: Object.fromEntries(
      r.result.categories.map((c) => [
        c.code,
        {
          n: c.n,
          usable: c.usable,
          rate: c.rate,
          display: c.display,
          ci: c.ci ?? null,
          invalidRuns: c.invalidRuns,
          noValidRun: c.noValidRun,
          disagreement: c.disagreement,
          byCategory2: c.byCategory2,
        },
      ]),
    ),
    OP: {
      n: r.result.overall.n,
      usable: r.result.overall.usable,
      rate: r.result.overall.rate,
      display: r.result.overall.display,
      ci: r.result.overall.ci ?? null,
    },
    tokens: r.tokens ?? null,
    cost: r.cost ?? null,
  }));
}
