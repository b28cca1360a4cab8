/**
 * The run store: one SQLite database (WAL) holding run manifests, one row per finished (sample, epoch),
 * scores as rows, images once by hash, and the response cache. Results are queued and committed in
 * small transactions (every few milliseconds or every few hundred rows), so a crash or kill -9 loses
 * at most the last few milliseconds of work and never leaves a half-written sample.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import type { GenerateConfig, ModelOutput, Score, TaskArgs } from "../core/types.js";
import type { ResponseCache } from "../providers/model.js";
import { UserError } from "../util/errors.js";
import { sha256 } from "../util/hash.js";
import { SCHEMA_SQL, SCHEMA_VERSION } from "./schema.js";

export interface RunManifest {
  runId: string;
  createdAt: string;
  toolVersion: string;
  task: { name: string; version: string; args: TaskArgs };
  model: { id: string; endpoint?: string };
  judge?: { id: string; endpoint?: string };
  generate: GenerateConfig;
  epochs: number;
  epochReducer: string;
  /** Seed sent to the model (epoch k uses seed+k-1) and used for resampling; absent when not given. */
  seed?: number;
  limit?: number;
  scorers: Array<{ name: string; metrics: string[] }>;
  /** The dataset and its content hash, so resume can tell when the file was edited. */
  dataset?: { name: string; sha256: string };
  /** Execution knobs: recorded, but not part of the config hash (they don't change answers). */
  execution: { concurrency: number; timeoutS?: number; maxRetries: number; cache: boolean };
  configHash: string;
}

export interface RunRow {
  id: string;
  createdAt: string;
  updatedAt: string;
  status: "running" | "completed" | "interrupted";
  task: string;
  model: string;
  judge: string | null;
  manifest: RunManifest;
  summary: unknown;
}

export interface SampleResult {
  sampleId: string;
  epoch: number;
  seq: number;
  input: unknown;
  target?: unknown;
  choices?: unknown;
  metadata?: unknown;
  messages?: unknown;
  output?: string;
  store?: Record<string, unknown>;
  error?: string;
  inputTokens: number;
  outputTokens: number;
  judgeInputTokens: number;
  judgeOutputTokens: number;
  latencyMs?: number;
  cached: boolean;
  scores: Record<string, Score>;
}

export interface StoredSample {
  sampleId: string;
  epoch: number;
  seq: number;
  input: unknown;
  target: unknown;
  choices: unknown;
  metadata: Record<string, unknown> | undefined;
  messages: unknown;
  output: string | null;
  store: Record<string, unknown> | undefined;
  error: string | null;
  inputTokens: number;
  outputTokens: number;
  judgeInputTokens: number;
  judgeOutputTokens: number;
  latencyMs: number | null;
  cached: boolean;
  finishedAt: string;
}

export interface StoredScore {
  sampleId: string;
  epoch: number;
  scorer: string;
  value: number | null;
  raw: unknown;
  answer: string | null;
  explanation: string | null;
  metadata: unknown;
}

/** Numeric view of a score value: numbers as is, booleans 1/0, "C"/"I"/"P" (inspect_ai style) 1/0/0.5. */
export function scoreToNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const letters: Record<string, number> = { C: 1, I: 0, P: 0.5 };
    if (value in letters) return letters[value]!;
    const n = Number(value);
    return value.trim() !== "" && Number.isFinite(n) ? n : null;
  }
  return null;
}

export function defaultDbPath(): string {
  return resolve(process.env.ASSAY_DB ?? ".assay/assay.db");
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const parse = (s: string | null): unknown => (s === null ? undefined : JSON.parse(s));

type Row = Record<string, unknown>;

export class RunStore implements ResponseCache {
  readonly db: Database.Database;
  readonly path: string;
  private pending: SampleResult[] = [];
  private pendingCache: Array<[string, string]> = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly stmts;
  /** Flush when this many results are queued, or after flushIntervalMs. */
  flushEvery = 256;
  flushIntervalMs = 20;

  constructor(path: string = defaultDbPath(), opts: { readonly?: boolean } = {}) {
    this.path = path;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path, opts.readonly ? { readonly: true, fileMustExist: true } : {});
    } catch (err) {
      throw new UserError(`cannot open run database ${path}: ${(err as Error).message}`);
    }
    if (!opts.readonly) {
      this.db.pragma("journal_mode = WAL");
      // FULL (default): a committed sample survives power loss too; commits are batched, so this costs
      // little. ASSAY_DB_SYNC=normal trades that for speed: still safe against crashes and kill -9.
      this.db.pragma(`synchronous = ${process.env.ASSAY_DB_SYNC === "normal" ? "NORMAL" : "FULL"}`);
      this.db.pragma("busy_timeout = 5000");
      this.db.exec(SCHEMA_SQL);
      this.db
        .prepare("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)")
        .run(String(SCHEMA_VERSION));
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

  /** The run, or a UserError that lists close matches. Accepts a unique prefix of the id. */
  requireRun(id: string): RunRow {
    const exact = this.getRun(id);
    if (exact) return exact;
    const matches = this.db
      .prepare("SELECT id FROM runs WHERE id LIKE ? ORDER BY created_at DESC LIMIT 5")
      .pluck()
      .all(`${id}%`) as string[];
    if (matches.length === 1) return this.getRun(matches[0]!)!;
    if (matches.length > 1) throw new UserError(`run id "${id}" is ambiguous: ${matches.join(", ")}`);
    throw new UserError(`no run "${id}" in ${this.path} (see: assay runs)`);
  }

  listRuns(limit = 50): RunRow[] {
    const rows = this.db
      .prepare("SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?")
      .all(limit) as Row[];
    return rows.map(toRunRow);
  }

  /** Remove a run with its samples and scores (blobs and cached responses stay: they are shared). */
  deleteRun(id: string): void {
    this.flush();
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM scores WHERE run_id = ?").run(id);
      this.db.prepare("DELETE FROM samples WHERE run_id = ?").run(id);
      this.db.prepare("DELETE FROM runs WHERE id = ?").run(id);
    })();
  }

  setStatus(id: string, status: RunRow["status"]): void {
    this.db
      .prepare("UPDATE runs SET status = ?, updated_at = ? WHERE id = ?")
      .run(status, new Date().toISOString(), id);
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

  /** Queue a finished sample; it is committed within milliseconds (see flushIntervalMs). */
  addResult(runId: string, result: SampleResult): void {
    (result as SampleResult & { runId: string }).runId = runId;
    this.pending.push(result);
    if (this.pending.length >= this.flushEvery) this.flush();
    else if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), this.flushIntervalMs);
  }

  /** Commit everything queued, in one transaction. */
  flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (this.pending.length === 0 && this.pendingCache.length === 0) return;
    const results = this.pending;
    const cacheRows = this.pendingCache;
    this.pending = [];
    this.pendingCache = [];
    const w = this.w;
    const now = new Date().toISOString();
    const runs = new Set<string>();
    this.db.transaction(() => {
      for (const r of results) {
        const runId = (r as SampleResult & { runId: string }).runId;
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

  /**
   * Replace the given scorers' scores of stored samples (re-scoring); other scorers' rows stay. With
   * `judgeTokens`, the sample's judge token counts become those of the re-scoring. One transaction.
   */
  replaceScores(
    runId: string,
    rows: Array<{
      sampleId: string;
      epoch: number;
      scores: Record<string, Score>;
      judgeTokens?: { input: number; output: number };
    }>,
  ): void {
    const tokens = this.db.prepare(
      "UPDATE samples SET judge_input_tokens = ?, judge_output_tokens = ? WHERE run_id = ? AND sample_id = ? AND epoch = ?",
    );
    this.db.transaction(() => {
      for (const r of rows) {
        if (r.judgeTokens) tokens.run(r.judgeTokens.input, r.judgeTokens.output, runId, r.sampleId, r.epoch);
        for (const [name, s] of Object.entries(r.scores))
          this.insertScore(runId, r.sampleId, r.epoch, name, s);
      }
    })();
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

  get(key: string): ModelOutput | undefined {
    const v = this.w.cacheGet.get(key) as string | undefined;
    return v === undefined ? undefined : (JSON.parse(v) as ModelOutput);
  }

  put(key: string, output: ModelOutput): void {
    const { cached: _c, ...rest } = output;
    this.pendingCache.push([key, JSON.stringify(rest)]);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), this.flushIntervalMs);
  }

  close(): void {
    if (this.stmts) this.flush();
    this.db.close();
  }
}

const SCORE_COLUMNS = "sample_id, epoch, scorer, value, raw, answer, explanation, metadata";

function toStoredScore(r: Row): StoredScore {
  return {
    sampleId: r.sample_id as string,
    epoch: r.epoch as number,
    scorer: r.scorer as string,
    value: r.value as number | null,
    raw: parse(r.raw as string),
    answer: r.answer as string | null,
    explanation: r.explanation as string | null,
    metadata: parse(r.metadata as string | null),
  };
}

function toRunRow(row: Row): RunRow {
  return {
    id: row.id as string,
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
    status: row.status as RunRow["status"],
    task: row.task as string,
    model: row.model as string,
    judge: row.judge as string | null,
    manifest: JSON.parse(row.manifest as string) as RunManifest,
    summary: parse(row.summary as string | null),
  };
}

function toStoredSample(row: Row): StoredSample {
  return {
    sampleId: row.sample_id as string,
    epoch: row.epoch as number,
    seq: row.seq as number,
    input: parse(row.input as string),
    target: parse(row.target as string | null),
    choices: parse(row.choices as string | null),
    metadata: parse(row.metadata as string | null) as Record<string, unknown> | undefined,
    messages: parse(row.messages as string | null),
    output: row.output as string | null,
    store: parse(row.store as string | null) as Record<string, unknown> | undefined,
    error: row.error as string | null,
    inputTokens: row.input_tokens as number,
    outputTokens: row.output_tokens as number,
    judgeInputTokens: row.judge_input_tokens as number,
    judgeOutputTokens: row.judge_output_tokens as number,
    latencyMs: row.latency_ms as number | null,
    cached: row.cached === 1,
    finishedAt: row.finished_at as string,
  };
}
