/** What `assay runs|show|export|rescore|tasks` do; loaded when one of them runs (see show.ts). */
import { createWriteStream } from "node:fs";
import { formatMetric, printJson, table } from "../../cli-kit/output.js";
import { openStore } from "../../cli-kit/store.js";
import { rescoreRun } from "../../engine/rescore.js";
import { computeSummary, type RunSummary } from "../../engine/summary.js";
import { tableCost } from "../../providers/budget.js";
import { buildModel } from "../../providers/build-model.js";
import { formatUsd, PRICES_AS_OF } from "../../providers/prices.js";
import { scorersFromFlags } from "../../scorers/cli-args.js";
import type { RunRow } from "../../store/run-store.js";
import { createTask, listTasks } from "../../tasks/index.js";
import { UserError } from "../../util/errors.js";
import { interruptExitCode, withInterrupts } from "../../util/interrupt.js";
import { exportRun } from "../../view/export.js";
import type { ExportFlags, RescoreFlags, RunsFlags, ShowFlags } from "./show.js";
import { showSample } from "./show-sample.js";
import { argsFromStartFolder } from "./start-folder.js";

export function printSummary(run: RunRow, summary: RunSummary | undefined): void {
  const out: string[] = [];
  const m = run.manifest;
  out.push(`run ${run.id}  [${run.status}]`);
  out.push(
    `task ${m.task.name} v${m.task.version} · model ${m.model.id}${m.judge ? ` · judge ${m.judge.id}` : ""} · epochs ${m.epochs}${m.seed !== undefined ? ` · seed ${m.seed}` : ""}`,
  );
  if (!summary) {
    out.push("(no summary yet)");
    process.stdout.write(`${out.join("\n")}\n`);
    return;
  }
  const t = summary.tokens;
  out.push(
    `samples ${summary.samples} · errors ${summary.errors} · cached ${summary.cached} · tokens in ${t.input} out ${t.output}` +
      (t.judgeInput + t.judgeOutput ? ` · judge tokens in ${t.judgeInput} out ${t.judgeOutput}` : "") +
      (summary.meanLatencyMs !== null ? ` · mean latency ${summary.meanLatencyMs.toFixed(0)} ms` : ""),
  );
  for (const s of summary.scorers) {
    const names = Object.keys(s.metrics);
    out.push("");
    out.push(
      table(
        ["scorer", "n", ...names],
        [[s.scorer, String(s.n), ...names.map((k) => formatMetric(s.metrics[k]))]],
      ),
    );
    if (s.n === 0 && summary.samples > summary.errors)
      out.push(
        `${s.scorer}: no sample has a numeric score (each was invalid, undecided or missing): see assay show ${run.id} --sample <id>`,
      );
    for (const [key, groups] of Object.entries(s.groups)) {
      out.push("");
      out.push(
        table(
          [key, "n", ...names],
          Object.entries(groups).map(([g, set]) => [
            g,
            String(set.n),
            ...names.map((k) => formatMetric(set.metrics[k])),
          ]),
        ),
      );
    }
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

export function runsCommand(flags: RunsFlags): void {
  const store = openStore(flags.db);
  try {
    const runs = store.listRuns(flags.limit).map((r) => {
      const c = store.countSamples(r.id);
      const first = (r.summary as RunSummary | undefined)?.scorers[0];
      const headline = first ? (first.metrics.accuracy ?? first.metrics.mean) : undefined;
      return {
        id: r.id,
        status: r.status,
        task: r.task,
        model: r.model,
        judge: r.judge,
        created: r.createdAt,
        samples: c.total,
        errors: c.errors,
        headline: first ? { scorer: first.scorer, value: headline } : null,
        costUsd: tableCost(r)?.usd ?? null,
      };
    });
    if (flags.json) return void printJson(runs);
    if (!runs.length) return void process.stdout.write(`no runs in ${store.path}\n`);
    // A cost column only when some run has a price (local models have none).
    const costs = runs.some((r) => r.costUsd !== null);
    process.stdout.write(
      `${table(
        [
          "run",
          "status",
          "task",
          "model",
          "samples",
          "errors",
          "score",
          ...(costs ? ["cost"] : []),
          "created",
        ],
        runs.map((r) => [
          r.id,
          r.status,
          r.task,
          r.model,
          String(r.samples),
          String(r.errors),
          r.headline ? `${r.headline.scorer} ${formatMetric(r.headline.value)}` : "",
          ...(costs ? [r.costUsd === null ? "" : formatUsd(r.costUsd)] : []),
          r.created.slice(0, 19),
        ]),
      )}\n`,
    );
  } finally {
    store.close();
  }
}

export function showCommand(id: string, flags: ShowFlags): void {
  const store = openStore(flags.db);
  try {
    const run = store.requireRun(id);
    if (flags.sample !== undefined) return void showSample(store, run, flags.sample, flags.json === true);
    // A run still running (or whose process was killed) has no stored summary yet: its finished samples
    // are summarised now, and the text says so.
    const partial = run.summary === undefined && run.status === "running";
    const summary = partial ? computeSummary(store, run.manifest) : (run.summary as RunSummary | undefined);
    // The commonest error causes, so a run where every sample failed says why, not just how many.
    const topErrors = store.topErrors(run.id, 5);
    const cost = tableCost(run);
    if (flags.json)
      return void printJson({
        id: run.id,
        status: run.status,
        manifest: run.manifest,
        summary,
        ...(partial ? { partial: true } : {}),
        topErrors,
        ...(cost ? { cost: { usd: cost.usd, partial: cost.partial, pricesAsOf: PRICES_AS_OF } } : {}),
      });
    printSummary(run, summary);
    if (partial)
      process.stdout.write(
        `(the samples finished so far, without group breakdowns: the run is still running, or its process was killed; assay resume ${run.id} continues it)\n`,
      );
    if (cost)
      process.stdout.write(
        `cost ≈ ${formatUsd(cost.usd)} (price table of ${PRICES_AS_OF}${cost.partial ? "; unpriced models not counted" : ""})\n`,
      );
    if (topErrors.length) {
      process.stdout.write("commonest errors:\n");
      for (const e of topErrors) process.stdout.write(`  ${e.count} × ${e.error}\n`);
    }
  } finally {
    store.close();
  }
}

export async function exportCommand(id: string, flags: ExportFlags): Promise<void> {
  if (flags.format !== "jsonl" && flags.format !== "csv")
    throw new UserError(`--format must be jsonl or csv, got "${flags.format}"`);
  const store = openStore(flags.db);
  try {
    const run = store.requireRun(id);
    const out = flags.out ? createWriteStream(flags.out) : process.stdout;
    await exportRun(store, run, flags.format, (line) => out.write(line), { slim: flags.slim === true });
    if (flags.out)
      await new Promise<void>((res, rej) =>
        (out as ReturnType<typeof createWriteStream>).end((e?: Error | null) => (e ? rej(e) : res())),
      );
  } finally {
    store.close();
  }
}

export async function rescoreCommand(id: string, flags: RescoreFlags): Promise<void> {
  const store = openStore(flags.db);
  try {
    const run = store.requireRun(id);
    const { task } = await createTask(
      run.manifest.task.name,
      argsFromStartFolder(run.manifest.task.args, run.manifest.execution.cwd),
    );
    const scorers =
      flags.scorer || flags.scorerArg ? scorersFromFlags(flags.scorer ?? [], flags.scorerArg) : task.scorers;
    const judgeId = flags.judge ?? run.manifest.judge?.id;
    const judgeUrl = flags.judgeBaseUrl ?? (flags.judge ? undefined : run.manifest.judge?.endpoint);
    const judge = judgeId
      ? buildModel({
          id: judgeId,
          concurrency: flags.concurrency,
          cache: store,
          ...(judgeUrl ? { baseUrl: judgeUrl } : {}),
        })
      : undefined;
    if (!judge && scorers.some((s) => s.requiresJudge))
      throw new UserError("these scorers need a judge: pass --judge <provider/model>");
    const result = await withInterrupts("saving re-scored samples", (signal) =>
      rescoreRun({
        store,
        runId: run.id,
        task,
        scorers,
        ...(judge ? { judge } : {}),
        concurrency: flags.concurrency,
        signal,
      }),
    );
    if (flags.json) printJson({ runId: run.id, ...result });
    else printSummary(store.requireRun(run.id), result.summary);
    if (result.failed && !flags.json) {
      for (const e of store.topErrors(run.id, 3)) process.stderr.write(`  ${e.count} × ${e.error}\n`);
      process.stderr.write(`${result.failed} sample(s) failed in scoring: see  assay export ${run.id}\n`);
    }
    if (result.interrupted)
      process.stderr.write("rescore interrupted: run the same rescore again to finish the rest\n");
    process.exitCode = result.interrupted ? interruptExitCode() : result.failed ? 1 : 0;
  } finally {
    store.close();
  }
}

export function tasksCommand(flags: { json?: boolean }): void {
  const tasks = listTasks().map((t) => ({
    name: t.name,
    description: t.description,
    options: t.options,
  }));
  if (flags.json) return void printJson(tasks);
  for (const t of tasks) {
    process.stdout.write(`${t.name}  ${t.description}\n`);
    for (const o of t.options) {
      const flag = o.name === "dataset" ? "--dataset" : `-T ${o.name}=`;
      process.stdout.write(`    ${flag.padEnd(22)} ${o.description}${o.required ? " (required)" : ""}\n`);
    }
  }
}
