/**
 * The run store: one SQLite database (WAL) holding run manifests, one row per finished (sample, epoch),
 * scores as rows, images once by hash, and the response cache. Results are queued and committed in
 * small transactions (every few milliseconds or every few hundred rows), so a crash or kill -9 loses
 * at most the last few milliseconds of work and never leaves a half-written sample.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import type { Score } from "../core/types.js";
import { errorMessage, UserError } from "../util/errors.js";
import { sha256 } from "../util/hash.js";
import { checkRunId } from "../util/run-id.js";
import { redactValue } from "../util/secrets.js";
import type { CacheStat, ClaimOptions, RunStoreApi, UnitKey } from "./api.js";
import { BatchingStore, type QueuedResult } from "./batching.js";
import { CLAIM_STATS_SQL, REDO_CLAIMS_SQL } from "./claims.js";
import { acquireLease, type LeaseOptions, type RunLease } from "./lease.js";
import { checkSchemaVersion, migrateSqlite } from "./migrations.js";
import { isPostgresUrl } from "./pg-client.js";
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
import {
  buildSamplePageSql,
  type SamplePageQuery,
  type SamplePageRow,
  SQLITE_SAMPLE_PAGE,
  samplePageResult,
} from "./sample-page.js";
import { type SideSql, sqliteSideSql } from "./side-sql.js";

export type { RunStoreApi, UnitKey } from "./api.js";
export type { RunLease } from "./lease.js";
export type {
  Rescored,
  RunExecution,
  RunManifest,
  RunRow,
  SampleResult,
  SampleTotals,
  ScoreRow,
  StoredSample,
  StoredScore,
} from "./records.js";
export { scoreToNumber } from "./records.js";
export type { SamplePageQuery, SamplePageRow } from "./sample-page.js";
export { STORE_FAILURE_EXIT, StoreWriteError, storeWriteError } from "./write-failure.js";

/** `$ASSAY_DB` (a file, resolved; or a PostgreSQL URL, as it is), else `.assay/assay.db`. */
export function defaultDbPath(): string {
  const env = process.env.ASSAY_DB;
  if (env !== undefined && isPostgresUrl(env)) return env;
  return resolve(env ?? ".assay/assay.db");
}

/** Columns a copied run takes over unchanged (all but run_id). */
const SAMPLE_COPY_COLUMNS =
  "sample_id, epoch, seq, input, target, choices, metadata, messages, output, store, error, input_tokens, " +
  "output_tokens, judge_input_tokens, judge_output_tokens, latency_ms, cached, finished_at";
const SCORE_COPY_COLUMNS = "sample_id, epoch, scorer, value, raw, answer, explanation, metadata";

export class SqliteRunStore extends BatchingStore implements RunStoreApi {
  readonly db: Database.Database;
  readonly path: string;
  private readonly stmts;
  /** A runner's lease lives this long without a heartbeat (see lease.ts). */
  leaseTtlMs = 30_000;
  /** One runner per run (the lease): claims are not needed to keep runners apart. */
  readonly sharedClaims = false;
  readonly workerId = randomUUID();
  claimTtlMs = 30_000;

  /** Tables other features keep beside the runs (annotations), through the same connection. */
  sideSql(): SideSql {
    return sqliteSideSql(this.db);
  }

  constructor(path: string = defaultDbPath(), opts: { readonly?: boolean } = {}) {
    super();
    this.path = path;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path, opts.readonly ? { readonly: true, fileMustExist: true } : {});
    } catch (err) {
      throw new UserError(`cannot open run database ${path}: ${(err as Error).message}`);
    }
    try {
      const version = checkSchemaVersion(this.db, path);
      if (!opts.readonly) {
        this.db.pragma("journal_mode = WAL");
        // FULL (default): a committed sample survives power loss too; commits are batched, so this costs
        // little. ASSAY_DB_SYNC=normal trades that for speed: still safe against crashes and kill -9.
        this.db.pragma(`synchronous = ${process.env.ASSAY_DB_SYNC === "normal" ? "NORMAL" : "FULL"}`);
        this.db.pragma("busy_timeout = 5000");
        migrateSqlite(this.db, version);
      }
    } catch (err) {
      this.db.close();
      if (err instanceof UserError) throw err;
      const code = (err as { code?: string }).code;
      if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT")
        throw new UserError(`${path} is not an Assay run database (${errorMessage(err)})`);
      throw new UserError(`cannot open run database ${path}: ${errorMessage(err)}`, { cause: err });
    }
    const db = this.db;
    this.stmts = opts.readonly
      ? undefined
      : {
          insertSample: db.prepare(
            `INSERT OR REPLACE INTO samples (run_id, sample_id, epoch, seq, input, target, choices, metadata, messages,
               output, store, error, input_tokens, output_tokens, judge_input_tokens, judge_output_tokens, latency_ms,
               cached, finished_at)
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
          ),
          deleteScores: db.prepare("DELETE FROM scores WHERE run_id = ? AND sample_id = ? AND epoch = ?"),
          insertScore: db.prepare(
            `INSERT OR REPLACE INTO scores (run_id, sample_id, epoch, scorer, value, raw, answer, explanation, metadata)
             VALUES (?,?,?,?,?,?,?,?,?)`,
          ),
          insertBlob: db.prepare("INSERT OR IGNORE INTO blobs (hash, mime, data) VALUES (?,?,?)"),
          cacheGet: db.prepare("SELECT value FROM response_cache WHERE key = ?").pluck(),
          cachePut: db.prepare(
            "INSERT OR REPLACE INTO response_cache (key, value, created_at) VALUES (?,?,?)",
          ),
          touchRun: db.prepare("UPDATE runs SET updated_at = ? WHERE id = ?"),
        };
  }

  private get w() {
    if (!this.stmts) throw new Error("run store opened read-only");
    return this.stmts;
  }

  // ---------- runs ----------

  createRun(manifest: RunManifest): void {
    checkRunId(manifest.runId);
    const now = new Date().toISOString();
    try {
      this.db
        .prepare(
          `INSERT INTO runs (id, created_at, updated_at, status, task, task_version, model, judge, config_hash, manifest)
           VALUES (?,?,?,?,?,?,?,?,?,?)`,
        )
        .run(
          manifest.runId,
          now,
          now,
          "running",
          manifest.task.name,
          manifest.task.version,
          manifest.model.id,
          manifest.judge?.id ?? null,
          manifest.configHash,
          JSON.stringify(manifest),
        );
    } catch (err) {
      if (String(err).includes("UNIQUE"))
        throw new UserError(
          `run id "${manifest.runId}" already exists in ${this.path}; use assay resume ${manifest.runId}`,
        );
      throw err;
    }
  }

  getRun(id: string): RunRow | undefined {
    const row = this.db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as Row | undefined;
    return row ? toRunRow(row) : undefined;
  }

  /**
   * The run with exactly this id, or else the only run whose id starts with it (a literal, case-sensitive
   * prefix: no wildcards). No match or several are a UserError; several are listed.
   */
  requireRun(id: string): RunRow {
    if (id.length === 0) throw new UserError(`empty run id (see: assay runs)`);
    const exact = this.getRun(id);
    if (exact) return exact;
    const matches = this.db
      .prepare("SELECT id FROM runs WHERE substr(id, 1, ?) = ? ORDER BY created_at DESC, id LIMIT 11")
      .pluck()
      .all(id.length, id) as string[];
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
    const rows = this.db
      .prepare("SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?")
      .all(limit) as Row[];
    return rows.map(toRunRow);
  }

  /** Remove a run with its samples and scores (blobs and cached responses stay: they are shared). */
  /** Delete a run with its samples, scores and stop records, and the images no other run references. */
  deleteRun(id: string): void {
    this.flush();
    const rows = this.db.prepare("SELECT input, messages FROM samples WHERE run_id = ?").raw().iterate(id);
    const hashes = blobRefs(rows as Iterable<Array<string | null>>);
    const stillUsed = this.db.prepare(
      "SELECT 1 FROM samples WHERE instr(input, ?) > 0 OR instr(messages, ?) > 0 LIMIT 1",
    );
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM rescore_progress WHERE run_id = ?").run(id);
      this.db.prepare("DELETE FROM run_stops WHERE run_id = ?").run(id);
      this.db.prepare("DELETE FROM scores WHERE run_id = ?").run(id);
      this.db.prepare("DELETE FROM samples WHERE run_id = ?").run(id);
      this.db.prepare("DELETE FROM unit_claims WHERE run_id = ?").run(id);
      this.db.prepare("DELETE FROM runs WHERE id = ?").run(id);
      for (const h of hashes) {
        const ref = `${BLOB_PREFIX}${h}`;
        if (!stillUsed.get(ref, ref)) this.db.prepare("DELETE FROM blobs WHERE hash = ?").run(h);
      }
    })();
  }

  /**
   * Copy a run's samples and scores into another, already created, run (`createRun`), in one
   * transaction: a re-judge starts from a copy and replaces scores in it.
   */
  copyRun(fromId: string, toId: string): { samples: number; scores: number } {
    this.flush();
    return this.db.transaction(() => {
      const samples = this.db
        .prepare(
          `INSERT INTO samples (run_id, ${SAMPLE_COPY_COLUMNS}) SELECT ?, ${SAMPLE_COPY_COLUMNS} FROM samples WHERE run_id = ?`,
        )
        .run(toId, fromId).changes;
      const scores = this.db
        .prepare(
          `INSERT INTO scores (run_id, ${SCORE_COPY_COLUMNS}) SELECT ?, ${SCORE_COPY_COLUMNS} FROM scores WHERE run_id = ?`,
        )
        .run(toId, fromId).changes;
      return { samples, scores };
    })();
  }

  setStatus(id: string, status: RunRow["status"], reason?: string): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db.prepare("UPDATE runs SET status = ?, updated_at = ? WHERE id = ?").run(status, now, id);
      if (reason !== undefined)
        this.db
          .prepare("INSERT OR REPLACE INTO run_stops (run_id, reason, at) VALUES (?,?,?)")
          .run(id, reason, now);
      else this.db.prepare("DELETE FROM run_stops WHERE run_id = ?").run(id);
    })();
  }

  /**
   * `setStatus` when the database may be failing (a full disk): on failure, checkpoint the WAL (which
   * frees its space) and try once more. Returns false when the status could not be written.
   */
  trySetStatus(id: string, status: RunRow["status"], reason?: string): boolean {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        this.setStatus(id, status, reason);
        return true;
      } catch {
        try {
          this.db.pragma("wal_checkpoint(TRUNCATE)");
        } catch {
          // nothing more to free
        }
      }
    }
    return false;
  }

  /** Why the run last stopped before completing, if it did. */
  stopReason(id: string): string | undefined {
    return this.db.prepare("SELECT reason FROM run_stops WHERE run_id = ?").pluck().get(id) as
      | string
      | undefined;
  }

  /** Claim the run for this process (refused while another runner holds it); see lease.ts. */
  acquireLease(runId: string, onLost?: (err: Error) => void): RunLease {
    const opts: LeaseOptions = { ttlMs: this.leaseTtlMs, ...(onLost ? { onLost } : {}) };
    return acquireLease(this.db, runId, opts);
  }

  /** Rewrite a run's manifest (re-scoring records its new judge and scorers); the config hash stays. */
  setManifest(id: string, manifest: RunManifest): void {
    this.db
      .prepare("UPDATE runs SET manifest = ?, judge = ?, updated_at = ? WHERE id = ?")
      .run(JSON.stringify(manifest), manifest.judge?.id ?? null, new Date().toISOString(), id);
  }

  setSummary(id: string, summary: unknown): void {
    this.db
      .prepare("UPDATE runs SET summary = ?, updated_at = ? WHERE id = ?")
      .run(JSON.stringify(summary), new Date().toISOString(), id);
  }

  // ---------- samples ----------

  /** One transaction: the results with their scores and blobs, and cached answers. */
  protected writeBatch(results: SampleResult[], cacheRows: Map<string, string>): void {
    const w = this.w;
    const now = new Date().toISOString();
    const runs = new Set<string>();
    this.db.transaction(() => {
      for (const raw of results) {
        // Nothing a model or a dataset echoed of an API key reaches the database (README: secrets).
        const r = redactValue(raw);
        const runId = (raw as QueuedResult).runId;
        runs.add(runId);
        w.insertSample.run(
          runId,
          r.sampleId,
          r.epoch,
          r.seq,
          this.storeBlobs(json(r.input)),
          json(r.target),
          json(r.choices),
          json(r.metadata),
          this.storeBlobs(json(r.messages)),
          r.output ?? null,
          json(r.store),
          r.error ?? null,
          r.inputTokens,
          r.outputTokens,
          r.judgeInputTokens,
          r.judgeOutputTokens,
          r.latencyMs ?? null,
          r.cached ? 1 : 0,
          now,
        );
        w.deleteScores.run(runId, r.sampleId, r.epoch);
        for (const [name, s] of Object.entries(r.scores))
          this.insertScore(runId, r.sampleId, r.epoch, name, s);
      }
      for (const [key, value] of cacheRows) w.cachePut.run(key, value, Date.now());
      for (const id of runs) w.touchRun.run(now, id);
    })();
  }

  private insertScore(runId: string, sampleId: string, epoch: number, scorer: string, s: Score): void {
    this.w.insertScore.run(
      runId,
      sampleId,
      epoch,
      scorer,
      scoreToNumber(s.value),
      JSON.stringify(s.value),
      s.answer ?? null,
      s.explanation ?? null,
      json(s.metadata),
    );
  }

  /** Move inlined base64 images into the blobs table; the JSON keeps "assay-blob:<sha256>". */
  private storeBlobs(text: string | null): string | null {
    if (text === null || !text.includes("data:")) return text;
    return text.replace(
      /data:([\w/+.-]+);base64,([A-Za-z0-9+/=]{256,})/g,
      (_m, mime: string, b64: string) => {
        const data = Buffer.from(b64, "base64");
        const hash = sha256(data);
        this.w.insertBlob.run(hash, mime, data);
        return `assay-blob:${hash}`;
      },
    );
  }

  getBlob(hash: string): { mime: string; data: Buffer } | undefined {
    return this.db.prepare("SELECT mime, data FROM blobs WHERE hash = ?").get(hash) as
      | { mime: string; data: Buffer }
      | undefined;
  }

  /** Keys "sampleId\u0000epoch" of finished samples; with `withoutErrors`, only successful ones. */
  finishedKeys(runId: string, opts: { withoutErrors?: boolean } = {}): Set<string> {
    const sql = `SELECT sample_id, epoch FROM samples WHERE run_id = ?${opts.withoutErrors ? " AND error IS NULL" : ""}`;
    const out = new Set<string>();
    for (const row of this.db.prepare(sql).raw().iterate(runId) as Iterable<[string, number]>)
      out.add(`${row[0]}\u0000${row[1]}`);
    return out;
  }

  countSamples(runId: string): { total: number; errors: number } {
    const r = this.db
      .prepare("SELECT COUNT(*) AS total, COUNT(error) AS errors FROM samples WHERE run_id = ?")
      .get(runId) as { total: number; errors: number };
    return r;
  }

  /** Counts and sums over the run's samples, for its summary. */
  sampleTotals(runId: string): SampleTotals {
    const t = this.db
      .prepare(
        `SELECT COUNT(*) AS n, COUNT(error) AS errors, SUM(cached) AS cached, SUM(input_tokens) AS ti,
                SUM(output_tokens) AS tout, SUM(judge_input_tokens) AS ji, SUM(judge_output_tokens) AS jo,
                AVG(CASE WHEN cached = 0 THEN latency_ms END) AS lat
         FROM samples WHERE run_id = ?`,
      )
      .get(runId) as Record<string, number | null>;
    return {
      samples: t.n ?? 0,
      errors: t.errors ?? 0,
      cached: t.cached ?? 0,
      tokens: { input: t.ti ?? 0, output: t.tout ?? 0, judgeInput: t.ji ?? 0, judgeOutput: t.jo ?? 0 },
      meanLatencyMs: t.lat ?? null,
    };
  }

  /**
   * The run's numeric scores ordered by scorer, sample and epoch, each with the sample's values of the
   * metadata keys in `groupBy`. Streams from SQLite: consume it without awaiting in between, since the
   * connection is busy until the iteration ends.
   */
  *scoreRows(runId: string, groupBy: string[] = []): Generator<ScoreRow> {
    const groupCols = groupBy.map((_, i) => `, json_extract(m.metadata, ?) AS g${i}`).join("");
    const rows = this.db
      .prepare(
        `SELECT s.scorer, s.sample_id, s.epoch, s.value${groupCols}
         FROM scores s JOIN samples m ON m.run_id = s.run_id AND m.sample_id = s.sample_id AND m.epoch = s.epoch
         WHERE s.run_id = ? AND s.value IS NOT NULL
         ORDER BY s.scorer, s.sample_id, s.epoch`,
      )
      .raw()
      .iterate(...groupBy.map((g) => `$.${g}`), runId) as Iterable<unknown[]>;
    for (const r of rows) {
      yield {
        scorer: r[0] as string,
        sampleId: r[1] as string,
        epoch: r[2] as number,
        value: r[3] as number,
        groups: r.slice(4) as Array<string | number | null>,
      };
    }
  }

  /** The commonest sample errors of a run, most frequent first. */
  topErrors(runId: string, limit = 3): Array<{ error: string; count: number }> {
    return this.db
      .prepare(
        `SELECT error, COUNT(*) AS count FROM samples WHERE run_id = ? AND error IS NOT NULL
         GROUP BY error ORDER BY count DESC, error LIMIT ?`,
      )
      .all(runId, limit) as Array<{ error: string; count: number }>;
  }

  // ---------- re-scoring ----------

  /**
   * Start or continue re-scoring a run with a given set of scorers and judge (`spec`, a hash of them).
   * Progress left by an unfinished re-scoring with another spec is dropped. Returns how many samples
   * this spec has already re-scored and how many remain.
   */
  startRescore(runId: string, spec: string): { done: number; todo: number } {
    this.flush();
    this.db.prepare("DELETE FROM rescore_progress WHERE run_id = ? AND spec <> ?").run(runId, spec);
    const done = this.db
      .prepare("SELECT COUNT(*) FROM rescore_progress WHERE run_id = ?")
      .pluck()
      .get(runId) as number;
    const withOutput = this.db
      .prepare("SELECT COUNT(*) FROM samples WHERE run_id = ? AND output IS NOT NULL")
      .pluck()
      .get(runId) as number;
    return { done, todo: withOutput - done };
  }

  /**
   * Samples with an output that the current re-scoring has not done yet. Read a page at a time, so the
   * caller may write (`saveRescored`) between pages and memory holds one page, not the run.
   */
  *samplesToRescore(runId: string, pageSize = 256): Generator<StoredSample> {
    const page = this.db.prepare(
      `SELECT * FROM samples m WHERE m.run_id = ? AND m.output IS NOT NULL AND (m.sample_id, m.epoch) > (?, ?)
         AND NOT EXISTS (SELECT 1 FROM rescore_progress p
                         WHERE p.run_id = m.run_id AND p.sample_id = m.sample_id AND p.epoch = m.epoch)
       ORDER BY m.sample_id, m.epoch LIMIT ?`,
    );
    let after: [string, number] = ["", -1];
    for (;;) {
      const rows = page.all(runId, after[0], after[1], pageSize) as Row[];
      for (const row of rows) yield toStoredSample(row);
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1]!;
      after = [last.sample_id as string, last.epoch as number];
    }
  }

  /**
   * Write re-scored samples in one transaction: the re-run scorers' rows are replaced, the sample's
   * error and (when given) judge tokens are set, and each sample is marked done for `spec`.
   */
  saveRescored(runId: string, spec: string, rows: Rescored[]): void {
    const db = this.db;
    const dropScore = db.prepare(
      "DELETE FROM scores WHERE run_id = ? AND sample_id = ? AND epoch = ? AND scorer = ?",
    );
    const setError = db.prepare(
      "UPDATE samples SET error = ? WHERE run_id = ? AND sample_id = ? AND epoch = ?",
    );
    const setTokens = db.prepare(
      "UPDATE samples SET judge_input_tokens = ?, judge_output_tokens = ? WHERE run_id = ? AND sample_id = ? AND epoch = ?",
    );
    const mark = db.prepare(
      "INSERT OR REPLACE INTO rescore_progress (run_id, spec, sample_id, epoch) VALUES (?,?,?,?)",
    );
    db.transaction(() => {
      for (const row of rows) {
        const r = redactValue(row);
        for (const name of r.scorers) dropScore.run(runId, r.sampleId, r.epoch, name);
        for (const [name, sc] of Object.entries(r.scores))
          this.insertScore(runId, r.sampleId, r.epoch, name, sc);
        setError.run(r.error, runId, r.sampleId, r.epoch);
        if (r.judgeTokens)
          setTokens.run(r.judgeTokens.input, r.judgeTokens.output, runId, r.sampleId, r.epoch);
        mark.run(runId, spec, r.sampleId, r.epoch);
      }
    })();
  }

  /** A re-scoring went through every sample: forget its progress. */
  finishRescore(runId: string): void {
    this.db.prepare("DELETE FROM rescore_progress WHERE run_id = ?").run(runId);
  }

  *iterateSamples(runId: string): Generator<StoredSample> {
    const stmt = this.db.prepare("SELECT * FROM samples WHERE run_id = ? ORDER BY seq, epoch");
    for (const row of stmt.iterate(runId) as Iterable<Row>) yield toStoredSample(row);
  }

  scoresFor(runId: string): StoredScore[] {
    const rows = this.db.prepare(`SELECT ${SCORE_COLUMNS} FROM scores WHERE run_id = ?`).all(runId) as Row[];
    return rows.map(toStoredScore);
  }

  private scoresOfStmt: Database.Statement | undefined;

  /** Scores of one sample (one row per scorer). */
  scoresOf(runId: string, sampleId: string, epoch: number): StoredScore[] {
    this.scoresOfStmt ??= this.db.prepare(
      `SELECT ${SCORE_COLUMNS} FROM scores WHERE run_id = ? AND sample_id = ? AND epoch = ?`,
    );
    return (this.scoresOfStmt.all(runId, sampleId, epoch) as Row[]).map(toStoredScore);
  }

  // ---------- response cache ----------

  protected readCache(key: string): string | undefined {
    return this.w.cacheGet.get(key) as string | undefined;
  }

  /** Response-cache entries and bytes per model (the `source` each answer records; null before it did). */
  cacheStats(): CacheStat[] {
    this.flush();
    return this.db
      .prepare(
        `SELECT json_extract(value, '$.source') AS model, COUNT(*) AS entries,
           SUM(length(key) + length(value)) AS bytes, MIN(created_at) AS oldest, MAX(created_at) AS newest
         FROM response_cache GROUP BY model ORDER BY bytes DESC`,
      )
      .all() as CacheStat[];
  }

  /** Delete response-cache entries created before `before` (ms since the epoch) and/or of one model. */
  pruneCache(opts: { before?: number; model?: string } = {}): number {
    this.flush();
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (opts.before !== undefined) {
      where.push("created_at < ?");
      args.push(opts.before);
    }
    if (opts.model !== undefined) {
      where.push("json_extract(value, '$.source') = ?");
      args.push(opts.model);
    }
    const sql = `DELETE FROM response_cache${where.length ? ` WHERE ${where.join(" AND ")}` : ""}`;
    return this.db.prepare(sql).run(...args).changes;
  }

  close(): void {
    this.closeWith(this.stmts !== undefined, () => this.db.close());
  }

  // ---------- claims (shared runs; one runner per SQLite run, so the engine does not call these) ----------

  claimUnits(runId: string, keys: UnitKey[], opts: ClaimOptions = {}): UnitKey[] {
    const now = Date.now();
    const finished = opts.redoErrors ? " AND error IS NULL" : "";
    const claim = this.db.prepare(
      `INSERT INTO unit_claims (run_id, sample_id, epoch, worker, expires_at)
       SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM samples WHERE run_id = ? AND sample_id = ? AND epoch = ?${finished})
       ON CONFLICT (run_id, sample_id, epoch) DO UPDATE SET worker = excluded.worker, expires_at = excluded.expires_at
       WHERE unit_claims.expires_at <= ?`,
    );
    return this.db.transaction(() =>
      keys.filter(
        (k) =>
          claim.run(
            runId,
            k.sampleId,
            k.epoch,
            this.workerId,
            now + this.claimTtlMs,
            runId,
            k.sampleId,
            k.epoch,
            now,
          ).changes > 0,
      ),
    )();
  }

  claimStats(runId: string): { stored: number; claimed: number } {
    return this.db.prepare(CLAIM_STATS_SQL("@run", "@now")).get({ run: runId, now: Date.now() }) as {
      stored: number;
      claimed: number;
    };
  }

  redoClaimsHeld(runId: string): number {
    const row = this.db
      .prepare(REDO_CLAIMS_SQL("@run", "@now", "@worker"))
      .get({ run: runId, now: Date.now(), worker: this.workerId }) as { claimed: number };
    return row.claimed;
  }

  releaseExpired(runId: string): number {
    return this.db
      .prepare("DELETE FROM unit_claims WHERE run_id = ? AND expires_at <= ?")
      .run(runId, Date.now()).changes;
  }

  // ---------- read methods for the results viewer (src/view) ----------

  /** One stored (sample, epoch), or undefined. */
  getSample(runId: string, sampleId: string, epoch: number): StoredSample | undefined {
    const row = this.db
      .prepare("SELECT * FROM samples WHERE run_id = ? AND sample_id = ? AND epoch = ?")
      .get(runId, sampleId, epoch) as Row | undefined;
    return row ? toStoredSample(row) : undefined;
  }

  /**
   * One page of a run's samples, filtered and sorted in SQL (sample-page.ts) so that a page of a
   * 100,000-sample run reads index entries, not the run. `total` counts every match.
   */
  samplePage(runId: string, q: SamplePageQuery): { total: number; rows: SamplePageRow[] } {
    const sql = buildSamplePageSql(SQLITE_SAMPLE_PAGE, runId, q);
    return samplePageResult(
      this.db.prepare(sql.page).all(...sql.pageArgs) as Row[],
      sql.countsInPage,
      () =>
        this.db
          .prepare(sql.count)
          .pluck()
          .get(...sql.countArgs) as number,
      (sampleId, epoch) => this.scoresOf(runId, sampleId, epoch),
    );
  }
}

/**
 * `new RunStore(path)` opens a SQLite store; the type `RunStore` is the interface both backends implement
 * (so callers typed `RunStore` take a PostgreSQL store too: see cli-kit/store.ts openStore).
 */
export const RunStore = SqliteRunStore;
export type RunStore = RunStoreApi;
