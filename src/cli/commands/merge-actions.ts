/**
 * What `assay merge` does: find the shard runs (in shard databases, or by id in the target database),
 * check and merge them into one run (src/engine/merge.ts), and print its summary.
 *
 *   assay merge shard-*.db --run-id ID --into merged.db    # the run ID in each shard database
 *   assay merge --into merged.db ID --from s2.db --from s3.db   # merged.db's own shard ID becomes the merged run
 *   assay merge --db runs.db ID-1 ID-2 ID-3 ID-4 --run-id ID     # four shard runs in one database
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { printJson } from "../../cli-kit/output.js";
import { openStore } from "../../cli-kit/store.js";
import { type MergeOptions, mergeShards, type ShardRun } from "../../engine/merge.js";
import { countPickedUnits, type SelectedManifest } from "../../engine/shard.js";
import { stratifiedSubset } from "../../engine/subset.js";
import { defaultDbPath, type RunManifest, type RunStore } from "../../store/run-store.js";
import { createTask } from "../../tasks/index.js";
import { errorMessage, UserError } from "../../util/errors.js";
import type { MergeFlags } from "./merge.js";
import { printSummary } from "./show-actions.js";
import { argsFromStartFolder } from "./start-folder.js";

export async function mergeCommand(inputs: string[], flags: MergeFlags): Promise<void> {
  if (flags.into !== undefined && flags.db !== undefined && resolve(flags.into) !== resolve(flags.db))
    throw new UserError("merge: give --into or --db, not both");
  const intoPath = resolve(flags.into ?? flags.db ?? defaultDbPath());
  const isDb = (x: string) => existsSync(x) && statSync(x).isFile();
  const sourcePaths = [...inputs.filter(isDb), ...(flags.from ?? [])].map((p) => resolve(p));
  for (const p of sourcePaths) if (!isDb(p)) throw new UserError(`merge: --from ${p}: no such database file`);
  // A name that looks like a database file (a path, or .db / .sqlite) but is not there is a missing file,
  // not a run id (run ids have no "/" and a mistyped shard file would otherwise read as "no run x.db").
  for (const x of inputs)
    if (!isDb(x) && (/[/\\]/.test(x) || /\.(db|sqlite3?)$/i.test(x)))
      throw new UserError(`merge: ${x}: no such database file`);
  const ids = inputs.filter((x) => !isDb(x));
  if (ids.length === 0 && flags.runId === undefined)
    throw new UserError("merge: name the shard runs (run ids) or give --run-id");
  const mergedId = flags.runId ?? (ids.length === 1 ? ids[0]! : undefined);
  if (mergedId === undefined)
    throw new UserError("merge: several shard run ids given: name the merged run with --run-id");
  const wanted = ids.length > 0 ? ids : [mergedId];

  const opened: RunStore[] = [];
  try {
    const target = openStore(intoPath);
    opened.push(target);
    const shards: ShardRun[] = [];
    let inPlace: ShardRun | undefined;
    // The target's own runs are read through a second connection: reading one run while writing another
    // on the same connection is not allowed.
    for (const path of sourcePaths.length > 0 ? [...new Set(sourcePaths)] : [intoPath]) {
      const store = openStore(path);
      opened.push(store);
      const found = wanted.flatMap((id) => {
        const run = sourcePaths.length > 0 ? store.getRun(id) : store.requireRun(id);
        return run ? [{ store, run, source: path }] : [];
      });
      if (found.length === 0)
        throw new UserError(
          `merge: ${path} holds no run ${wanted.join(" or ")} (see: assay runs --db ${path})`,
        );
      shards.push(...found);
    }
    const existing = target.getRun(mergedId);
    if (existing) {
      // `--into db RUN --from …`: the target's own shard RUN takes in the others.
      if (
        !(existing.manifest as SelectedManifest).shard ||
        sourcePaths.length === 0 ||
        sourcePaths.includes(intoPath)
      )
        throw new UserError(
          `merge: run ${mergedId} already exists in ${intoPath}; merge under another --run-id`,
        );
      inPlace = { store: target, run: existing, source: intoPath };
      shards.push(inPlace);
    }
    const { groupBy, expectedUnits } = await readTask(shards[0]!.run.manifest);
    const opts: MergeOptions = {
      runId: mergedId,
      ...(groupBy ? { groupBy } : {}),
      ...(expectedUnits !== undefined ? { expectedUnits } : {}),
      ...(inPlace ? { inPlace } : {}),
    };
    const outcome = mergeShards(target, shards, opts);
    if (flags.json) printJson(outcome);
    else {
      process.stderr.write(
        `merged ${outcome.shards} shards, ${outcome.units} units → run ${mergedId} in ${intoPath}\n`,
      );
      printSummary(target.requireRun(mergedId), outcome.summary);
    }
  } finally {
    for (const s of opened.reverse()) s.close();
  }
}

/**
 * The task's group-by keys (for the summary) and, when its dataset can be read on this machine, the
 * number of units the unsharded eval has. A dataset that is not here only skips the count.
 */
async function readTask(shard: RunManifest): Promise<{ groupBy?: string[]; expectedUnits?: number }> {
  const m = { ...shard } as SelectedManifest;
  delete m.shard;
  let task: Awaited<ReturnType<typeof createTask>>["task"];
  try {
    ({ task } = await createTask(m.task.name, argsFromStartFolder(m.task.args, m.execution.cwd)));
  } catch (err) {
    process.stderr.write(
      `note: task ${m.task.name} cannot be built here (${errorMessage(err)}): units not counted against the dataset\n`,
    );
    return {};
  }
  const groupBy = task.groupBy;
  try {
    const fingerprint = m.dataset ? await task.dataset.fingerprint?.() : undefined;
    if (m.dataset && fingerprint && fingerprint !== m.dataset.sha256)
      throw new UserError(`merge: dataset ${m.dataset.name} changed since the shards ran (sha256 differs)`);
    const subset = m.sample ? (await stratifiedSubset(task.dataset, m.sample)).ids : undefined;
    const picked = await countPickedUnits(task.dataset, m, subset);
    if (picked !== undefined) return { ...(groupBy ? { groupBy } : {}), expectedUnits: picked };
    let samples = 0;
    for await (const s of task.dataset.samples()) {
      if (subset && !subset.has(s.id)) continue;
      if (m.limit !== undefined && samples >= m.limit) break;
      samples++;
    }
    return { ...(groupBy ? { groupBy } : {}), expectedUnits: samples * m.epochs };
  } catch (err) {
    if (err instanceof UserError && err.message.startsWith("merge:")) throw err;
    process.stderr.write(
      `note: dataset not readable here (${errorMessage(err)}): units not counted against it\n`,
    );
    return groupBy ? { groupBy } : {};
  }
}
