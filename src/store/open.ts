/**
 * Opens the run store a location names: a `postgres://` / `postgresql://` URL opens a PostgreSQL store
 * (docs/postgres.md), anything else a SQLite file; no location means `$ASSAY_DB`, else `.assay/assay.db`.
 */
import { isPostgresUrl } from "./pg-client.js";
import { PostgresRunStore } from "./postgres-store.js";
import { defaultDbPath, RunStore } from "./run-store.js";

export function openStore(db?: string, opts: { readonly?: boolean } = {}): RunStore {
  const where = db ?? defaultDbPath();
  return isPostgresUrl(where) ? new PostgresRunStore(where, opts) : new RunStore(where, opts);
}
