/**
 * PostgreSQL schema of the run store: the same tables and columns as SQLite's (schema.ts), in the same
 * numbered migrations, so both backends hold the same data. JSON stays text, as in SQLite, and queries
 * cast it to jsonb where they look inside.
 */
const V1 = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  status TEXT NOT NULL,
  task TEXT NOT NULL,
  task_version TEXT NOT NULL,
  model TEXT NOT NULL,
  judge TEXT,
  config_hash TEXT NOT NULL,
  manifest TEXT NOT NULL,
  summary TEXT
);
CREATE TABLE IF NOT EXISTS samples (
  run_id TEXT NOT NULL,
  sample_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  input TEXT NOT NULL,
  target TEXT,
  choices TEXT,
  metadata TEXT,
  messages TEXT,
  output TEXT,
  store TEXT,
  error TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  judge_input_tokens INTEGER NOT NULL DEFAULT 0,
  judge_output_tokens INTEGER NOT NULL DEFAULT 0,
  latency_ms DOUBLE PRECISION,
  cached INTEGER NOT NULL DEFAULT 0,
  finished_at TEXT NOT NULL,
  PRIMARY KEY (run_id, sample_id, epoch)
);
CREATE INDEX IF NOT EXISTS samples_seq ON samples (run_id, seq, epoch);
CREATE TABLE IF NOT EXISTS scores (
  run_id TEXT NOT NULL,
  sample_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  scorer TEXT NOT NULL,
  value DOUBLE PRECISION,
  raw TEXT NOT NULL,
  answer TEXT,
  explanation TEXT,
  metadata TEXT,
  PRIMARY KEY (run_id, sample_id, epoch, scorer)
);
CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, mime TEXT NOT NULL, data BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS rescore_progress (
  run_id TEXT NOT NULL,
  spec TEXT NOT NULL,
  sample_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  PRIMARY KEY (run_id, sample_id, epoch)
);
CREATE TABLE IF NOT EXISTS run_leases (
  run_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_stops (run_id TEXT PRIMARY KEY, reason TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS response_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, created_at BIGINT NOT NULL);
`;

/**
 * Version 2: unit claims. In PostgreSQL, run_leases holds one row per live worker of a run
 * (owner = worker id), since several workers share a run.
 */
const V2 = `
CREATE TABLE IF NOT EXISTS unit_claims (
  run_id TEXT NOT NULL,
  sample_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  worker TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, sample_id, epoch)
);
CREATE INDEX IF NOT EXISTS unit_claims_worker ON unit_claims (run_id, worker);
CREATE TABLE IF NOT EXISTS run_workers (
  run_id TEXT NOT NULL,
  worker TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  started_at TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, worker)
);
`;

/** Version 3: the viewer's order indexes, as SQLite's (sample ids ordered bytewise, as the page sorts them). */
const V3 = `
CREATE INDEX IF NOT EXISTS samples_run_order ON samples (run_id, seq, epoch, sample_id COLLATE "C");
CREATE INDEX IF NOT EXISTS samples_run_latency ON samples (run_id, latency_ms, seq, epoch, sample_id COLLATE "C");
`;

export const PG_MIGRATIONS: ReadonlyArray<{ version: number; what: string; sql: string }> = [
  { version: 1, what: "runs, samples, scores, blobs, cache, leases", sql: V1 },
  { version: 2, what: "unit claims and workers for shared runs", sql: V2 },
  { version: 3, what: "indexes for the viewer's sample pages", sql: V3 },
];
