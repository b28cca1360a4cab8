import { isPostgresUrl } from "../store/pg-client.js";
import { PostgresRunStore } from "../store/postgres-store.js";
import { defaultDbPath, RunStore } from "../store/run-store.js";

/**
 * The run store a command works on: `--db`, else `$ASSAY_DB`, else `.assay/assay.db`. A
 * `postgres://` / `postgresql://` URL opens a PostgreSQL store (docs/postgres.md), anything else a SQLite file.
 */
export function openStore(db?: string, opts: { readonly?: boolean } = {}): RunStore {
  const where = db ?? defaultDbPath();
  return isPostgresUrl(where) ? new PostgresRunStore(where, opts) : new RunStore(where, opts);
}
