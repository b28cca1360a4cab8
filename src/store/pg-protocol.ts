/** Messages between the PostgreSQL store (main thread) and its worker thread (pg-worker.ts). */
export interface PgStatement {
  sql: string;
  params?: unknown[];
}

export interface PgResult {
  rows: Array<Record<string, unknown>>;
  rowCount: number;
}

export type PgRequest =
  | { op: "connect"; url: string }
  | { op: "query"; id: number; sql: string; params?: unknown[]; name?: string }
  | { op: "tx"; id: number; statements: PgStatement[] }
  | {
      op: "migrate";
      id: number;
      newest: number;
      migrations: ReadonlyArray<{ version: number; sql: string }>;
    }
  | { op: "end"; id: number }
  | { op: "ping" };

/** The answer to request `seq`: its value, or the error's message and SQLSTATE code. */
export type PgReply =
  | { seq: number; ok: true; value: unknown }
  | { seq: number; ok: false; message: string; code?: string };
