/**
 * The store's backends for the shared test suites: each suite runs once on SQLite and once on a
 * throwaway PostgreSQL cluster (skipped, with the reason, when PostgreSQL is not installed).
 */
import { join } from "node:path";
import { openStore } from "../../src/cli-kit/store.js";
import { PgConnection } from "../../src/store/pg-client.js";
import type { RunStore } from "../../src/store/run-store.js";
import { tempDir } from "../helpers/cli.js";
import { SKIP_POSTGRES, startPostgres } from "../helpers/postgres.js";

export interface Backend {
  name: "sqlite" | "postgres";
  /** The reason the suite is skipped on this backend, or false. */
  skip: string | false;
  /** Where a new, empty store lives: a file path or a PostgreSQL URL. */
  fresh(name: string): string;
  open(where: string, opts?: { readonly?: boolean }): RunStore;
  /** Rows in one of the store's tables (checked from outside the store). */
  count(where: string, table: string): number;
}

const cluster = await startPostgres();
const admin = new Map<string, PgConnection>();

export const backends: Backend[] = [
  {
    name: "sqlite",
    skip: false,
    fresh: (name) => join(tempDir(), `${name}.db`),
    open: (where, opts) => openStore(where, opts),
    count(where, table) {
      const store = openStore(where, { readonly: true });
      try {
        return (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      } finally {
        store.close();
      }
    },
  },
  {
    name: "postgres",
    skip: cluster ? false : SKIP_POSTGRES,
    fresh: () => cluster!.freshUrl(),
    open: (where, opts) => openStore(where, opts),
    count(where, table) {
      const conn = admin.get(where) ?? new PgConnection(where, "test store");
      admin.set(where, conn);
      return conn.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0]!.n;
    },
  },
];
