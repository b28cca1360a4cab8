/**
 * The run store in PostgreSQL: the same interface, tables and guarantees as the SQLite store (one row
 * per (sample, epoch), batched durable commits, resume, cache), in a database that processes on many
 * machines share. Several workers run one run together: each claims the units it runs (`claimUnits`,
 * rows in `unit_claims` that its heartbeat renews); a killed worker's claims expire and return to the
 * pool. Synchronous to its callers through pg-client.ts.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import type { ModelOutput, Score } from "../core/types.js";
import { UserError } from "../util/errors.js";
import { sha256 } from "../util/hash.js";
import { checkRunId } from "../util/run-id.js";
import { redactValue } from "../util/secrets.js";
import type { CacheStat, ClaimOptions, RunStoreApi, UnitKey } from "./api.js";
import { BatchingStore, type QueuedResult } from "./batching.js";
import { CLAIM_STATS_SQL, REDO_CLAIMS_SQL } from "./claims.js";
import type { RunLease } from "./lease.js";
import { newerSchemaError } from "./migrations.js";
import { PgConnection, safePgUrl } from "./pg-client.js";
import type { PgStatement } from "./pg-protocol.js";
import { samplePageSql } from "./pg-sample-page.js";
import {
  BLOB_PREFIX,
  blobRefs,
  json,
  type Rescored,
  type Row,
  type RunManifest,
  type RunRow,
  type SampleResult,
  type SampleTotals,
  SCORE_COLUMNS,
  type ScoreRow,
  type StoredSample,
  type StoredScore,
  scoreToNumber,
  toRunRow,
  toStoredSample,
  toStoredScore,
} from "./records.js";
import { type SamplePageQuery, type SamplePageRow, samplePageResult } from "./sample-page.js";
import { SCHEMA_VERSION } from "./schema.js";
import { PG_MIGRATIONS } from "./schema-pg.js";
import { postgresSideSql, type SideSql } from "./side-sql.js";

const SAMPLE_COLUMNS =
  "sample_id, epoch, seq, input, target, choices, metadata, messages, output, store, error, input_tokens, " +
  "output_tokens, judge_input_tokens, judge_output_tokens, latency_ms, cached, finished_at";
const SCORE_COPY_COLUMNS = "sample_id, epoch, scorer, value, raw, answer, explanation, metadata";
/** Array types of the samples columns after run_id, for `unnest`. */
const SAMPLE_ARRAY_TYPES = [
  "text",
  "int",
  "int",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "int",
  "int",
  "int",
  "int",
  "float8",
  "int",
  "text",
];
const unnestArgs = (types: string[], from = 1): string =>
  types.map((t, i) => `$${i + from}::${t}[]`).join(", ");

/** PostgreSQL text cannot hold U+0000: such characters in free text are stored as U+FFFD. */
const pgText = (s: string | null | undefined): string | null =>
  s === null || s === undefined ? null : s.includes("\u0000") ? s.replaceAll("\u0000", "\uFFFD") : s;

const CACHE_GET = "SELECT value FROM response_cache WHERE key = $1";

/** Background commits allowed in flight before the next one waits for them. */
const MAX_IN_FLIGHT = 4;

/** Milliseconds from an environment variable, for tests and operators that need shorter leases. */
function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export class PostgresRunStore extends BatchingStore implements RunStoreApi {
  readonly path: string;
  private readonly conn: PgConnection;
  private readonly readonly: boolean;
  /** Claims and worker registrations live this long without a heartbeat (ASSAY_PG_LEASE_MS). */
  leaseTtlMs = envMs("ASSAY_PG_LEASE_MS", 30_000);
  claimTtlMs = this.leaseTtlMs;
  readonly sharedClaims = true;
  readonly workerId = randomUUID();
  /** Background commits sent and not yet answered. */
  private inFlight = 0;

  constructor(url: string, opts: { readonly?: boolean } = {}) {
    super();
    this.path = safePgUrl(url);
    this.readonly = opts.readonly ?? false;
    this.conn = new PgConnection(url, this.path);
    try {
      if (this.readonly) this.checkVersion();
      else {
        const found = this.conn.migrate(PG_MIGRATIONS, SCHEMA_VERSION);
        if (found > SCHEMA_VERSION) throw newerSchemaError(this.path, found, SCHEMA_VERSION);
      }
    } catch (err) {
      this.conn.close();
      if (err instanceof UserError) throw err;
      throw new UserError(`cannot open run database ${this.path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Read-only opening migrates nothing: it needs a store that exists and is not newer than ours. */
  private checkVersion(): void {
    const has = this.conn.query<{ t: string | null }>("SELECT to_regclass('meta')::text AS t")[0]?.t;
    const v = has
      ? Number(
          this.conn.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'")[0]
            ?.value ?? 0,
        )
      : 0;
    if (v === 0)
      throw new UserError(`no Assay run store in ${this.path} (run assay eval --db with it first)`);
    if (v > SCHEMA_VERSION) throw newerSchemaError(this.path, v, SCHEMA_VERSION);
  }

  /** Only the SQLite store has a better-sqlite3 handle; features with tables of their own use sideSql(). */
  get db(): Database.Database {
    throw new Error(`${this.path} is PostgreSQL: use sideSql() for tables beside the runs`);
  }

  sideSql(): SideSql {
    return postgresSideSql(this.conn);
  }

  private one<T>(sql: string, params?: unknown[]): T | undefined {
    return this.conn.query<T>(sql, params)[0];
  }

  // ---------- runs ----------

  /**
   * Create the run, or join it: several workers started with the same run id and the same configuration
   * (config hash) work on one run. Another configuration under an existing id is refused.
   */
  createRun(manifest: RunManifest): void {
    checkRunId(manifest.runId);
    const now = new Date().toISOString();
    const added = this.conn.run(
      `INSERT INTO runs (id, created_at, updated_at, status, task, task_version, model, judge, config_hash, manifest)
       VALUES ($1,$2,$2,'running',$3,$4,$5,$6,$7,$8) ON CONFLICT (id) DO NOTHING`,
      [
        manifest.runId,
        now,
        manifest.task.name,
        manifest.task.version,
        manifest.model.id,
        manifest.judge?.id ?? null,
        manifest.configHash,
        JSON.stringify(manifest),
      ],
    );
    if (added) return;
    const existing = this.getRun(manifest.runId);
    if (existing && existing.manifest.configHash === manifest.configHash) {
      if (existing.status !== "completed") this.setStatus(manifest.runId, "running");
      return;
    }
    throw new UserError(
      `run id "${manifest.runId}" already exists in ${this.path} with another configuration; ` +
        `use assay resume ${manifest.runId}, or another --run-id`,
    );
  }

  getRun(id: string): RunRow | undefined {
    const row = this.one<Row>("SELECT * FROM runs WHERE id = $1", [id]);
    return row ? toRunRow(row) : undefined;
  }

  requireRun(id: string): RunRow {
    if (id.length === 0) throw new UserError(`empty run id (see: assay runs)`);
    const exact = this.getRun(id);
    if (exact) return exact;
    const matches = this.conn
      .query<{ id: string }>(
        `SELECT id FROM runs WHERE left(id, $1) = $2 ORDER BY created_at DESC, id COLLATE "C" LIMIT 11`,
        [id.length, id],
      )
      .map((r) => r.id);
    if (matches.length === 1) return this.getRun(matches[0]!)!;
    if (matches.length > 1) {
      const more = matches.length > 10 ? ", ..." : "";
      throw new UserError(
        `run id "${id}" is ambiguous: it starts ${matches.slice(0, 10).join(", ")}${more}; give more of the id`,
      );
    }
    throw new UserError(`no run "${id}" in ${this.path} (see: assay runs)`);
  }

  listRuns(limit = 50): RunRow[] {
    return this.conn
      .query<Row>(`SELECT * FROM runs ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT $1`, [limit])
      .map(toRunRow);
  }

  cacheStats(): CacheStat[] {
    this.flush();
    return this.conn
      .query<Record<string, string | number | null>>(
        `SELECT value::jsonb->>'source' AS model, COUNT(*) AS entries,
           SUM(length(key) + length(value)) AS bytes, MIN(created_at) AS oldest, MAX(created_at) AS newest
         FROM response_cache GROUP BY 1 ORDER BY bytes DESC`,
      )
      .map((r) => ({
        model: r.model === null ? null : String(r.model),
        entries: Number(r.entries),
        bytes: Number(r.bytes),
        oldest: Number(r.oldest),
        newest: Number(r.newest),
      }));
  }

  pruneCache(opts: { before?: number; model?: string } = {}): number {
    this.flush();
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.before !== undefined) {
      params.push(opts.before);
      where.push(`created_at < $${params.length}`);
    }
    if (opts.model !== undefined) {
      params.push(opts.model);
      where.push(`value::jsonb->>'source' = $${params.length}`);
    }
    const sql = `WITH gone AS (DELETE FROM response_cache${where.length ? ` WHERE ${where.join(" AND ")}` : ""} RETURNING 1) SELECT COUNT(*) AS n FROM gone`;
    return Number(this.one<{ n: number | string }>(sql, params)?.n ?? 0);
  }

  /** Delete a run with its samples, scores and stop records, and the images no other run references. */
  deleteRun(id: string): void {
    this.flush();
    const hashes = blobRefs(
      this.conn
        .query<{ input: string | null; messages: string | null }>(
          "SELECT input, messages FROM samples WHERE run_id = $1",
          [id],
        )
        .map((r) => [r.input, r.messages]),
    );
    this.conn.transaction(
      ["rescore_progress", "run_stops", "scores", "samples", "unit_claims", "run_workers", "run_leases"]
        .map((t): PgStatement => ({ sql: `DELETE FROM ${t} WHERE run_id = $1`, params: [id] }))
        .concat({ sql: "DELETE FROM runs WHERE id = $1", params: [id] })
        .concat(
          [...hashes].map((h) => ({
            sql: `DELETE FROM blobs WHERE hash = $1 AND NOT EXISTS (SELECT 1 FROM samples WHERE strpos(input, $2) > 0 OR strpos(messages, $2) > 0)`,
            params: [h, `${BLOB_PREFIX}${h}`],
          })),
        ),
    );
  }

  copyRun(fromId: string, toId: string): { samples: number; scores: number } {
    this.flush();
    const [samples, scores] = this.conn.transaction([
      {
        sql: `INSERT INTO samples (run_id, ${SAMPLE_COLUMNS}) SELECT $1, ${SAMPLE_COLUMNS} FROM samples WHERE run_id = $2`,
        params: [toId, fromId],
      },
      {
        sql: `INSERT INTO scores (run_id, ${SCORE_COPY_COLUMNS}) SELECT $1, ${SCORE_COPY_COLUMNS} FROM scores WHERE run_id = $2`,
        params: [toId, fromId],
      },
    ]);
    return { samples: samples!.rowCount, scores: scores!.rowCount };
  }

  /**
   * As in SQLite, except on a shared run: a worker that stops while other workers are live leaves the
   * run `running` (they go on with it); `completed` also drops the run's claims.
   */
  setStatus(id: string, status: RunRow["status"], reason?: string): void {
    const now = new Date().toISOString();
    const othersLive =
      "EXISTS (SELECT 1 FROM run_workers w WHERE w.run_id = $3 AND w.worker <> $4 AND w.expires_at > $5)";
    const statements: PgStatement[] = [
      {
        sql: `UPDATE runs SET status = $1, updated_at = $2 WHERE id = $3
              AND NOT ($1 = 'interrupted' AND ${othersLive})`,
        params: [status, now, id, this.workerId, Date.now()],
      },
    ];
    if (reason !== undefined)
      statements.push({
        sql: `INSERT INTO run_stops (run_id, reason, at) SELECT $1, $2, $3 WHERE (SELECT status FROM runs WHERE id = $1) = $4
              ON CONFLICT (run_id) DO UPDATE SET reason = excluded.reason, at = excluded.at`,
        params: [id, pgText(reason), now, status],
      });
    else statements.push({ sql: "DELETE FROM run_stops WHERE run_id = $1", params: [id] });
    if (status === "completed")
      statements.push({ sql: "DELETE FROM unit_claims WHERE run_id = $1", params: [id] });
    this.conn.transaction(statements);
  }

  trySetStatus(id: string, status: RunRow["status"], reason?: string): boolean {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        this.setStatus(id, status, reason);
        return true;
      } catch {
        // a dropped connection or a full disk: once more, then give up
      }
    }
    return false;
  }

  stopReason(id: string): string | undefined {
    return this.one<{ reason: string }>("SELECT reason FROM run_stops WHERE run_id = $1", [id])?.reason;
  }

  /**
   * Register this process as a worker of the run. Unlike SQLite's one-runner lease, other workers are
   * welcome (they claim other units); the heartbeat renews the registration and this worker's claims,
   * and releasing it returns the claims it still holds to the pool at once.
   */
  acquireLease(runId: string, _onLost?: (err: Error) => void): RunLease {
    const beat = (): void => {
      const expires = Date.now() + this.leaseTtlMs;
      this.conn.transaction([
        {
          sql: `INSERT INTO run_workers (run_id, worker, pid, host, started_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6)
                ON CONFLICT (run_id, worker) DO UPDATE SET expires_at = excluded.expires_at`,
          params: [runId, this.workerId, process.pid, hostname(), new Date().toISOString(), expires],
        },
        {
          sql: "UPDATE unit_claims SET expires_at = $3 WHERE run_id = $1 AND worker = $2",
          params: [runId, this.workerId, Date.now() + this.claimTtlMs],
        },
      ]);
    };
    beat();
    const heartbeat = setInterval(
      () => {
        try {
          beat();
        } catch {
          // The database is unreachable for now: the next beat tries again before the claims expire.
        }
      },
      Math.max(10, Math.floor(Math.min(this.leaseTtlMs, this.claimTtlMs) / 3)),
    );
    heartbeat.unref();
    return {
      runId,
      release: () => {
        clearInterval(heartbeat);
        try {
          this.flush();
        } catch {
          // reported by the run already; the claims expire by themselves
        }
        try {
          this.conn.transaction([
            {
              sql: "DELETE FROM unit_claims WHERE run_id = $1 AND worker = $2",
              params: [runId, this.workerId],
            },
            {
              sql: "DELETE FROM run_workers WHERE run_id = $1 AND worker = $2",
              params: [runId, this.workerId],
            },
          ]);
        } catch {
          // unreachable database: the registration and claims expire by themselves
        }
      },
    };
  }

  setManifest(id: string, manifest: RunManifest): void {
    this.conn.run("UPDATE runs SET manifest = $1, judge = $2, updated_at = $3 WHERE id = $4", [
      JSON.stringify(manifest),
      manifest.judge?.id ?? null,
      new Date().toISOString(),
      id,
    ]);
  }

  setSummary(id: string, summary: unknown): void {
    this.conn.run("UPDATE runs SET summary = $1, updated_at = $2 WHERE id = $3", [
      JSON.stringify(summary),
      new Date().toISOString(),
      id,
    ]);
  }

  // ---------- claims ----------

  claimUnits(runId: string, keys: UnitKey[], opts: ClaimOptions = {}): UnitKey[] {
    if (keys.length === 0) return [];
    const finished = opts.redoErrors ? " AND s.error IS NULL" : "";
    const now = Date.now();
    const sql = `INSERT INTO unit_claims (run_id, sample_id, epoch, worker, expires_at)
       SELECT $1, c.sample_id, c.epoch, $4, $5 FROM unnest($2::text[], $3::int[]) AS c(sample_id, epoch)
       WHERE NOT EXISTS (SELECT 1 FROM samples s WHERE s.run_id = $1 AND s.sample_id = c.sample_id AND s.epoch = c.epoch${finished})
       ON CONFLICT (run_id, sample_id, epoch) DO UPDATE SET worker = excluded.worker, expires_at = excluded.expires_at
       WHERE unit_claims.expires_at <= $6
       RETURNING sample_id, epoch`;
    const params = [
      runId,
      keys.map((k) => k.sampleId),
      keys.map((k) => k.epoch),
      this.workerId,
      now + this.claimTtlMs,
      now,
    ];
    for (let attempt = 0; ; attempt++) {
      try {
        return this.conn
          .query<{ sample_id: string; epoch: number }>(sql, params)
          .map((r) => ({ sampleId: r.sample_id, epoch: r.epoch }));
      } catch (err) {
        // Two workers claiming overlapping units at once may deadlock; PostgreSQL aborts one: retry it.
        const code = (err as { code?: string }).code;
        if ((code === "40P01" || code === "40001") && attempt < 3) continue;
        throw err;
      }
    }
  }

  claimStats(runId: string): { stored: number; claimed: number } {
    return this.one<{ stored: number; claimed: number }>(CLAIM_STATS_SQL("$1", "$2"), [runId, Date.now()])!;
  }

  redoClaimsHeld(runId: string): number {
    const row = this.one<{ claimed: number | string }>(REDO_CLAIMS_SQL("$1", "$2", "$3"), [
      runId,
      Date.now(),
      this.workerId,
    ]);
    return Number(row?.claimed ?? 0);
  }

  releaseExpired(runId: string): number {
    const now = Date.now();
    const [claims] = this.conn.transaction([
      { sql: "DELETE FROM unit_claims WHERE run_id = $1 AND expires_at <= $2", params: [runId, now] },
      { sql: "DELETE FROM run_workers WHERE run_id = $1 AND expires_at <= $2", params: [runId, now] },
    ]);
    return claims!.rowCount;
  }

  // ---------- samples ----------

  /**
   * One transaction of a few multi-row statements: the samples (a unit written again replaces its row),
   * their old scores dropped and new ones inserted, blobs once by hash, cached answers, run timestamps.
   */
  protected writeBatch(
    results: SampleResult[],
    cacheRows: Map<string, string>,
    background?: (err: unknown) => void,
  ): void {
    if (this.readonly) throw new Error("run store opened read-only");
    const now = new Date().toISOString();
    // The last write of a unit wins, as with SQLite's INSERT OR REPLACE (one statement may not touch a row twice).
    const byKey = new Map<string, QueuedResult>();
    for (const raw of results) {
      const q = raw as QueuedResult;
      byKey.set(`${q.runId}\u0000${q.sampleId}\u0000${q.epoch}`, q);
    }
    const cols: unknown[][] = Array.from({ length: 19 }, () => []);
    const score: unknown[][] = Array.from({ length: 9 }, () => []);
    const blobs = new Map<string, { mime: string; data: Buffer }>();
    const runs = new Set<string>();
    for (const raw of byKey.values()) {
      const r = redactValue(raw);
      runs.add(raw.runId);
      const row = [
        raw.runId,
        r.sampleId,
        r.epoch,
        r.seq,
        storeBlobs(json(r.input), blobs),
        json(r.target),
        json(r.choices),
        json(r.metadata),
        storeBlobs(json(r.messages), blobs),
        pgText(r.output),
        json(r.store),
        pgText(r.error),
        r.inputTokens,
        r.outputTokens,
        r.judgeInputTokens,
        r.judgeOutputTokens,
        r.latencyMs ?? null,
        r.cached ? 1 : 0,
        now,
      ];
      pushColumns(cols, row);
      for (const [name, s] of Object.entries(r.scores))
        pushColumns(score, scoreRow(raw.runId, r.sampleId, r.epoch, name, s));
    }
    const statements: PgStatement[] = [];
    if (blobs.size)
      statements.push({
        sql: "INSERT INTO blobs (hash, mime, data) SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[]) ON CONFLICT DO NOTHING",
        params: [
          [...blobs.keys()],
          [...blobs.values()].map((b) => b.mime),
          [...blobs.values()].map((b) => b.data),
        ],
      });
    if (byKey.size) {
      const update = SAMPLE_COLUMNS.split(", ")
        .slice(2)
        .map((c) => `${c} = excluded.${c}`)
        .join(", ");
      statements.push(
        {
          sql: `INSERT INTO samples (run_id, ${SAMPLE_COLUMNS}) SELECT * FROM unnest(${unnestArgs(["text", ...SAMPLE_ARRAY_TYPES])})
                ON CONFLICT (run_id, sample_id, epoch) DO UPDATE SET ${update}`,
          params: cols,
        },
        {
          sql: `DELETE FROM scores s USING unnest($1::text[], $2::text[], $3::int[]) AS k(run_id, sample_id, epoch)
                WHERE s.run_id = k.run_id AND s.sample_id = k.sample_id AND s.epoch = k.epoch`,
          params: cols.slice(0, 3),
        },
      );
    }
    if (score[0]!.length)
      statements.push({
        sql: `INSERT INTO scores (run_id, ${SCORE_COPY_COLUMNS})
              SELECT * FROM unnest(${unnestArgs(["text", "text", "int", "text", "float8", "text", "text", "text", "text"])})`,
        params: score,
      });
    if (cacheRows.size)
      statements.push({
        sql: `INSERT INTO response_cache (key, value, created_at) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
              ON CONFLICT (key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
        params: [
          [...cacheRows.keys()],
          [...cacheRows.values()].map((v) => pgText(v)),
          [...cacheRows.keys()].map(() => Date.now()),
        ],
      });
    if (runs.size)
      statements.push({
        sql: "UPDATE runs SET updated_at = $1 WHERE id = ANY($2::text[])",
        params: [now, [...runs]],
      });
    if (!background) return void this.conn.transaction(statements);
    // The timer's batches commit while the run goes on; a few at most are in flight (then we wait).
    if (this.inFlight >= MAX_IN_FLIGHT) this.settle();
    this.inFlight++;
    this.conn.transactionInBackground(statements, (err) => {
      this.inFlight--;
      if (err) background(err);
    });
  }

  protected override settle(): void {
    if (this.inFlight > 0) this.conn.sync();
  }

  getBlob(hash: string): { mime: string; data: Buffer } | undefined {
    const row = this.one<{ mime: string; data: Uint8Array }>("SELECT mime, data FROM blobs WHERE hash = $1", [
      hash,
    ]);
    return row
      ? { mime: row.mime, data: Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength) }
      : undefined;
  }

  finishedKeys(runId: string, opts: { withoutErrors?: boolean } = {}): Set<string> {
    const rows = this.conn.query<{ sample_id: string; epoch: number }>(
      `SELECT sample_id, epoch FROM samples WHERE run_id = $1${opts.withoutErrors ? " AND error IS NULL" : ""}`,
      [runId],
    );
    return new Set(rows.map((r) => `${r.sample_id}\u0000${r.epoch}`));
  }

  countSamples(runId: string): { total: number; errors: number } {
    return this.one<{ total: number; errors: number }>(
      "SELECT COUNT(*) AS total, COUNT(error) AS errors FROM samples WHERE run_id = $1",
      [runId],
    )!;
  }

  sampleTotals(runId: string): SampleTotals {
    const t = this.one<Record<string, number | null>>(
      `SELECT COUNT(*) AS n, COUNT(error) AS errors, SUM(cached) AS cached, SUM(input_tokens) AS ti,
              SUM(output_tokens) AS tout, SUM(judge_input_tokens) AS ji, SUM(judge_output_tokens) AS jo,
              AVG(CASE WHEN cached = 0 THEN latency_ms END) AS lat
       FROM samples WHERE run_id = $1`,
      [runId],
    )!;
    return {
      samples: t.n ?? 0,
      errors: t.errors ?? 0,
      cached: t.cached ?? 0,
      tokens: { input: t.ti ?? 0, output: t.tout ?? 0, judgeInput: t.ji ?? 0, judgeOutput: t.jo ?? 0 },
      meanLatencyMs: t.lat ?? null,
    };
  }

  *scoreRows(runId: string, groupBy: string[] = []): Generator<ScoreRow> {
    const groupCols = groupBy.map((_, i) => `, m.metadata::jsonb #> $${i + 2}::text[] AS g${i}`).join("");
    const rows = this.conn.query<Row>(
      `SELECT s.scorer, s.sample_id, s.epoch, s.value${groupCols}
       FROM scores s JOIN samples m ON m.run_id = s.run_id AND m.sample_id = s.sample_id AND m.epoch = s.epoch
       WHERE s.run_id = $1 AND s.value IS NOT NULL
       ORDER BY s.scorer COLLATE "C", s.sample_id COLLATE "C", s.epoch`,
      [runId, ...groupBy.map((g) => g.split("."))],
    );
    for (const r of rows) {
      yield {
        scorer: r.scorer as string,
        sampleId: r.sample_id as string,
        epoch: r.epoch as number,
        value: r.value as number,
        groups: groupBy.map((_, i) => groupValue(r[`g${i}`])),
      };
    }
  }

  topErrors(runId: string, limit = 3): Array<{ error: string; count: number }> {
    return this.conn.query(
      `SELECT error, COUNT(*) AS count FROM samples WHERE run_id = $1 AND error IS NOT NULL
       GROUP BY error ORDER BY count DESC, error COLLATE "C" LIMIT $2`,
      [runId, limit],
    );
  }

  // ---------- re-scoring ----------

  startRescore(runId: string, spec: string): { done: number; todo: number } {
    this.flush();
    this.conn.run("DELETE FROM rescore_progress WHERE run_id = $1 AND spec <> $2", [runId, spec]);
    const done = this.one<{ n: number }>("SELECT COUNT(*) AS n FROM rescore_progress WHERE run_id = $1", [
      runId,
    ])!.n;
    const withOutput = this.one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM samples WHERE run_id = $1 AND output IS NOT NULL",
      [runId],
    )!.n;
    return { done, todo: withOutput - done };
  }

  *samplesToRescore(runId: string, pageSize = 256): Generator<StoredSample> {
    let after: [string, number] = ["", -1];
    for (;;) {
      const rows = this.conn.query<Row>(
        `SELECT * FROM samples m WHERE m.run_id = $1 AND m.output IS NOT NULL
           AND (m.sample_id COLLATE "C" > $2 OR (m.sample_id = $2 AND m.epoch > $3))
           AND NOT EXISTS (SELECT 1 FROM rescore_progress p
                           WHERE p.run_id = m.run_id AND p.sample_id = m.sample_id AND p.epoch = m.epoch)
         ORDER BY m.sample_id COLLATE "C", m.epoch LIMIT $4`,
        [runId, after[0], after[1], pageSize],
      );
      for (const row of rows) yield toStoredSample(row);
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1]!;
      after = [last.sample_id as string, last.epoch as number];
    }
  }

  saveRescored(runId: string, spec: string, rows: Rescored[]): void {
    const statements: PgStatement[] = [];
    for (const row of rows) {
      const r = redactValue(row);
      const key = [runId, r.sampleId, r.epoch];
      for (const name of r.scorers)
        statements.push({
          sql: "DELETE FROM scores WHERE run_id = $1 AND sample_id = $2 AND epoch = $3 AND scorer = $4",
          params: [...key, name],
        });
      for (const [name, sc] of Object.entries(r.scores))
        statements.push({
          sql: `INSERT INTO scores (run_id, ${SCORE_COPY_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
                ON CONFLICT (run_id, sample_id, epoch, scorer) DO UPDATE SET value = excluded.value, raw = excluded.raw,
                answer = excluded.answer, explanation = excluded.explanation, metadata = excluded.metadata`,
          params: scoreRow(runId, r.sampleId, r.epoch, name, sc),
        });
      statements.push({
        sql: "UPDATE samples SET error = $4 WHERE run_id = $1 AND sample_id = $2 AND epoch = $3",
        params: [...key, pgText(r.error)],
      });
      if (r.judgeTokens)
        statements.push({
          sql: "UPDATE samples SET judge_input_tokens = $4, judge_output_tokens = $5 WHERE run_id = $1 AND sample_id = $2 AND epoch = $3",
          params: [...key, r.judgeTokens.input, r.judgeTokens.output],
        });
      statements.push({
        sql: `INSERT INTO rescore_progress (run_id, sample_id, epoch, spec) VALUES ($1,$2,$3,$4)
              ON CONFLICT (run_id, sample_id, epoch) DO UPDATE SET spec = excluded.spec`,
        params: [...key, spec],
      });
    }
    this.conn.transaction(statements);
  }

  finishRescore(runId: string): void {
    this.conn.run("DELETE FROM rescore_progress WHERE run_id = $1", [runId]);
  }

  /** A page at a time (keyset on seq, epoch, sample id), so a large run is never held in memory whole. */
  *iterateSamples(runId: string, pageSize = 1000): Generator<StoredSample> {
    let after: [number, number, string] = [-1, 0, ""];
    for (;;) {
      const rows = this.conn.query<Row>(
        `SELECT * FROM samples WHERE run_id = $1 AND (seq, epoch, sample_id COLLATE "C") > ($2, $3, $4)
         ORDER BY seq, epoch, sample_id COLLATE "C" LIMIT $5`,
        [runId, ...after, pageSize],
      );
      for (const row of rows) yield toStoredSample(row);
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1]!;
      after = [last.seq as number, last.epoch as number, last.sample_id as string];
    }
  }

  scoresFor(runId: string): StoredScore[] {
    return this.conn
      .query<Row>(`SELECT ${SCORE_COLUMNS} FROM scores WHERE run_id = $1`, [runId])
      .map(toStoredScore);
  }

  scoresOf(runId: string, sampleId: string, epoch: number): StoredScore[] {
    return this.conn
      .query<Row>(`SELECT ${SCORE_COLUMNS} FROM scores WHERE run_id = $1 AND sample_id = $2 AND epoch = $3`, [
        runId,
        sampleId,
        epoch,
      ])
      .map(toStoredScore);
  }

  // ---------- response cache ----------

  protected readCache(key: string): string | undefined {
    return this.conn.exec(CACHE_GET, [key], "assay_cache_get").rows[0]?.value as string | undefined;
  }

  /**
   * `get` without blocking the thread on the round trip, for a caller that can await it (a model call
   * awaiting its cache lookup lets the other units in flight go on meanwhile).
   */
  async getAsync(key: string): Promise<ModelOutput | undefined> {
    const v =
      this.pendingCacheEntry(key) ??
      (await this.conn.queryAsync<{ value: string }>(CACHE_GET, [key], "assay_cache_get"))[0]?.value;
    return v === undefined ? undefined : (JSON.parse(v) as ModelOutput);
  }

  close(): void {
    this.closeWith(!this.readonly, () => this.conn.close());
  }

  // ---------- the results viewer ----------

  getSample(runId: string, sampleId: string, epoch: number): StoredSample | undefined {
    const row = this.one<Row>("SELECT * FROM samples WHERE run_id = $1 AND sample_id = $2 AND epoch = $3", [
      runId,
      sampleId,
      epoch,
    ]);
    return row ? toStoredSample(row) : undefined;
  }

  samplePage(runId: string, q: SamplePageQuery): { total: number; rows: SamplePageRow[] } {
    const sql = samplePageSql(runId, q);
    return samplePageResult(
      this.conn.query<Row>(sql.page, sql.pageArgs),
      sql.countsInPage,
      () => Number(this.one<{ n: number }>(sql.count, sql.countArgs)!.n),
      (sampleId, epoch) => this.scoresOf(runId, sampleId, epoch),
    );
  }
}

/** Append one row to column arrays (what `unnest` takes). */
function pushColumns(columns: unknown[][], row: unknown[]): void {
  for (let i = 0; i < row.length; i++) columns[i]!.push(row[i]);
}

function scoreRow(runId: string, sampleId: string, epoch: number, scorer: string, s: Score): unknown[] {
  return [
    runId,
    sampleId,
    epoch,
    scorer,
    scoreToNumber(s.value),
    JSON.stringify(s.value),
    pgText(s.answer),
    pgText(s.explanation),
    json(s.metadata),
  ];
}

/** Move inlined base64 images into `blobs` (written with the batch); the JSON keeps "assay-blob:<sha256>". */
function storeBlobs(text: string | null, blobs: Map<string, { mime: string; data: Buffer }>): string | null {
  if (text === null || !text.includes("data:")) return text;
  return text.replace(/data:([\w/+.-]+);base64,([A-Za-z0-9+/=]{256,})/g, (_m, mime: string, b64: string) => {
    const data = Buffer.from(b64, "base64");
    const hash = sha256(data);
    blobs.set(hash, { mime, data });
    return `assay-blob:${hash}`;
  });
}

/** A metadata value as SQLite's json_extract gives it: scalars as they are, objects as JSON text. */
function groupValue(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string" || typeof v === "number") return v;
  return JSON.stringify(v);
}
