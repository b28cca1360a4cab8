/** SQLite schema of the run store. Bump SCHEMA_VERSION and add a migration when it changes. */
export const SCHEMA_VERSION = 1;

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

-- Response cache keyed by the canonical request (see providers/model.ts cacheKey: request, epoch, scope). Errors never land here.
CREATE TABLE IF NOT EXISTS response_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, created_at INTEGER NOT NULL);
`;
