/**
 * A synchronous PostgreSQL connection for the run store, whose callers are synchronous (as with
 * better-sqlite3): `pg` runs in a worker thread and the main thread blocks on each call (pg-bridge.ts).
 * A transaction may also be sent without waiting (`transactionInBackground`): batched result commits
 * then overlap with the run instead of stalling it.
 */
import { errorMessage, UserError } from "../util/errors.js";
import { redact, registerSecret } from "../util/secrets.js";
import { pgBridge } from "./pg-bridge.js";
import type { PgReply, PgRequest, PgResult, PgStatement } from "./pg-protocol.js";

const call = (req: PgRequest): unknown => pgBridge().call(req);

/** True for a `postgres://` or `postgresql://` URL (the `--db` / ASSAY_DB value of a PostgreSQL store). */
export function isPostgresUrl(db: string | undefined): db is string {
  return db !== undefined && /^postgres(ql)?:\/\//i.test(db);
}

/** The URL without its password (and user:password in any form), safe for messages and manifests. */
export function safePgUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    for (const k of [...u.searchParams.keys()])
      if (/pass|secret|key|token/i.test(k)) u.searchParams.set(k, "***");
    return u.toString();
  } catch {
    return redact(url);
  }
}

/** Register the URL's password (and a password query parameter) as secrets, so no message shows it. */
function registerUrlSecrets(url: string): void {
  try {
    const u = new URL(url);
    if (u.password) registerSecret(decodeURIComponent(u.password));
    const p = u.searchParams.get("password");
    if (p) registerSecret(p);
  } catch {
    // not a parsable URL: pg reports it
  }
}

export class PgConnection {
  private id: number | undefined;

  constructor(
    url: string,
    /** How the database is named in messages (the URL without its password). */
    readonly where: string,
  ) {
    registerUrlSecrets(url);
    try {
      this.id = call({ op: "connect", url }) as number;
    } catch (err) {
      throw new UserError(`cannot connect to PostgreSQL at ${where}: ${redact(errorMessage(err))}`);
    }
  }

  private get open(): number {
    if (this.id === undefined) throw new Error(`PostgreSQL connection to ${this.where} is closed`);
    return this.id;
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): T[] {
    return this.exec(sql, params).rows as T[];
  }

  /** Run a statement; returns the number of rows it changed. */
  run(sql: string, params?: unknown[]): number {
    return this.exec(sql, params).rowCount;
  }

  /** `name`: prepare the statement once per connection (hot paths such as cache reads). */
  exec(sql: string, params?: unknown[], name?: string): PgResult {
    return guard(
      () =>
        call({
          op: "query",
          id: this.open,
          sql,
          ...(params ? { params } : {}),
          ...(name ? { name } : {}),
        }) as PgResult,
    );
  }

  /** The statements in one transaction (all or none). */
  transaction(statements: PgStatement[]): PgResult[] {
    return guard(() => call({ op: "tx", id: this.open, statements }) as PgResult[]);
  }

  /**
   * The statements in one transaction, committed in the background: `done` gets the error, or
   * undefined once committed. A later blocking call returns only after it (the worker keeps order).
   */
  transactionInBackground(statements: PgStatement[], done: (err: Error | undefined) => void): void {
    pgBridge().send({ op: "tx", id: this.open, statements }, (reply) =>
      done(reply.ok ? undefined : replyError(reply)),
    );
  }

  /** A query whose answer is awaited instead of blocked on (it still sees every write sent before it). */
  queryAsync<T = Record<string, unknown>>(sql: string, params: unknown[], name?: string): Promise<T[]> {
    return new Promise((resolve, reject) =>
      pgBridge().send({ op: "query", id: this.open, sql, params, ...(name ? { name } : {}) }, (reply) =>
        reply.ok ? resolve((reply.value as PgResult).rows as T[]) : reject(replyError(reply)),
      ),
    );
  }

  /** Wait until everything sent before has been answered. */
  sync(): void {
    guard(() => call({ op: "ping" }));
  }

  /** Apply the migrations newer than the database's version under a lock; returns the version found. */
  migrate(migrations: ReadonlyArray<{ version: number; sql: string }>, newest: number): number {
    return guard(() => call({ op: "migrate", id: this.open, migrations, newest }) as number);
  }

  close(): void {
    if (this.id === undefined) return;
    const id = this.id;
    this.id = undefined;
    try {
      call({ op: "end", id });
    } catch {
      // already gone
    }
  }
}

function replyError(reply: PgReply & { ok: false }): Error {
  return Object.assign(new Error(redact(reply.message)), reply.code ? { code: reply.code } : {});
}

/** Errors from the worker keep their SQLSTATE code; their text never carries the password. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw Object.assign(new Error(redact(errorMessage(err))), typeof code === "string" ? { code } : {});
  }
}
