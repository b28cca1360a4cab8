/**
 * `assay eval -c eval.yaml`: a config-file eval (src/taskfile). The config is read and its task built
 * once before anything runs, so every mistake is reported up front; then one run per model, each a
 * plain `assay eval` of the config's task, and a combined table (or one JSON document) at the end.
 * Flags typed on the command line win over the config's keys.
 */
import type { Command } from "commander";
import { printJson } from "../../cli-kit/output.js";
import { openStore } from "../../cli-kit/store.js";
import type { RunSummary } from "../../engine/summary.js";
import { listProviders, parseModelId } from "../../providers/registry.js";
import { keyPath, type LoadedConfig, readConfigFile } from "../../taskfile/config-file.js";
import type { ModelRef } from "../../taskfile/config-schema.js";
import {
  applyGates,
  checkGatesApply,
  FAIL_UNDER_EXIT,
  type FailUnder,
  type GateResult,
  parseFailUnder,
} from "../../taskfile/fail-under.js";
import { configTask } from "../../taskfile/resolve.js";
import { errorMessage, UserError } from "../../util/errors.js";
import { newRunId } from "../../util/run-id.js";
import type { EvalFlags } from "./eval.js";
import { evalCommand } from "./eval-actions.js";
import { renderReport } from "./report-actions.js";

export async function configEvalCommand(
  taskName: string | undefined,
  flags: EvalFlags,
  cmd: Command,
): Promise<void> {
  if (flags.config !== undefined && taskName !== undefined)
    throw new UserError(`give a task (${taskName}) or -c ${flags.config}, not both`);
  const file = (flags.config ?? taskName)!;
  for (const [flag, value] of [
    ["--dataset", flags.dataset ?? flags.data],
    ["--fields", flags.fields],
    ["-T", flags.taskArg],
  ] as const) {
    if (value !== undefined)
      throw new UserError(`${flag} does not apply to a config eval: set it in ${file} (see docs/tasks.md)`);
  }
  const loaded = readConfigFile(file);
  const c = loaded.config;
  const { task } = configTask(loaded, file);
  const typed = (key: string) => cmd.getOptionValueSource(key) === "cli";

  const gates: FailUnder[] = [
    ...Object.entries(c.fail_under ?? {}).map(([metric, min]) => parseFailUnder(metric, min)),
    ...(flags.failUnder ?? []),
  ];
  checkGatesApply(gates, task.scorers, `${file}:${loaded.lineOf(["fail_under"]) ?? 1}`);

  const models: Array<ModelRef | undefined> =
    flags.model !== undefined ? [flags.model] : (c.models ?? (c.model ? [c.model] : [undefined]));
  const judge = flags.judge === undefined && c.judge ? asModel(c.judge) : undefined;
  const judged = task.scorers.findIndex((sc) => sc.requiresJudge);
  // Named models need a named judge (only the embedded default model also judges by default).
  if (
    judged >= 0 &&
    !judge &&
    flags.judge === undefined &&
    (flags.model ?? c.model ?? c.models) !== undefined
  ) {
    const key = Array.isArray(c.scorers) ? ["scorers", judged] : ["scorers"];
    throw new UserError(
      `${file}:${loaded.lineOf(key) ?? 1}: ${keyPath(key)}: scorer "${task.scorers[judged]!.name}" is graded by a judge model: ` +
        "add judge: provider/model to the config (or pass --judge)",
    );
  }
  // Every model named before the first run starts, so a typo in the last one wastes no run.
  if (flags.model === undefined) {
    for (const [i, ref] of (c.models ?? (c.model ? [c.model] : [])).entries())
      checkProvider(asModel(ref).id, file, loaded, c.models ? ["models", i] : ["model"]);
  }
  if (judge) checkProvider(judge.id, file, loaded, ["judge"]);
  const store = () => openStore(flags.db);
  const runs: Array<{ runId: string; model: string; exit: number }> = [];
  let worst = 0;
  for (const [i, ref] of models.entries()) {
    const m = ref === undefined ? undefined : asModel(ref);
    const runId =
      flags.runId !== undefined
        ? models.length > 1
          ? `${flags.runId}-${i + 1}`
          : flags.runId
        : newRunId(task.name);
    const runFlags: EvalFlags = {
      ...flags,
      ...(m ? { model: m.id } : {}),
      ...(m?.base_url && !flags.modelBaseUrl ? { modelBaseUrl: m.base_url } : {}),
      ...(m?.api_key_env && !flags.modelApiKeyEnv ? { modelApiKeyEnv: m.api_key_env } : {}),
      ...(judge ? { judge: judge.id } : {}),
      ...(judge?.base_url && !flags.judgeBaseUrl ? { judgeBaseUrl: judge.base_url } : {}),
      ...(judge?.api_key_env && !flags.judgeApiKeyEnv ? { judgeApiKeyEnv: judge.api_key_env } : {}),
      ...(c.epochs !== undefined && !typed("epochs") ? { epochs: c.epochs } : {}),
      ...(c.limit !== undefined && flags.limit === undefined && flags.sample === undefined
        ? { limit: String(c.limit) }
        : {}),
      ...(c.seed !== undefined && flags.seed === undefined ? { seed: c.seed } : {}),
      runId,
      failUnder: gates,
      quiet: flags.json === true,
      config: undefined,
    };
    if (models.length > 1 && !flags.json)
      process.stderr.write(
        `\n[${i + 1}/${models.length}] ${m?.id ?? "default model"}${flags.dryRun ? "" : `: run ${runId}`}\n`,
      );
    process.exitCode = undefined;
    await evalCommand(file, runFlags);
    const exit = typeof process.exitCode === "number" ? process.exitCode : 0;
    runs.push({ runId, model: m?.id ?? "(default)", exit });
    worst = combineExit(worst, exit);
    if (exit >= 128) break; // stopped by a signal: the remaining models are not started
  }
  // A dry run printed each model's estimate and created no run to summarise.
  if (!flags.dryRun) finishAll(store, runs, gates, flags);
  process.exitCode = worst;
}

function checkProvider(id: string, file: string, loaded: LoadedConfig, key: Array<string | number>): void {
  try {
    const { provider } = parseModelId(id);
    const known = listProviders().map((p) => p.name);
    if (!known.includes(provider))
      throw new UserError(`unknown provider "${provider}" in "${id}" (known: ${known.join(", ")})`);
  } catch (err) {
    throw new UserError(`${file}:${loaded.lineOf(key) ?? 1}: ${keyPath(key)}: ${errorMessage(err)}`);
  }
}

function asModel(ref: ModelRef): { id: string; base_url?: string; api_key_env?: string } {
  return typeof ref === "string" ? { id: ref } : ref;
}

/** A signal's status wins, then a failed gate (3), then failed samples (1). */
function combineExit(a: number, b: number): number {
  const rank = (x: number) => (x >= 128 ? 3 : x === FAIL_UNDER_EXIT ? 2 : x === 1 ? 1 : x === 0 ? 0 : 2);
  return rank(b) > rank(a) ? b : a;
}

function finishAll(
  open: () => ReturnType<typeof openStore>,
  runs: Array<{ runId: string; model: string; exit: number }>,
  gates: FailUnder[],
  flags: EvalFlags,
): void {
  const store = open();
  try {
    const rows = runs.map((r) => store.requireRun(r.runId));
    if (flags.json) {
      printJson({
        runs: rows.map((row) => {
          const summary = row.summary as RunSummary | undefined;
          const results: GateResult[] = gates.length ? applyGates(gates, summary, false) : [];
          return {
            runId: row.id,
            model: row.model,
            status: row.status,
            summary: summary ?? null,
            ...(gates.length ? { failUnder: results } : {}),
          };
        }),
      });
      return;
    }
    if (rows.length > 1) {
      process.stdout.write(`\n${renderReport(store, rows, "table")}\n`);
      for (const r of runs) process.stdout.write(`${r.runId}  ${r.model}\n`);
    }
  } finally {
    store.close();
  }
}
