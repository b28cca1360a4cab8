/**
 * The closed store interface: what the engine, the viewer, reports and every command ask of a run store.
 * Two backends implement it: SQLite (`run-store.ts`, one file on one machine) and PostgreSQL
 * (`postgres-store.ts`, one database many machines share). Both are synchronous to their callers.
 */
import type Database from "better-sqlite3";
import type { ResponseCache } from "../providers/model.js";
import type { RunLease } from "./lease.js";
import type {
  Rescored,
  RunManifest,
  RunRow,
  SampleResult,
  SampleTotals,
  ScoreRow,
  StoredSample,
  StoredScore,
} from "./records.js";
import type { SamplePageQuery, SamplePageRow } from "./sample-page.js";
import type { SideSql } from "./side-sql.js";
import type { StoreWriteError } from "./write-failure.js";

/** One unit of work: a sample in one epoch. */
export interface UnitKey {
  sampleId: string;
  epoch: number;
}

export interface CacheStat {
  model: string | null;
  entries: number;
  bytes: number;
  oldest: number;
  newest: number;
}

export interface RunStoreApi extends ResponseCache {
  /** Where the store lives, safe to print: a file path, or a PostgreSQL URL without its password. */
  readonly path: string;
  /**
   * The SQLite connection, for feature areas that keep their own tables (annotations). A PostgreSQL
   * store throws a UserError saying the command needs a SQLite database.
   */
  readonly db: Database.Database;
  flushEvery: number;
  flushIntervalMs: number;
  leaseTtlMs: number;
  onWriteFailure: ((err: StoreWriteError) => void) | undefined;
  writeFailure: StoreWriteError | undefined;

  createRun(manifest: RunManifest): void;
  getRun(id: string): RunRow | undefined;
  requireRun(id: string): RunRow;
  listRuns(limit?: number): RunRow[];
  deleteRun(id: string): void;
  /** The response cache by the model that made each answer: entries, bytes, oldest and newest (ms). */
  cacheStats(): CacheStat[];
  /** Delete response-cache entries created before `before` (ms since the epoch) and/or of one model. */
  pruneCache(opts?: { before?: number; model?: string }): number;
  copyRun(fromId: string, toId: string): { samples: number; scores: number };
  setStatus(id: string, status: RunRow["status"], reason?: string): void;
  trySetStatus(id: string, status: RunRow["status"], reason?: string): boolean;
  stopReason(id: string): string | undefined;
  acquireLease(runId: string, onLost?: (err: Error) => void): RunLease;
  setManifest(id: string, manifest: RunManifest): void;
  setSummary(id: string, summary: unknown): void;

  addResult(runId: string, result: SampleResult): void;
  flush(): void;
  getBlob(hash: string): { mime: string; data: Buffer } | undefined;
  finishedKeys(runId: string, opts?: { withoutErrors?: boolean }): Set<string>;
  countSamples(runId: string): { total: number; errors: number };
  sampleTotals(runId: string): SampleTotals;
  scoreRows(runId: string, groupBy?: string[]): Generator<ScoreRow>;
  topErrors(runId: string, limit?: number): Array<{ error: string; count: number }>;

  startRescore(runId: string, spec: string): { done: number; todo: number };
  samplesToRescore(runId: string, pageSize?: number): Generator<StoredSample>;
  saveRescored(runId: string, spec: string, rows: Rescored[]): void;
  finishRescore(runId: string): void;
  iterateSamples(runId: string): Generator<StoredSample>;
  scoresFor(runId: string): StoredScore[];
  scoresOf(runId: string, sampleId: string, epoch: number): StoredScore[];
  getSample(runId: string, sampleId: string, epoch: number): StoredSample | undefined;
  samplePage(runId: string, q: SamplePageQuery): { total: number; rows: SamplePageRow[] };
  close(): void;

  /**
   * True when several processes (on several machines) may run one run together, each claiming the
   * units it runs (`claimUnits`); the engine then claims before it runs. False for SQLite, where one
   * runner per run holds the run's lease.
   */
  readonly sharedClaims: boolean;
  /** Tables other features keep beside the runs (annotations): see side-sql.ts. */
  sideSql(): SideSql;
  /** This process's id in claims and leases. */
  readonly workerId: string;
  /** How long a claim lives without renewal (the lease's heartbeat renews this worker's claims). */
  claimTtlMs: number;
  /**
   * Claim the given units of a run for this worker: returns those it got, i.e. the ones not finished
   * and not held by a live claim (a claim whose worker stopped renewing it expires after claimTtlMs).
   */
  claimUnits(runId: string, keys: UnitKey[], opts?: ClaimOptions): UnitKey[];
  /** Units of the run stored, and units held by a live claim but not stored yet. */
  claimStats(runId: string): { stored: number; claimed: number };
  /** Live claims other workers hold on units a retry-errors pass still has to redo (see claims.ts). */
  redoClaimsHeld(runId: string): number;
  /** Drop claims past their expiry; returns how many there were. */
  releaseExpired(runId: string): number;
}

export interface ClaimOptions {
  /**
   * `retry-errors`: units stored with an error may be claimed too (only a unit stored without an error
   * counts as finished), so several workers redoing a shared run's failures split them.
   */
  redoErrors?: boolean;
}
