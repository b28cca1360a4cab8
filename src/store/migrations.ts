/**
 * Versioned schemas for both backends. A store records its schema version (`meta.schema_version`);
 * opening an older one applies the missing numbered migrations in one transaction, and a store written
 * by a newer Assay is refused (its tables may mean something else).
 */
import type Database from "better-sqlite3";
import { UserError } from "../util/errors.js";
import { SCHEMA_VERSION, SQLITE_MIGRATIONS } from "./schema.js";

/** The refusal for a store whose schema is newer than this Assay's. */
export function newerSchemaError(where: string, stored: number, ours: number): UserError {
  return new UserError(
    `${where} has run-store schema version ${stored}, newer than this Assay's ${ours}: ` +
      "use the Assay version that wrote it (or a newer one)",
  );
}

/** The file's schema version (0 for a new, empty file); refuses one newer than ours. */
export function checkSchemaVersion(db: Database.Database, path: string): number {
  const hasMeta = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
    .pluck()
    .get();
  if (!hasMeta) return 0;
  const stored = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get();
  const version = stored === undefined ? 0 : Number(stored);
  if (version > SCHEMA_VERSION) throw newerSchemaError(path, version, SCHEMA_VERSION);
  return version;
}

/** Apply the migrations after `from`, and record the new version, in one transaction. */
export function migrateSqlite(db: Database.Database, from: number): void {
  if (from >= SCHEMA_VERSION) return;
  db.transaction(() => {
    for (const m of SQLITE_MIGRATIONS) if (m.version > from) db.exec(m.sql);
    db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)").run(
      String(SCHEMA_VERSION),
    );
  }).immediate();
}
