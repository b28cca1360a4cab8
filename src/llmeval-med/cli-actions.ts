import { readFile, writeFile } from "node:fs/promises";
import { printJson } from "../cli-kit/output.js";
import { openStore } from "../cli-kit/store.js";
import { UserError } from "../util/errors.js";
import type { Protocol } from "./aggregate.js";
import type { MtgHumanRating } from "./mtg.js";
import type { Pricing } from "./pricing.js";

export async function aggregateAction(
  files: string[],
  opts: Record<string, string | boolean | undefined>,
): Promise<void> {
  const { aggregateFiles, formatSummary, MTG_NOTE, summaryJson } = await import("./aggregate-cli.js");
  const str = (k: string) => (typeof opts[k] === "string" ? (opts[k] as string) : undefined);
  const result = await aggregateFiles(files, {
    threshold: str("threshold"),
    protocol: str("protocol"),
    bootstrap: str("bootstrap"),
    seed: str("seed"),
  });
  if (opts.json) {
    printJson(summaryJson(result));
    return;
  }
  if (result.categories.some((c) => c.code === "MTG")) process.stderr.write(`${MTG_NOTE}\n`);
  process.stdout.write(`${formatSummary(result, { byCategory2: opts.byCategory2 === true })}\n`);
}

export async function importAnswersAction(
  file: string,
  opts: {
    model: string;
    runId?: string;
    judgePrompts?: string;
    judgeLang?: string;
    db?: string;
    json?: boolean;
  },
): Promise<void> {
  const { importAnswers } = await import("./import-answers.js");
  const store = openStore(opts.db);
  try {
    const r = await importAnswers(store, file, {
      model: opts.model,
      ...(opts.runId ? { runId: opts.runId } : {}),
      ...(opts.judgePrompts ? { judgePrompts: opts.judgePrompts } : {}),
      ...(opts.judgeLang ? { judgeLang: opts.judgeLang } : {}),
    });
    if (opts.json) {
      printJson(r);
      return;
    }
    process.stdout.write(
      `imported ${r.questions} answers in ${r.conversations} conversations as run ${r.runId}\n` +
        `judge it with:  assay rescore ${r.runId} --judge <provider/model> [--judge-base-url URL]\n` +
        `then:           assay llmeval-med report ${r.runId}\n`,
    );
  } finally {
    store.close();
  }
}

export async function reportAction(
  runIds: string[],
  opts: {
    pricing?: string;
    mtgHuman?: string;
    format: string;
    json?: boolean;
    protocol: string;
    bootstrap: string;
    seed: string;
    out?: string;
    db?: string;
  },
): Promise<void> {
  const { parseMtgRatings } = await import("./mtg.js");
  const { parsePricing } = await import("./pricing.js");
  const { buildReport, formatReportHtml, formatReportTable, reportJson } = await import("./report.js");
  const format = opts.json ? "json" : opts.format;
  if (!["table", "json", "html"].includes(format))
    throw new UserError(`--format: expected table, json or html, got "${format}"`);
  if (opts.protocol !== "release" && opts.protocol !== "paper") {
    throw new UserError(`--protocol: expected release or paper, got "${opts.protocol}"`);
  }
  const bootstrap = Number(opts.bootstrap);
  if (!Number.isInteger(bootstrap) || bootstrap < 0)
    throw new UserError(`--bootstrap: expected a whole number ≥ 0, got "${opts.bootstrap}"`);
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed)) throw new UserError(`--seed: expected a whole number, got "${opts.seed}"`);
  let mtgHuman: Map<string, MtgHumanRating> | undefined;
  if (opts.mtgHuman) {
    let ratingsText: string;
    try {
      ratingsText = await readFile(opts.mtgHuman, "utf8");
    } catch (err) {
      throw new UserError(`--mtg-human ${opts.mtgHuman}: ${(err as Error).message}`);
    }
    mtgHuman = parseMtgRatings(ratingsText, opts.mtgHuman);
  }
  let pricing: Pricing | undefined;
  if (opts.pricing) {
    try {
      pricing = parsePricing(await readFile(opts.pricing, "utf8"), opts.pricing);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`--pricing ${opts.pricing}: ${(err as Error).message}`);
    }
  }
  const store = openStore(opts.db);
  let text: string;
  try {
    const reports = buildReport(store, runIds, {
      ...(pricing ? { pricing } : {}),
      protocol: opts.protocol as Protocol,
      bootstrap,
      seed,
      ...(mtgHuman ? { mtgHuman } : {}),
    });
    text =
      format === "json"
        ? `${JSON.stringify(reportJson(reports), null, 2)}\n`
        : format === "html"
          ? formatReportHtml(reports)
          : `${formatReportTable(reports)}\n`;
  } finally {
    store.close();
  }
  if (opts.out) await writeFile(opts.out, text);
  else process.stdout.write(text);
}

export async function exportScoredAction(
  runId: string,
  opts: { outDir: string; db?: string },
): Promise<void> {
  const { exportScored } = await import("./export-scored.js");
  const store = openStore(opts.db);
  try {
    const paths = await exportScored(store, runId, opts.outDir);
    process.stdout.write(`${paths.join("\n")}\n`);
  } finally {
    store.close();
  }
}

export async function datasetAction(opts: { dataset?: string; json?: boolean }): Promise<void> {
  const { describeMissing, loadDatasetFile } = await import("./dataset.js");
  const { resolveDataset } = await import("./download.js");
  const resolved = await resolveDataset(opts.dataset);
  const ds = await loadDatasetFile(resolved.path);
  const multi = ds.conversations.filter((c) => c.turns.length > 1).length;
  const summary = {
    source: resolved.origin,
    path: resolved.path,
    sha256: resolved.sha256,
    questions: ds.items.length,
    conversations: ds.conversations.length,
    multiTurnConversations: multi,
    perCategory: Object.fromEntries(
      [...new Set(ds.items.map((i) => i.info.code))].map((code) => [
        code,
        ds.items.filter((i) => i.info.code === code).length,
      ]),
    ),
    missing: ds.missing,
  };
  if (opts.json) {
    printJson(summary);
    return;
  }
  process.stdout.write(
    [
      `${summary.source} (sha256 ${summary.sha256.slice(0, 12)}…)`,
      `${summary.questions} questions in ${summary.conversations} conversations (${multi} multi-turn)`,
      `per category: ${Object.entries(summary.perCategory)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
      `missing values (NaN, null or absent; treated as missing): ${describeMissing(ds)}`,
      "",
    ].join("\n"),
  );
}
