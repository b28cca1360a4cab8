import { defaultDbPath, RunStore } from "../store/run-store.js";

/** The run store a command works on: `--db`, else `$ASSAY_DB`, else `.assay/assay.db`. */
export function openStore(db?: string): RunStore {
  return new RunStore(db ?? defaultDbPath());
}
