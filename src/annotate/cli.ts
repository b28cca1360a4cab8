/**
 * `assay annotate …` (the web app, annotators, ratings import/export, refinement snapshots),
 * `assay agreement …` (judge–human agreement and the disagreement list) and `assay rejudge`.
 */
import { writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { Command } from "commander";
import type { AgreementReport } from "../agreement/index.js";
import { intOption } from "../cli/commands/options.js";
import type { RunRow, RunStore } from "../store/run-store.js";
import { UserError } from "../util/errors.js";
import type { JudgeRounding, RunAgreement, RunAgreementOptions } from "./agreement-run.js";
import type { RatingsDb } from "./db.js";
import type { ItemOptions } from "./items.js";
import type { GenericRejudgeResult } from "./rejudge-generic.js";

interface CommonFlags {
  db?: string;
  scale?: string;
  scorer?: string;
  groupBy?: string;
}

async function itemOptions(f: CommonFlags): Promise<ItemOptions> {
  const { parseScale } = await import("./agreement-run.js");
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
  const { openStore } = await import("../cli/common.js");
  const { RatingsDb } = await import("./db.js");
  const store = openStore(db);
  try {
    return await fn(store, new RatingsDb(store.db));
  } finally {
    store.close();
  }
}

const itemFlags = (cmd: Command): Command =>
  cmd
    .option("--scale <scale>", "rating scale, a range (1-5) or a list (0,1,2)", "1-5")
    .option("--scorer <name>", "scorer holding the judge's score (default: the task's judge)")
    .option("--group-by <key>", "sample metadata key for the per-category breakdown (default: category)")
    .option("--db <path>", "run database");

export function registerAnnotateCommands(program: Command): void {
  const annotate = program
    .command("annotate")
    .description("expert annotation: a web app for rating answers, annotators, ratings import/export");

  itemFlags(
    annotate
      .command("serve", { isDefault: true })
      .description("serve the annotation web app for a run (the default: assay annotate --run ID)")
      .requiredOption("--run <id>", "run to annotate")
      .option("--port <n>", "port", intOption("--port", 0), 8080)
      .option("--host <host>", "address to listen on", "127.0.0.1"),
  ).action(async (f: CommonFlags & { run: string; port: number; host: string }) => {
    const { openStore } = await import("../cli/common.js");
    const { RatingsDb } = await import("./db.js");
    const { loadItems } = await import("./items.js");
    const { startAnnotateServer } = await import("./server.js");
    const store = openStore(f.db);
    const ratings = new RatingsDb(store.db);
    const run = store.requireRun(f.run);
    const items = loadItems(store, run, await itemOptions(f));
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
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE") throw new UserError(`port ${f.port} on ${f.host} is in use; pass --port N`);
      if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
        throw new UserError(`--host ${f.host}: not an address of this machine`);
      throw err;
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
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    await srv.close();
    store.close();
  });

  annotate
    .command("add-annotator")
    .description("create an annotator and print their personal link (shown once; only a hash is stored)")
    .argument("<name>", "annotator name (letters, digits, _ . @ -)")
    .option("--run <id>", "limit the link to one run (default: every run)")
    .option("--rotate", "issue a new link for an existing annotator (the old link stops working)")
    .option("--url <base>", "server address the link starts with", "http://127.0.0.1:8080")
    .option("--db <path>", "run database")
    .option("--json", "print JSON")
    .action(
      async (
        name: string,
        f: { run?: string; rotate?: boolean; url: string; db?: string; json?: boolean },
      ) => {
        const { printJson } = await import("../cli/common.js");
        await withStore(f.db, (store, ratings) => {
          const runId = f.run ? store.requireRun(f.run).id : null;
          const token = f.rotate ? ratings.rotateToken(name) : ratings.addAnnotator(name, runId);
          const link = `${f.url.replace(/\/+$/, "")}/a/${token}/`;
          if (f.json) return printJson({ annotator: name, run: runId, token, link });
          process.stdout.write(
            `annotator ${name}${runId ? ` (run ${runId})` : ""}\npersonal link (shown once, keep it private):\n  ${link}\n`,
          );
        });
      },
    );

  annotate
    .command("annotators")
    .description("list annotators (names only; tokens are not stored)")
    .option("--db <path>", "run database")
    .option("--json", "print JSON")
    .action(async (f: { db?: string; json?: boolean }) => {
      const { printJson, table } = await import("../cli/common.js");
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
    });

  annotate
    .command("export")
    .description("human ratings of a run as CSV or JSONL (item_id, annotator, score, dimensions, comment)")
    .requiredOption("--run <id>", "run")
    .option("--format <format>", "csv or jsonl", "csv")
    .option("--out <file>", "write to a file instead of stdout")
    .option("--db <path>", "run database")
    .action(async (f: { run: string; format: string; out?: string; db?: string }) => {
      const { exportRatings } = await import("./io.js");
      await withStore(f.db, (store, ratings) => {
        if (f.format !== "csv" && f.format !== "jsonl")
          throw new UserError(`--format must be csv or jsonl, got "${f.format}"`);
        const run = store.requireRun(f.run);
        const text = exportRatings(ratings.ratingsFor(run.id), f.format);
        if (f.out) writeFileSync(f.out, text);
        else process.stdout.write(text);
      });
    });

  itemFlags(
    annotate
      .command("import")
      .description(
        "import human ratings from CSV or JSONL; rows replace earlier ratings of the same item and annotator",
      )
      .argument("<file>", "ratings file (.csv or .jsonl)")
      .requiredOption("--run <id>", "run the ratings belong to")
      .option("--format <format>", "csv or jsonl (default: from the file name)")
      .option("--json", "print JSON"),
  ).action(async (file: string, f: CommonFlags & { run: string; format?: string; json?: boolean }) => {
    const { printJson } = await import("../cli/common.js");
    const { readRatingsFile } = await import("./io.js");
    const { loadItems } = await import("./items.js");
    await withStore(f.db, async (store, ratings) => {
      const run = store.requireRun(f.run);
      const items = loadItems(store, run, await itemOptions(f));
      const rows = readRatingsFile(file, items, f.format ? { format: f.format } : {});
      ratings.saveMany(run.id, rows);
      const annotators = [...new Set(rows.map((r) => r.annotator))].sort();
      if (f.json) return printJson({ run: run.id, imported: rows.length, annotators });
      process.stdout.write(
        `imported ${rows.length} rating(s) for run ${run.id} from ${annotators.length} annotator(s): ${annotators.join(", ")}\n`,
      );
    });
  });

  annotate
    .command("snapshot")
    .description(
      "write a refinement version folder (prompts/ and checklists/) from a judged run, to edit and diff",
    )
    .requiredOption("--run <id>", "judged run")
    .requiredOption("--out <dir>", "new version folder, e.g. refine/v1")
    .option("--db <path>", "run database")
    .action(async (f: { run: string; out: string; db?: string }) => {
      const { snapshot } = await import("./refine.js");
      await withStore(f.db, async (store) => {
        const run = store.requireRun(f.run);
        const r = await snapshot(store, run, f.out);
        process.stdout.write(
          `wrote ${f.out}: prompts/ and ${r.checklists} checklist file(s). Copy it to a new version, edit, then:\n` +
            `  diff -ru ${f.out} <new>   and   assay rejudge ${run.id} --prompts <new>\n`,
        );
      });
    });

  registerAgreementCommands(program);
  registerRejudgeCommand(program);
}

interface AgreementFlags extends CommonFlags {
  run: string;
  judgeRun?: string;
  judgeRounding: string;
  rounds: number;
  seed: number;
  json?: boolean;
}

async function agreementOptions(f: AgreementFlags): Promise<RunAgreementOptions> {
  if (f.judgeRounding !== "nearest" && f.judgeRounding !== "floor")
    throw new UserError(`--judge-rounding must be nearest or floor, got "${f.judgeRounding}"`);
  return {
    ...(await itemOptions(f)),
    ...(f.judgeRun ? { judgeRunId: f.judgeRun } : {}),
    judgeRounding: f.judgeRounding as JudgeRounding,
    rounds: f.rounds,
    seed: f.seed,
  };
}

const agreementFlags = (cmd: Command): Command =>
  itemFlags(
    cmd
      .requiredOption("--run <id>", "run whose human ratings are used")
      .option("--judge-run <id>", "run whose judge scores are compared (default: --run)")
      .option("--judge-rounding <rule>", "judge means to the scale: nearest (ties down) or floor", "nearest")
      .option("--rounds <n>", "bootstrap rounds (0: no intervals)", intOption("--rounds", 0), 1000)
      .option("--seed <n>", "bootstrap seed", intOption("--seed", 0), 0)
      .option("--json", "print JSON"),
  );

function header(a: RunAgreement): string {
  const d = Object.entries(a.appendixD);
  return (
    `human ratings: run ${a.humanRun} · judge: run ${a.judgeRun}, scorer ${a.judgeScorer ?? "(none)"}` +
    (a.judgeOffScale ? ` · ${a.judgeOffScale} judge value(s) off the scale left out` : "") +
    (d.length
      ? `\nMedical Text Generation, human usability by Appendix D (Safety veto, B–E mapped ≥ 5): ${d
          .map(([name, c]) => `${name} ${c.usable}/${c.rated}`)
          .join(", ")}`
      : "")
  );
}

function registerAgreementCommands(program: Command): void {
  const agreement = program
    .command("agreement")
    .description("judge–human agreement with bootstrap intervals, and the worst disagreements");

  agreementFlags(
    agreement.command("report", { isDefault: true }).description("the agreement report (the default)"),
  ).action(async (f: AgreementFlags) => {
    const { renderReport } = await import("../agreement/index.js");
    const { printJson } = await import("../cli/common.js");
    const { runAgreement } = await import("./agreement-run.js");
    await withStore(f.db, async (store, ratings) => {
      const a = runAgreement(store, ratings, f.run, await agreementOptions(f));
      if (a.report.counts.withHumans === 0)
        throw new UserError(
          `run ${a.humanRun} has no human ratings yet (rate in: assay annotate --run ${a.humanRun}, or assay annotate import)`,
        );
      if (f.json)
        return printJson({
          appendixD: a.appendixD,
          humanRun: a.humanRun,
          judgeRun: a.judgeRun,
          judgeScorer: a.judgeScorer,
          judgeOffScale: a.judgeOffScale,
          report: a.report,
        });
      process.stdout.write(`${header(a)}\n${renderReport(a.report)}`);
    });
  });

  agreementFlags(
    agreement
      .command("disagreements")
      .description(
        "items where judge and humans differ most: checklist, judge reasoning and comments side by side",
      )
      .option("--top <n>", "how many", intOption("--top", 1), 10),
  ).action(async (f: AgreementFlags & { top: number }) => {
    const { printJson } = await import("../cli/common.js");
    const { disagreements, runAgreement } = await import("./agreement-run.js");
    await withStore(f.db, async (store, ratings) => {
      const a = runAgreement(store, ratings, f.run, { ...(await agreementOptions(f)), rounds: 0 });
      const list = disagreements(a, f.top);
      if (f.json) return printJson({ humanRun: a.humanRun, judgeRun: a.judgeRun, items: list });
      process.stdout.write(`${header(a)}\n`);
      if (!list.length)
        return void process.stdout.write("no item has both a judge score and a human rating\n");
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

/** Any other judged task: re-score a copy of the run with the new prompt folder; the cache skips unchanged requests. */
async function rejudgeOtherTask(
  store: RunStore,
  ratings: RatingsDb,
  run: RunRow,
  f: CommonFlags & {
    prompts: string;
    judge?: string;
    judgeBaseUrl?: string;
    runId?: string;
    concurrency: number;
    rounds: number;
    json?: boolean;
  },
): Promise<void> {
  const { buildModel, printJson, table } = await import("../cli/common.js");
  // The run's task must be registered for its prompt option and its re-scoring.
  await import("../tasks/index.js");
  const { runAgreement } = await import("./agreement-run.js");
  const { promptOption, rejudgeByRescoring } = await import("./rejudge-generic.js");
  const option = promptOption(run.task);
  if (!option) {
    throw new UserError(
      `task "${run.task}" has no judge prompt option to replace; use assay rescore ${run.id}`,
    );
  }
  const judgeId = f.judge ?? run.manifest.judge?.id;
  if (!judgeId) throw new UserError("the run has no judge; pass --judge <provider/model>");
  const judgeUrl = f.judgeBaseUrl ?? (f.judge ? undefined : run.manifest.judge?.endpoint);
  const judge = buildModel({
    id: judgeId,
    concurrency: f.concurrency,
    cache: store,
    ...(judgeUrl ? { baseUrl: judgeUrl } : {}),
  });
  const controller = new AbortController();
  const onSig = () => controller.abort();
  process.once("SIGINT", onSig);
  let result: GenericRejudgeResult;
  try {
    result = await rejudgeByRescoring({
      store,
      run,
      overrides: { [option]: f.prompts },
      judge,
      newRunId: f.runId ?? `${run.id}~${basename(resolve(f.prompts))}`,
      concurrency: f.concurrency,
      signal: controller.signal,
    });
  } finally {
    process.off("SIGINT", onSig);
  }
  if (result.interrupted) return interruptedRejudge(result.runId);
  if (result.restarted) restartedRejudge(result.runId);
  if (result.failed) process.exitCode = 1;
  const opts: RunAgreementOptions = { ...(await itemOptions(f)), rounds: f.rounds };
  const hasHumans = ratings.ratingsFor(run.id).some((r) => r.score !== null);
  const before = hasHumans ? runAgreement(store, ratings, run.id, opts).report : undefined;
  const after = hasHumans
    ? runAgreement(store, ratings, run.id, { ...opts, judgeRunId: result.runId }).report
    : undefined;
  if (f.json) return printJson({ ...result, before: before ?? null, after: after ?? null });
  process.stdout.write(
    `re-scored ${result.rescoredSamples} sample(s): ${result.judgeCalls} judge request(s) sent for changed prompts, ` +
      `${result.reused} unchanged request(s) answered from the cache → new run ${result.runId}\n`,
  );
  if (before && after) {
    const head = ["view", "comparison", "n", "exact", "κ", "quadratic κ", "spearman"];
    process.stdout.write(`\nagreement before (judge run ${run.id}):\n${table(head, headline(before))}\n`);
    process.stdout.write(`\nagreement after (judge run ${result.runId}):\n${table(head, headline(after))}\n`);
  }
}

function interruptedRejudge(runId: string): void {
  process.stderr.write(
    `interrupted: run ${runId} is unfinished. Run the same command again to finish it; ` +
      "the judge calls that finished are answered from the cache.\n",
  );
  process.exitCode = 130;
}

function restartedRejudge(runId: string): void {
  process.stderr.write(
    `run ${runId} was unfinished: started it over (finished judge calls came from the cache)\n`,
  );
}

function registerRejudgeCommand(program: Command): void {
  itemFlags(
    program
      .command("rejudge")
      .description(
        "re-judge only the items whose checklist or judge prompt changed in a refinement version, into a new run",
      )
      .argument("<run-id>", "judged run")
      .requiredOption("--prompts <dir>", "refinement version folder (prompts/ and/or checklists/)")
      .option(
        "--from <dir>",
        "version folder holding the prompts the run was judged with (default: from its manifest)",
      )
      .option("--judge <provider/model>", "judge model (default: the run's judge)")
      .option("--judge-base-url <url>", "base URL for the judge")
      .option("--run-id <id>", "id of the new run (default: <run>~<version folder name>)")
      .option("--concurrency <n>", "samples judged at once", intOption("--concurrency", 1), 8)
      .option("--dry-run", "only list what changed")
      .option(
        "--rounds <n>",
        "bootstrap rounds for the before/after agreement",
        intOption("--rounds", 0),
        1000,
      )
      .option("--json", "print JSON"),
  ).action(
    async (
      id: string,
      f: CommonFlags & {
        prompts: string;
        from?: string;
        judge?: string;
        judgeBaseUrl?: string;
        runId?: string;
        concurrency: number;
        dryRun?: boolean;
        rounds: number;
        json?: boolean;
      },
    ) => {
      const { buildModel, printJson, table } = await import("../cli/common.js");
      const { TASK_NAME: LLMEVAL_MED_TASK } = await import("../llmeval-med/samples.js");
      const { runAgreement } = await import("./agreement-run.js");
      const { planRejudge, rejudge } = await import("./refine.js");
      await withStore(f.db, async (store, ratings) => {
        const run = store.requireRun(id);
        if (run.task !== LLMEVAL_MED_TASK) return rejudgeOtherTask(store, ratings, run, f);
        const plan = await planRejudge(store, run, f.prompts, f.from);
        if (f.dryRun || plan.changed.length === 0) {
          if (f.json) return printJson({ run: run.id, changedItems: plan.changed });
          process.stdout.write(
            plan.changed.length
              ? `${plan.changed.length} item(s) changed: ${plan.changed.join(", ")}\n`
              : `nothing changed between run ${run.id}'s judge prompts and ${f.prompts}; nothing to re-judge\n`,
          );
          return;
        }
        const judgeId = f.judge ?? run.manifest.judge?.id;
        if (!judgeId) throw new UserError("the run has no judge; pass --judge <provider/model>");
        const judgeUrl = f.judgeBaseUrl ?? (f.judge ? undefined : run.manifest.judge?.endpoint);
        const judge = buildModel({
          id: judgeId,
          concurrency: f.concurrency * 3,
          cache: store,
          ...(judgeUrl ? { baseUrl: judgeUrl } : {}),
        });
        const controller = new AbortController();
        const onSig = () => controller.abort();
        process.once("SIGINT", onSig);
        let result: Awaited<ReturnType<typeof rejudge>>;
        try {
          result = await rejudge({
            store,
            run,
            plan,
            versionDir: f.prompts,
            judge,
            ...(f.runId ? { newRunId: f.runId } : {}),
            concurrency: f.concurrency,
            signal: controller.signal,
          });
        } finally {
          process.off("SIGINT", onSig);
        }
        if (result.interrupted) return interruptedRejudge(result.runId);
        if (result.restarted) restartedRejudge(result.runId);
        const opts: RunAgreementOptions = { ...(await itemOptions(f)), rounds: f.rounds };
        const hasHumans = ratings.ratingsFor(run.id).some((r) => r.score !== null);
        const before = hasHumans ? runAgreement(store, ratings, run.id, opts).report : undefined;
        const after = hasHumans
          ? runAgreement(store, ratings, run.id, { ...opts, judgeRunId: result.runId }).report
          : undefined;
        if (result.failed) process.exitCode = 1;
        if (f.json) return printJson({ ...result, before: before ?? null, after: after ?? null });
        process.stdout.write(
          `re-judged ${result.changedItems.length} changed item(s) in ${result.rejudgedSamples} sample(s) ` +
            `(${result.copiedSamples} copied unchanged${result.failed ? `, ${result.failed} failed` : ""}) → new run ${result.runId}\n`,
        );
        if (!before || !after) {
          process.stdout.write(`no human ratings on run ${run.id} yet: no before/after agreement\n`);
          return;
        }
        const head = ["view", "comparison", "n", "exact", "κ", "quadratic κ", "spearman"];
        process.stdout.write(`\nagreement before (judge run ${run.id}):\n${table(head, headline(before))}\n`);
        process.stdout.write(
          `\nagreement after (judge run ${result.runId}):\n${table(head, headline(after))}\n`,
        );
        process.stdout.write(
          `\nfull reports: assay agreement --run ${run.id} [--judge-run ${result.runId}]\n`,
        );
      });
    },
  );
}
