/**
 * The staging folder of `gameqa generate`: OUT/.gameqa-partial-<pid>-<n>/ holds the run's images, states,
 * data file, manifest and journal until the run is published (images and states renamed into OUT,
 * the data file last). A run that stopped (Ctrl-C, SIGTERM, kill -9, a crash) leaves its folder;
 * `--resume` claims it by renaming it to a name of its own (of two resuming processes only one
 * rename succeeds) and builds the boards its journal does not list. A folder is in use while its
 * process lives and, for this process's own folders, while a run here holds it (a library caller
 * may abort a run and resume it in the same process).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../util/errors.js";
import { writeFileAtomic } from "./io.js";
import {
  dataFileName,
  type JournalState,
  MANIFEST_FILE,
  manifestDifference,
  type RunManifest,
  readJournal,
  readManifest,
} from "./run-journal.js";

const PREFIX = ".gameqa-partial-";
const NAME = /^\.gameqa-partial-(\d+)(?:-\d+)?$/;

/** This process's staging folders that a run is using now. */
const inUse = new Set<string>();

/** A staging folder name of this process that is not taken in outDir, marked in use. */
function ownFolder(outDir: string): string {
  let dir = join(outDir, `${PREFIX}${process.pid}`);
  for (let n = 2; existsSync(dir) || inUse.has(dir); n++) dir = join(outDir, `${PREFIX}${process.pid}-${n}`);
  inUse.add(dir);
  return dir;
}

/** The run using `dir` has ended (published, failed or stopped): it may be resumed or removed. */
export function releaseStaging(dir: string): void {
  inUse.delete(dir);
}

/** A fresh staging folder for a run of this process, with the run's manifest. */
export function newStaging(outDir: string, manifest: RunManifest): string {
  const dir = ownFolder(outDir);
  mkdirSync(join(dir, "images"), { recursive: true });
  mkdirSync(join(dir, "states"), { recursive: true });
  writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

function isAlive(pid: number, dir: string): boolean {
  if (pid === process.pid) return inUse.has(dir);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

function dataBytes(dir: string, manifest: RunManifest): number {
  try {
    return statSync(join(dir, dataFileName(manifest.format))).size;
  } catch {
    return 0;
  }
}

/** A staging folder in OUT, with what it holds. */
export interface StagedRun {
  dir: string;
  pid: number;
  alive: boolean;
  manifest: RunManifest | undefined;
  journal: JournalState | undefined;
}

/** Staging folders in outDir, the most advanced first. */
export function stagedRuns(outDir: string): StagedRun[] {
  if (!existsSync(outDir)) return [];
  const runs: StagedRun[] = [];
  for (const name of readdirSync(outDir)) {
    const pid = NAME.exec(name)?.[1];
    if (pid === undefined) continue;
    const dir = join(outDir, name);
    const alive = isAlive(Number(pid), dir);
    const manifest = readManifest(dir);
    const journal =
      manifest && readJournal(dir, { boards: manifest.boards, bytes: dataBytes(dir, manifest) });
    runs.push({ dir, pid: Number(pid), alive, manifest, journal });
  }
  const done = (r: StagedRun): number => r.journal?.mark.boards ?? 0;
  return runs.sort((a, b) => done(b) - done(a) || a.pid - b.pid);
}

/** Runs that stopped and can be continued (their process is gone and their manifest readable). */
export const interruptedRuns = (outDir: string): StagedRun[] =>
  stagedRuns(outDir).filter((r) => !r.alive && r.manifest !== undefined);

/** A stopped run taken over by this process: its folder (renamed to ours) and what it had finished. */
export interface ClaimedRun {
  dir: string;
  journal: JournalState | undefined;
}

/**
 * Take over the most advanced stopped run into outDir whose manifest equals `manifest`. Undefined when
 * there is none; a UserError naming the first differing setting when only runs with other settings
 * have finished boards, or when the matching one is still running.
 */
export function claimStopped(outDir: string, manifest: RunManifest): ClaimedRun | undefined {
  const runs = stagedRuns(outDir).filter((r) => r.manifest !== undefined);
  const match = runs.find(
    (r) => !r.alive && manifestDifference(r.manifest as RunManifest, manifest) === undefined,
  );
  if (!match) {
    const running = runs.find(
      (r) => r.alive && manifestDifference(r.manifest as RunManifest, manifest) === undefined,
    );
    if (running)
      throw new UserError(
        `--resume: the run in ${running.dir} is still going (process ${running.pid}); stop it first, then resume`,
      );
    // A stopped run that finished nothing is no reason to refuse.
    const other = runs.find((r) => !r.alive && r.journal);
    if (!other) return undefined;
    const diff = manifestDifference(other.manifest as RunManifest, manifest);
    throw new UserError(
      `--resume: the interrupted run in ${other.dir} differs in ${diff}; repeat its settings to continue it, or leave out --resume to start over`,
    );
  }
  if (!existsSync(join(match.dir, "images")) || !existsSync(join(match.dir, "states")))
    throw new UserError(
      `--resume: the run in ${match.dir} stopped while it was being published; leave out --resume to start over`,
    );
  const dir = ownFolder(outDir);
  try {
    renameSync(match.dir, dir);
  } catch (err) {
    releaseStaging(dir);
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw new UserError(`--resume: another process took over ${match.dir} first`);
    throw err;
  }
  return { dir, journal: match.journal };
}

/** Remove staging folders whose process no longer exists (killed runs, and those that stopped). */
export function removeAbandonedStaging(outDir: string): void {
  for (const r of stagedRuns(outDir)) if (!r.alive) rmSync(r.dir, { recursive: true, force: true });
}

/**
 * Move the staged images and states into outDir, then the data file, and remove the staging folder.
 * The previous dataset (if any) goes aside first, data file included, so no data file ever refers
 * to files of another run.
 */
export function publish(staging: string, outDir: string, dataName: string): void {
  const old = join(staging, "previous");
  // It exists when a publish of this folder was cut short and the run resumed.
  mkdirSync(old, { recursive: true });
  for (const name of ["data.json", "data.jsonl", "images", "states"]) {
    if (existsSync(join(outDir, name))) renameSync(join(outDir, name), join(old, name));
  }
  for (const sub of ["images", "states"]) renameSync(join(staging, sub), join(outDir, sub));
  // The data file last: it names the images and states now in place.
  renameSync(join(staging, dataName), join(outDir, dataName));
  rmSync(staging, { recursive: true, force: true });
}
