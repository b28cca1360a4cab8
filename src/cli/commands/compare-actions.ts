/** What `assay compare` does; loaded when it runs (see compare.ts). */
import { print, table } from "../../cli-kit/output.js";
import { openStore } from "../../cli-kit/store.js";
import { renderComparison } from "../../compare/render.js";
import { compareRuns } from "../../compare/runs.js";
import type { CompareFlags } from "./compare.js";

export function compareCommand(a: string, b: string, flags: CompareFlags): void {
  const store = openStore(flags.db);
  try {
    const result = compareRuns(store, store.requireRun(a), store.requireRun(b), {
      rounds: flags.rounds,
      seed: flags.seed,
    });
    print(flags.json, result, renderComparison(result, table));
  } finally {
    store.close();
  }
}
