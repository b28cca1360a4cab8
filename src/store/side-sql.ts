/**
 * Tables a feature keeps in the run database beside runs, samples and scores (human ratings and
 * annotator links), on either store: the few operations they need, with `?` placeholders whatever the
 * database. Each feature creates its tables itself (`CREATE TABLE IF NOT EXISTS`, one DDL per dialect).
 */
import type Database from "better-sqlite3";
import type { PgConnection } from "./pg-client.js";

export interface SideStatement {
  sql: string;
  params?: unknown[];
}

export interface SideSql {
  readonly dialect: "sqlite" | "postgres";
  /** Statements without parameters (DDL), several separated by semicolons. */
  exec(sql: string): void;
  all<T>(sql: string, params?: unknown[]): T[];
  /** One statement; returns the number of rows it changed. */
  run(sql: string, params?: unknown[]): number;
  /** The statements in one transaction (all or none). */
  batch(statements: SideStatement[]): void;
  /** True when the error is a primary-key or unique constraint violation. */
  isUniqueViolation(err: unknown): boolean;
}

export function sqliteSideSql(db: Database.Database): SideSql {
  return {
    dialect: "sqlite",
    exec: (sql) => {
      db.exec(sql);
    },
    all: <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...params) as T[],
    run: (sql, params = []) => db.prepare(sql).run(...params).changes,
    batch: (statements) =>
      db.transaction(() => {
        for (const s of statements) db.prepare(s.sql).run(...(s.params ?? []));
      })(),
    isUniqueViolation: (err) => /UNIQUE constraint/.test(String(err)),
  };
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the side tables' SQL has no `?` inside strings). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export function postgresSideSql(conn: PgConnection): SideSql {
  return {
    dialect: "postgres",
    exec: (sql) => {
      conn.run(sql);
    },
    all: <T>(sql: string, params?: unknown[]) => conn.query<T>(numbered(sql), params),
    run: (sql, params) => conn.run(numbered(sql), params),
    batch: (statements) => {
      conn.transaction(
        statements.map((s) => ({ sql: numbered(s.sql), ...(s.params ? { params: s.params } : {}) })),
      );
    },
    // SQLSTATE 23505 reads "duplicate key value violates unique constraint".
    isUniqueViolation: (err) => /duplicate key value|23505/.test(String(err)),
  };
}
