/** What `assay gameqa …` do; loaded when a command runs (see cli.ts). */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseIntIn } from "../cli-kit/options.js";
import { printJson } from "../cli-kit/output.js";
import { UserError } from "../util/errors.js";
import { withInterrupts } from "../util/interrupt.js";
import type { ExportFormat } from "./export.js";
import type { StagedRun } from "./staging.js";
import { LEVELS, type Level } from "./types.js";

function parseLevels(spec: string): Level[] {
  return spec.split(",").map((s) => {
    const t = s.trim().toLowerCase();
    const level = LEVELS.find((l) => l.toLowerCase() === t);
    if (!level) throw new UserError(`--plot-levels: "${s}" is not one of easy, medium, hard`);
    return level;
  });
}

/** The published example folder of a game: the argument itself, or its single *_example subfolder. */
function exampleDir(dir: string): string {
  if (existsSync(join(dir, "data.json")) || existsSync(join(dir, "data.jsonl"))) return dir;
  if (!existsSync(dir)) throw new UserError(`--examples: ${dir} does not exist`);
  const sub = readdirSync(dir, { withFileTypes: true }).filter(
    (e) => e.isDirectory() && existsSync(join(dir, e.name, "data.json")),
  );
  if (sub.length === 1 && sub[0]) return join(dir, sub[0].name);
  throw new UserError(`--examples: ${dir} holds no data.json`);
}

export async function listAction(opts: { json?: boolean }): Promise<void> {
  const { gameLoadErrors, listGames, loadGames } = await import("./registry.js");
  const { catalog } = await import("./catalog.js");
  await loadGames();
  const games = catalog(listGames());
  if (opts.json) {
    printJson(games);
    return;
  }
  for (const g of games) {
    const domain = g.in_domain ? "in-domain" : "out-of-domain";
    process.stdout.write(`${g.name} (${g.title}) — ${g.category}, ${domain}\n`);
    for (const t of g.tasks)
      process.stdout.write(
        `  ${t.id} ${t.name}: ${t.qa_type}, ${t.qa_level}, ${t.kind} (${t.answer_forms.join(" | ")})\n`,
      );
  }
  const tasks = games.reduce((n, g) => n + g.tasks.length, 0);
  process.stdout.write(`${games.length} games, ${tasks} tasks\n`);
  for (const e of gameLoadErrors())
    process.stderr.write(`warning: game ${e.game} failed to load: ${e.error}\n`);
}

export async function generateAction(opts: Record<string, string | boolean | undefined>): Promise<void> {
  const { generateDataset } = await import("./generate.js");
  const { loadGames, resolveGames } = await import("./registry.js");
  const spec = String(opts.games);
  // Only the games asked for (all of them for "all" or a name that is not a folder's).
  await loadGames(spec.trim() === "all" ? undefined : spec.split(",").map((s) => s.trim()));
  const format = String(opts.format);
  if (format !== "json" && format !== "jsonl" && format !== "auto")
    throw new UserError(`--format: expected json, jsonl or auto, got "${format}"`);
  const out = resolve(String(opts.out));
  const resume = opts.resume === true;
  const staging = await import("./staging.js");
  const stopped = staging.interruptedRuns(out).filter((r) => r.journal);
  if (!resume) noteStoppedRun(stopped[0]);
  else if (stopped.length === 0)
    process.stderr.write(`note: ${out} holds no stopped run to resume; starting from the beginning\n`);
  const run = withInterrupts("keeping the finished boards for --resume", (signal) =>
    generateDataset({
      games: resolveGames(spec).map((g) => g.name),
      perTask: parseIntIn("--per-task", String(opts.perTask), 1),
      plotLevels: parseLevels(String(opts.plotLevels)),
      seed: String(opts.seed),
      outDir: out,
      workers: parseIntIn("--workers", String(opts.workers), 1),
      format,
      shareBoards: opts.shareBoards !== false,
      ...(typeof opts.tasks === "string" ? { tasks: opts.tasks.split(",").map((s) => s.trim()) } : {}),
      signal,
      resume,
    }),
  );
  const result = await run.catch((err: unknown) => {
    // A failure (not an interruption, whose message says it) after finished boards were recorded.
    const kept = staging.interruptedRuns(out).find((r) => r.pid === process.pid);
    if (kept?.journal && !(err instanceof UserError && err.exitCode >= 128))
      process.stderr.write(
        `note: ${kept.journal.mark.samples} finished samples are kept in ${kept.dir}; once the cause is fixed, the same command with --resume continues\n`,
      );
    throw err;
  });
  if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const made = result.samples - result.resumedSamples;
    const rate = result.seconds > 0 ? (made / result.seconds).toFixed(1) : "∞";
    const { describeCounts } = await import("./skips.js");
    const notes = [
      describeCounts("samples not made", result.dropped),
      describeCounts("states skipped", result.skipped),
    ].filter(Boolean);
    if (result.resumedSamples > 0) notes.unshift(`${result.resumedSamples} of them from the stopped run`);
    process.stdout.write(
      `wrote ${result.samples} samples (${result.images} images) to ${result.dataFile} in ${result.seconds.toFixed(1)} s (${rate} samples/s)${notes.length ? `; ${notes.join("; ")}` : ""}\n`,
    );
  }
}

/** A run started without --resume where a stopped one could be continued: say so before starting over. */
function noteStoppedRun(stopped: StagedRun | undefined): void {
  if (!stopped?.journal || !stopped.manifest) return;
  process.stderr.write(
    `note: ${stopped.dir} holds a stopped run (${stopped.journal.mark.samples} of ${stopped.manifest.samples} samples done); this run starts over and removes it when it finishes; add --resume to continue it instead\n`,
  );
}

export async function conformAction(opts: { game: string; examples: string; json?: boolean }): Promise<void> {
  const { conformGame } = await import("./conform.js");
  const { getGame, loadGames } = await import("./registry.js");
  await loadGames([opts.game]);
  const report = conformGame(getGame(opts.game), exampleDir(resolve(opts.examples)));
  if (opts.json) printJson(report);
  else {
    const pct = report.total ? ((100 * report.matched) / report.total).toFixed(1) : "0";
    process.stdout.write(`${report.game}: ${report.matched}/${report.total} matched (${pct}%)\n`);
    for (const m of report.mismatches) {
      process.stdout.write(
        `  ${m.data_id} (q${m.question_id}): expected ${m.expected}, got ${m.got ?? "-"}${m.reason ? ` — ${m.reason}` : ""}\n`,
      );
    }
  }
  if (report.mismatches.length > 0) process.exitCode = 1;
}

export async function exportAction(opts: {
  data: string;
  format: string;
  out: string;
  absolutePaths?: boolean;
  json?: boolean;
}): Promise<void> {
  const { EXPORT_FORMATS, exportDataset } = await import("./export.js");
  if (!EXPORT_FORMATS.includes(opts.format as ExportFormat)) {
    throw new UserError(`--format: expected ${EXPORT_FORMATS.join(", ")}, got "${opts.format}"`);
  }
  // grpo records carry each task's declared answer form.
  if (opts.format === "grpo") await (await import("./registry.js")).loadGames();
  const r = exportDataset({
    data: resolve(opts.data),
    format: opts.format as ExportFormat,
    out: resolve(opts.out),
    absolutePaths: opts.absolutePaths === true,
  });
  if (opts.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else process.stdout.write(`wrote ${r.records} ${opts.format} records to ${r.out}\n`);
}

export async function rewardAction(): Promise<void> {
  const { serveRewards } = await import("./reward-stdio.js");
  await serveRewards(process.stdin, process.stdout);
}
