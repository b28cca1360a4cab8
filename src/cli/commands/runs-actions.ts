/**
 * `assay runs delete`: each run is claimed through its lease first, so a run that a live process is
 * running is refused (a killed runner's claim is free), then deleted with its samples, scores and stop
 * record. Images (blobs) and cached answers stay: other runs may share them.
 */
import { createInterface } from "node:readline/promises";
import { printJson } from "../../cli-kit/output.js";
import { openStore } from "../../cli-kit/store.js";
import type { RunRow } from "../../store/run-store.js";
import { UserError } from "../../util/errors.js";
import type { DeleteFlags } from "./runs.js";

/** Ask on the terminal; without one, refuse (scripts pass --yes). */
export async function confirm(question: string, what: string): Promise<boolean> {
  if (!process.stdin.isTTY)
    throw new UserError(`${what}: not a terminal, so nothing to confirm with; pass --yes`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

export async function deleteRunsCommand(ids: string[], flags: DeleteFlags): Promise<void> {
  const store = openStore(flags.db);
  try {
    // Resolve every id first: one unknown or ambiguous id deletes nothing.
    const runs = new Map<string, RunRow>();
    for (const id of ids) {
      const run = store.requireRun(id);
      runs.set(run.id, run);
    }
    if (!flags.yes) {
      const list = [...runs.values()]
        .map((r) => `  ${r.id}  ${r.task}  ${r.model}  [${r.status}]`)
        .join("\n");
      process.stderr.write(`${list}\n`);
      if (!(await confirm(`delete ${runs.size} run(s) and their samples?`, "runs delete"))) {
        process.stderr.write("nothing deleted\n");
        return;
      }
    }
    const deleted: string[] = [];
    for (const id of runs.keys()) {
      // The lease refuses while a live runner holds the run; held, nothing can start it meanwhile.
      const lease = store.acquireLease(id);
      try {
        store.deleteRun(id);
        deleted.push(id);
      } finally {
        lease.release();
      }
    }
    if (flags.json) printJson({ deleted });
    else for (const id of deleted) process.stdout.write(`deleted ${id}\n`);
  } finally {
    store.close();
  }
}
