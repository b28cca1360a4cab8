/**
 * The PostgreSQL side of the bridge (pg-client.ts): a worker thread that owns the `pg` connections and
 * runs the main thread's requests one after another, in the order sent (so a read sees every write sent
 * before it). Each answer is posted back and announced on the shared counter the main thread may be
 * blocked on. Errors travel back with their SQLSTATE `code`; nothing here prints.
 */
import { type MessagePort, workerData } from "node:worker_threads";
import pg from "pg";
import type { PgReply, PgRequest, PgResult } from "./pg-protocol.js";

// COUNT, SUM and AVG give int8/numeric, which pg returns as strings: the store's numbers fit a double.
pg.types.setTypeParser(20, Number);
pg.types.setTypeParser(1700, Number);

const connections = new Map<number, pg.Client>();
let nextId = 1;

function client(id: number): pg.Client {
  const c = connections.get(id);
  if (!c) throw new Error("PostgreSQL connection is closed");
  return c;
}

async function inTransaction<T>(c: pg.Client, body: () => Promise<T>): Promise<T> {
  await c.query("BEGIN");
  try {
    const out = await body();
    await c.query("COMMIT");
    return out;
  } catch (err) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

const result = (r: pg.QueryResult): PgResult => ({ rows: r.rows, rowCount: r.rowCount ?? 0 });

/** Serialises migrations of one database across processes (any constant; "assay" in ASCII). */
const MIGRATION_LOCK = 0x6173736179;

async function handle(req: PgRequest): Promise<unknown> {
  switch (req.op) {
    case "connect": {
      const c = new pg.Client({ connectionString: req.url, connectionTimeoutMillis: 15_000 });
      // A dropped connection is reported by the next query; an unhandled 'error' would kill the worker.
      c.on("error", () => undefined);
      await c.connect();
      const id = nextId++;
      connections.set(id, c);
      return id;
    }
    case "query":
      return result(
        await client(req.id).query(
          req.name
            ? { name: req.name, text: req.sql, values: req.params ?? [] }
            : { text: req.sql, values: req.params ?? [] },
        ),
      );
    case "tx": {
      const c = client(req.id);
      return inTransaction(c, async () => {
        const out: PgResult[] = [];
        for (const s of req.statements) out.push(result(await c.query(s.sql, s.params)));
        return out;
      });
    }
    case "migrate": {
      const c = client(req.id);
      return inTransaction(c, async () => {
        await c.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
        await c.query("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        const r = await c.query("SELECT value FROM meta WHERE key = 'schema_version'");
        const stored = r.rows.length ? Number(r.rows[0].value) : 0;
        if (stored >= req.newest) return stored;
        for (const m of req.migrations) if (m.version > stored) await c.query(m.sql);
        await c.query(
          `INSERT INTO meta (key, value) VALUES ('schema_version', $1)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          [String(req.newest)],
        );
        return stored;
      });
    }
    case "end": {
      const c = connections.get(req.id);
      connections.delete(req.id);
      await c?.end();
      return null;
    }
    case "ping":
      return null;
  }
}

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
let queue: Promise<void> = Promise.resolve();
Atomics.store(signal, 1, 1);

port.on("message", ({ seq, req }: { seq: number; req: PgRequest }) => {
  queue = queue.then(async () => {
    let reply: PgReply;
    try {
      reply = { seq, ok: true, value: await handle(req) };
    } catch (err) {
      const e = err as { message?: unknown; code?: unknown };
      reply = {
        seq,
        ok: false,
        message: String(e?.message ?? err),
        ...(typeof e?.code === "string" ? { code: e.code } : {}),
      };
    }
    port.postMessage(reply);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
});
