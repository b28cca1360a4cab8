/** What the `assay annotate`, `assay agreement` and `assay rejudge` commands do (definitions: cli.ts). */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { type AgreementReport, renderReport } from "../agreement/index.js";
import { printJson, table } from "../cli-kit/output.js";
import { listenProblem, untilInterrupted } from "../cli-kit/serve.js";
import { openStore } from "../cli-kit/store.js";
import { buildModel } from "../providers/build-model.js";
import type { RunRow, RunStore } from "../store/run-store.js";
// Registers the built-in tasks, whose annotation hooks say how their runs are annotated.
import "../tasks/index.js";
import { RatingsDb } from "../store/ratings.js";
import type { RefineHook } from "../tasks/annotation.js";
import { UserError } from "../util/errors.js";
import { interruptExitCode, withInterrupts } from "../util/interrupt.js";
import { runIdFragment } from "../util/run-id.js";
import { agreementHtml } from "./agreement-html.js";
import {
  disagreements,
  type JudgeRounding,
  parseScale,
  type RunAgreement,
  type RunAgreementOptions,
  runAgreement,
} from "./agreement-run.js";
import type {
  AddAnnotatorFlags,
  AgreementFlags,
  ImportFlags,
  ItemFlags,
  RejudgeFlags,
  ServeFlags,
} from "./cli.js";
import { formatHeadline } from "./headline.js";
import { annotationOf } from "./hook.js";
import { exportRatings, readRatingsFile } from "./io.js";
import { type ItemOptions, loadItems } from "./items.js";
import { createRejudgeRun, promptOption, rejudgeByRescoring } from "./rejudge-generic.js";
import { startAnnotateServer } from "./server.js";

function itemOptions(f: ItemFlags): ItemOptions {
  return {
    ...(f.scale ? { scale: parseScale(f.scale) } : {}),
    ...(f.scorer ? { scorer: f.scorer } : {}),
    ...(f.groupBy ? { groupBy: f.groupBy } : {}),
  };
}

async function withStore<T>(
  db: string | undefined,
  fn: (store: RunStore, ratings: RatingsDb) => T | Promise<T>,
): Promise<T> {
  const store = openStore(db);
  try {
    return await fn(store, new RatingsDb(store.sideSql()));
  } finally {
    store.close();
  }
}

export async function serveCommand(f: ServeFlags): Promise<void> {
  const store = openStore(f.db);
  const ratings = new RatingsDb(store.sideSql());
  const run = store.requireRun(f.run);
  const items = loadItems(store, run, itemOptions(f));
  let srv: Awaited<ReturnType<typeof startAnnotateServer>>;
  try {
    srv = await startAnnotateServer({
      ratings,
      run,
      items,
      port: f.port,
      host: f.host,
      onSave: (r) =>
        process.stderr.write(
          `saved ${r.itemId} by ${r.annotator}: ${r.score ?? "–"}${r.comment ? " +comment" : ""}\n`,
        ),
    });
  } catch (err) {
    store.close();
    throw listenProblem(err, f.port, f.host);
  }
  const annotators = ratings.listAnnotators().filter((a) => a.runId === null || a.runId === run.id);
  process.stdout.write(
    `annotating run ${run.id}: ${items.length} items, ${annotators.length} annotator(s) with a link\n` +
      `serving on ${srv.url}/a/<token>/  (links come from: assay annotate add-annotator NAME)\n` +
      (f.host !== "127.0.0.1" && f.host !== "localhost"
        ? "warning: listening beyond this machine over plain HTTP; tokens travel unencrypted, put it behind HTTPS\n"
        : "") +
      "Ctrl-C stops the server; every rating is already saved.\n",
  );
  await untilInterrupted();
  await srv.close();
  store.close();
}

export async function addAnnotatorCommand(name: string, f: AddAnnotatorFlags): Promise<void> {
  await withStore(f.db, (store, ratings) => {
    const runId = f.run ? store.requireRun(f.run).id : null;
    const token = f.rotate ? ratings.rotateToken(name) : ratings.addAnnotator(name, runId);
    const link = `${f.url.replace(/\/+$/, "")}/a/${token}/`;
    if (f.json) return printJson({ annotator: name, run: runId, token, link });
    process.stdout.write(
      `annotator ${name}${runId ? ` (run ${runId})` : ""}\npersonal link (shown once, keep it private):\n  ${link}\n`,
    );
  });
}

export async function annotatorsCommand(f: { db?: string; json?: boolean }): Promise<void> {
  await withStore(f.db, (_store, ratings) => {
    const list = ratings.listAnnotators();
    if (f.json) return printJson(list);
    process.stdout.write(
      `${table(
        ["annotator", "run", "created"],
        list.map((a) => [a.name, a.runId ?? "(all)", a.createdAt.slice(0, 19)]),
      )}\n`,
    );
  });
}

export async function exportCommand(f: {
  run: string;
  format: string;
  out?: string;
  db?: string;
}): Promise<void> {
  await withStore(f.db, (store, ratings) => {
    if (f.format !== "csv" && f.format !== "jsonl")
      throw new UserError(`--format must be csv or jsonl, got "${f.format}"`);
    const run = store.requireRun(f.run);
    const text = exportRatings(ratings.ratingsFor(run.id), f.format);
    if (f.out) writeFileSync(f.out, text);
    else process.stdout.write(text);
  });
}

export async function importCommand(file: string, f: ImportFlags): Promise<void> {
  await withStore(f.db, (store, ratings) => {
    const run = store.requireRun(f.run);
    const items = loadItems(store, run, itemOptions(f));
    const rows = readRatingsFile(file, items, f.format ? { format: f.format } : {});
    ratings.saveMany(run.id, rows);
    const annotators = [...new Set(rows.map((r) => r.annotator))].sort();
    if (f.json) return printJson({ run: run.id, imported: rows.length, annotators });
    process.stdout.write(
      `imported ${rows.length} rating(s) for run ${run.id} from ${annotators.length} annotator(s): ${annotators.join(", ")}\n`,
    );
  });
}

/** The task's refinement hook, or a UserError saying what to do instead. */
function refineOf(run: RunRow, what: string): RefineHook {
  const refine = annotationOf(run.task)?.refine;
  if (!refine)
    throw new UserError(
      `${what} needs a task that keeps its judge prompts and checklists as per-item files; run ${run.id} is "${run.task}", ` +
        `which has none. Edit a copy of its judge prompt folder and run: assay rejudge ${run.id} --prompts <folder>`,
    );
  return refine;
}

export async function snapshotCommand(f: { run: string; out: string; db?: string }): Promise<void> {
  await withStore(f.db, async (store) => {
    const run = store.requireRun(f.run);
    const refine = refineOf(run, "snapshot");
    if (existsSync(f.out) && readdirSync(f.out).length > 0)
      throw new UserError(`${f.out} exists and is not empty; pick a new version folder`);
    const r = await refine.snapshot(store, run, loadItems(store, run), f.out);
    process.stdout.write(
      `wrote ${f.out}: prompts/ and ${r.checklists} checklist file(s). Copy it to a new version, edit, then:\n` +
        `  diff -ru ${f.out} <new>   and   assay rejudge ${run.id} --prompts <new>\n`,
    );
  });
}

function agreementOptions(f: AgreementFlags): RunAgreementOptions {
  if (f.judgeRounding !== "nearest" && f.judgeRounding !== "floor")
    throw new UserError(`--judge-rounding must be nearest or floor, got "${f.judgeRounding}"`);
  return {
    ...itemOptions(f),
    ...(f.judgeRun ? { judgeRunId: f.judgeRun } : {}),
    judgeRounding: f.judgeRounding as JudgeRounding,
    rounds: f.rounds,
    seed: f.seed,
  };
}

function header(a: RunAgreement): string {
  const d = Object.entries(a.formVerdicts?.byAnnotator ?? {});
  return (
    `human ratings: run ${a.humanRun} · judge: run ${a.judgeRun}, scorer ${a.judgeScorer ?? "(none)"}` +
    (a.judgeOffScale ? ` · ${a.judgeOffScale} judge value(s) off the scale left out` : "") +
    (d.length
      ? `\n${a.formVerdicts?.title}: ${d.map(([name, c]) => `${name} ${c.usable}/${c.rated}`).join(", ")}`
      : "")
  );
}

export async function agreementCommand(f: AgreementFlags): Promise<void> {
  await withStore(f.db, (store, ratings) => {
    const a = runAgreement(store, ratings, f.run, agreementOptions(f));
    if (a.report.counts.withHumans === 0)
      throw new UserError(
        `run ${a.humanRun} has no human ratings yet (rate in: assay annotate --run ${a.humanRun}, or assay annotate import)`,
      );
    if (f.json)
      return printJson({
        ...(a.formVerdicts ? { [a.formVerdicts.key]: a.formVerdicts.byAnnotator } : {}),
        humanRun: a.humanRun,
        judgeRun: a.judgeRun,
        judgeScorer: a.judgeScorer,
        judgeOffScale: a.judgeOffScale,
        ...(a.headline ? { headline: a.headline } : {}),
        report: a.report,
      });
    if (f.html) {
      writeFileSync(f.html, agreementHtml(a, header(a)));
      process.stderr.write(`wrote ${f.html}\n`);
    }
    process.stdout.write(`${header(a)}\n${renderReport(a.report)}`);
    if (a.headline) process.stdout.write(`\n${formatHeadline(a.headline, a.headline.label)}`);
  });
}

export async function disagreementsCommand(f: AgreementFlags & { top: number }): Promise<void> {
  await withStore(f.db, (store, ratings) => {
    const a = runAgreement(store, ratings, f.run, { ...agreementOptions(f), rounds: 0 });
    const list = disagreements(a, f.top);
    if (f.json) return printJson({ humanRun: a.humanRun, judgeRun: a.judgeRun, items: list });
    process.stdout.write(`${header(a)}\n`);
    if (!list.length) return void process.stdout.write("no item has both a judge score and a human rating\n");
    const indent = (s: string) =>
      s
        .trim()
        .split("\n")
        .map((l) => `    ${l}`)
        .join("\n");
    for (const [k, d] of list.entries()) {
      process.stdout.write(
        `\n#${k + 1} ${d.itemId}${d.category ? ` [${d.category}]` : ""}  judge ${d.judge.value?.toFixed(2)}` +
          ` vs humans ${d.humanMean.toFixed(2)} (gap ${d.gap.toFixed(2)})\n` +
          `  question:\n${indent(d.question)}\n` +
          `  answer rated:\n${indent(d.answer || "(empty)")}\n` +
          (d.reference ? `  reference:\n${indent(d.reference)}\n` : "") +
          (d.checklist ? `  checklist:\n${indent(d.checklist)}\n` : "") +
          `  judge reasoning:\n${indent(d.judge.explanation || "(none stored)")}\n` +
          `  annotators:\n${d.humans
            .map(
              (h) =>
                `    ${h.annotator}: ${h.score ?? "–"}${Object.keys(h.dimensions).length ? ` ${JSON.stringify(h.dimensions)}` : ""}` +
                `${h.comment ? ` — ${h.comment.replace(/\s+/g, " ")}` : ""}`,
            )
            .join("\n")}\n`,
      );
    }
  });
}

/** The few headline numbers shown before/after a re-judge. */
function headline(r: AgreementReport): string[][] {
  const rows: string[][] = [];
  const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : v.toFixed(3));
  for (const view of ["scale", "binary"] as const) {
    const v = r.overall.views[view];
    for (const c of v.comparisons.filter(
      (c) => c.kind !== "annotator-annotator" && c.kind !== "judge-annotator",
    )) {
      rows.push([
        view,
        `${c.a} ~ ${c.b}`,
        String(c.n),
        fmt(c.stats.exact.value),
        fmt(c.stats.kappa.value),
        fmt(c.stats.quadraticKappa.value),
        fmt(c.stats.spearman.value),
      ]);
    }
  }
  return rows;
}

const HEADLINE = ["view", "comparison", "n", "exact", "κ", "quadratic κ", "spearman"];

/** Agreement of the original run's judge and of the re-judged run with the same human ratings. */
function beforeAfter(
  store: RunStore,
  ratings: RatingsDb,
  run: RunRow,
  newRunId: string,
  f: RejudgeFlags,
): { before: AgreementReport; after: AgreementReport } | undefined {
  if (!ratings.ratingsFor(run.id).some((r) => r.score !== null)) return undefined;
  const opts: RunAgreementOptions = { ...itemOptions(f), rounds: f.rounds };
  return {
    before: runAgreement(store, ratings, run.id, opts).report,
    after: runAgreement(store, ratings, run.id, { ...opts, judgeRunId: newRunId }).report,
  };
}

function printBeforeAfter(
  runId: string,
  newRunId: string,
  ba: { before: AgreementReport; after: AgreementReport },
) {
  process.stdout.write(`\nagreement before (judge run ${runId}):\n${table(HEADLINE, headline(ba.before))}\n`);
  process.stdout.write(
    `\nagreement after (judge run ${newRunId}):\n${table(HEADLINE, headline(ba.after))}\n`,
  );
}

function interruptedRejudge(runId: string): void {
  process.stderr.write(
    `interrupted: run ${runId} is unfinished. Run the same command again to finish it; ` +
      "the judge calls that finished are answered from the cache.\n",
  );
  process.exitCode = interruptExitCode();
}

function restartedRejudge(runId: string): void {
  process.stderr.write(
    `run ${runId} was unfinished: started it over (finished judge calls came from the cache)\n`,
  );
}

function judgeFor(store: RunStore, run: RunRow, f: RejudgeFlags, concurrency: number) {
  const judgeId = f.judge ?? run.manifest.judge?.id;
  if (!judgeId) throw new UserError("the run has no judge; pass --judge <provider/model>");
  const judgeUrl = f.judgeBaseUrl ?? (f.judge ? undefined : run.manifest.judge?.endpoint);
  return buildModel({ id: judgeId, concurrency, cache: store, ...(judgeUrl ? { baseUrl: judgeUrl } : {}) });
}

export async function rejudgeCommand(id: string, f: RejudgeFlags): Promise<void> {
  await withStore(f.db, async (store, ratings) => {
    const run = store.requireRun(id);
    const newRunId = f.runId ?? `${run.id}~${runIdFragment(basename(resolve(f.prompts)))}`;
    const refine = annotationOf(run.task)?.refine;
    if (!refine) return rejudgeByRescoringCommand(store, ratings, run, newRunId, f);
    const plan = await refine.plan(store, run, loadItems(store, run), f.prompts, f.from);
    if (f.dryRun || plan.changed.length === 0) {
      if (f.json) return printJson({ run: run.id, changedItems: plan.changed });
      process.stdout.write(
        plan.changed.length
          ? `${plan.changed.length} item(s) changed: ${plan.changed.join(", ")}\n`
          : `nothing changed between run ${run.id}'s judge prompts and ${f.prompts}; nothing to re-judge\n`,
      );
      return;
    }
    const judge = judgeFor(store, run, f, f.concurrency * refine.judgeCallsPerSample);
    const result = await withInterrupts(`re-judging into ${newRunId}`, (signal) =>
      plan.run({
        store,
        judge,
        newRunId,
        concurrency: f.concurrency,
        signal,
        createRun: (manifest) => createRejudgeRun(store, manifest),
      }),
    );
    if (result.interrupted) return interruptedRejudge(result.runId);
    if (result.restarted) restartedRejudge(result.runId);
    const ba = beforeAfter(store, ratings, run, result.runId, f);
    if (result.failed) process.exitCode = 1;
    if (f.json) return printJson({ ...result, before: ba?.before ?? null, after: ba?.after ?? null });
    process.stdout.write(
      `re-judged ${result.changedItems.length} changed item(s) in ${result.rejudgedSamples} sample(s) ` +
        `(${result.copiedSamples} copied unchanged${result.failed ? `, ${result.failed} failed` : ""}) → new run ${result.runId}\n`,
    );
    if (!ba) {
      process.stdout.write(`no human ratings on run ${run.id} yet: no before/after agreement\n`);
      return;
    }
    printBeforeAfter(run.id, result.runId, ba);
    process.stdout.write(`\nfull reports: assay agreement --run ${run.id} [--judge-run ${result.runId}]\n`);
  });
}

/** Any other judged task: re-score a copy of the run with the new prompt folder; the cache skips unchanged requests. */
async function rejudgeByRescoringCommand(
  store: RunStore,
  ratings: RatingsDb,
  run: RunRow,
  newRunId: string,
  f: RejudgeFlags,
): Promise<void> {
  if (f.dryRun)
    throw new UserError(
      `--dry-run lists the items a refinement version changes, which needs per-item version folders; task "${run.task}" ` +
        "re-judges by re-scoring, where unchanged requests come from the cache",
    );
  const option = promptOption(run.task);
  if (!option) {
    throw new UserError(
      `task "${run.task}" has no judge prompt option to replace; use assay rescore ${run.id}`,
    );
  }
  const judge = judgeFor(store, run, f, f.concurrency);
  const result = await withInterrupts(`re-judging into ${newRunId}`, (signal) =>
    rejudgeByRescoring({
      store,
      run,
      overrides: { [option]: f.prompts },
      judge,
      newRunId,
      concurrency: f.concurrency,
      signal,
    }),
  );
  if (result.interrupted) return interruptedRejudge(result.runId);
  if (result.restarted) restartedRejudge(result.runId);
  if (result.failed) process.exitCode = 1;
  const ba = beforeAfter(store, ratings, run, result.runId, f);
  if (f.json) return printJson({ ...result, before: ba?.before ?? null, after: ba?.after ?? null });
  process.stdout.write(
    `re-scored ${result.rescoredSamples} sample(s): ${result.judgeCalls} judge request(s) sent for changed prompts, ` +
      `${result.reused} unchanged request(s) answered from the cache → new run ${result.runId}\n`,
  );
  if (ba) printBeforeAfter(run.id, result.runId, ba);
}
