/**
 * SQLite schema of the run store, as numbered migrations (migrations.ts applies them): version 1 is the
 * schema every store had before versions were counted; each change is a new number, never an edit.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- One row per run: the manifest says exactly what was run, so it can be resumed and re-scored.
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  status TEXT NOT NULL,            -- running | completed | interrupted
  task TEXT NOT NULL,
  task_version TEXT NOT NULL,
  model TEXT NOT NULL,
  judge TEXT,
  config_hash TEXT NOT NULL,
  manifest TEXT NOT NULL,          -- JSON RunManifest
  summary TEXT                     -- JSON RunSummary, written when a run finishes or is re-scored
);

-- One row per (sample, epoch), written as soon as the sample finishes.
CREATE TABLE IF NOT EXISTS samples (
  run_id TEXT NOT NULL,
  sample_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  seq INTEGER NOT NULL,            -- position in the dataset, for stable ordering
  input TEXT NOT NULL,             -- JSON: string or messages (images as blob references)
  target TEXT,                     -- JSON
  choices TEXT,                    -- JSON
  metadata TEXT,                   -- JSON
  messages TEXT,                   -- JSON transcript after the solvers ran
  output TEXT,                     -- final model output text
  store TEXT,                      -- JSON per-sample solver data
  error TEXT,                      -- set when the sample failed; secrets redacted
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  judge_input_tokens INTEGER NOT NULL DEFAULT 0,
  judge_output_tokens INTEGER NOT NULL DEFAULT 0,
  latency_ms REAL,
  cached INTEGER NOT NULL DEFAULT 0,
  finished_at TEXT NOT NULL,
  PRIMARY KEY (run_id, sample_id, epoch)
) WITHOUT ROWID;

-- Scores as rows (not a JSON blob), so metrics, leaderboards and agreement queries are plain SQL.
CREATE TABLE IF NOT EXISTS scores (
  run_id TEXT NOT NULL,
  sample_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  scorer TEXT NOT NULL,
  value REAL,                      -- numeric view of the value (NULL when it has none)
  raw TEXT NOT NULL,               -- JSON of the value as the scorer returned it
  answer TEXT,
  explanation TEXT,
  metadata TEXT,
  PRIMARY KEY (run_id, sample_id, epoch, scorer)
) WITHOUT ROWID;

-- Large content (images) stored once by sha256 and referenced as "assay-blob:<sha256>".
CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, mime TEXT NOT NULL, data BLOB NOT NULL);

-- Samples already re-scored by an unfinished re-scoring (spec: a hash of its scorers and judge), so an
-- interrupted re-scoring continues where it stopped. Emptied when the re-scoring completes.
CREATE TABLE IF NOT EXISTS rescore_progress (
  run_id TEXT NOT NULL,
  spec TEXT NOT NULL,
  sample_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  PRIMARY KEY (run_id, sample_id, epoch)
) WITHOUT ROWID;

-- The process running a run, renewed by a heartbeat (store/lease.ts): one runner per run.
CREATE TABLE IF NOT EXISTS run_leases (
  run_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,             -- random id of the holding runner
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL      -- ms since the epoch; a lease past it is free
) WITHOUT ROWID;

-- Why a run last stopped before completing (disk full, a result that could not be stored, a signal).
CREATE TABLE IF NOT EXISTS run_stops (run_id TEXT PRIMARY KEY, reason TEXT NOT NULL, at TEXT NOT NULL) WITHOUT ROWID;

-- Response cache keyed by the canonical request (see providers/model.ts cacheKey: request, epoch, scope). Errors never land here.
CREATE TABLE IF NOT EXISTS response_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, created_at INTEGER NOT NULL);
`;

/** Version 2: claims on units and the workers holding them, for runs that several processes share. */
export const CLAIMS_SQL = `
CREATE TABLE IF NOT EXISTS unit_claims (
  run_id TEXT NOT NULL,
  sample_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  worker TEXT NOT NULL,            -- workerId of the claiming process
  expires_at INTEGER NOT NULL,     -- ms since the epoch; renewed by the worker's heartbeat
  PRIMARY KEY (run_id, sample_id, epoch)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS unit_claims_worker ON unit_claims (run_id, worker);
`;

/**
 * Version 3: indexes for the viewer's sample pages (sample-page.ts): dataset order and latency order
 * (narrow, so a count or a deep page reads index entries instead of whole rows) and failed/not failed
 * in dataset order (the expression `error IS NULL`, which the errors filter spells the same way).
 */
export const SAMPLE_PAGE_INDEXES_SQL = `
CREATE INDEX IF NOT EXISTS samples_run_order ON samples (run_id, seq, epoch, sample_id);
CREATE INDEX IF NOT EXISTS samples_run_latency ON samples (run_id, latency_ms, seq, epoch, sample_id);
CREATE INDEX IF NOT EXISTS samples_run_failed ON samples (run_id, (error IS NULL), seq, epoch, sample_id);
`;

/** The SQLite migrations in order; the last one's number is the schema version this Assay writes. */
export const SQLITE_MIGRATIONS: ReadonlyArray<{ version: number; what: string; sql: string }> = [
  { version: 1, what: "runs, samples, scores, blobs, cache, leases", sql: SCHEMA_SQL },
  { version: 2, what: "unit claims for shared runs", sql: CLAIMS_SQL },
  { version: 3, what: "indexes for the viewer's sample pages", sql: SAMPLE_PAGE_INDEXES_SQL },
];

export const SCHEMA_VERSION = SQLITE_MIGRATIONS.at(-1)!.version;
