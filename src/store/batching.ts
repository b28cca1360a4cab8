/**
 * What both run-store backends share: results and cached answers are queued and committed in small
 * batches (every `flushIntervalMs` or `flushEvery` results), a failed batch is retried one result at a
 * time, and a failure in the timer is reported through `onWriteFailure` rather than thrown where no one
 * can catch it. A backend supplies `writeBatch` (one transaction) and `readCache`.
 */
import type { ModelOutput } from "../core/types.js";
import { redactValue } from "../util/secrets.js";
import type { SampleResult } from "./records.js";
import { type StoreWriteError, storeWriteError } from "./write-failure.js";

export type QueuedResult = SampleResult & { runId: string };

export abstract class BatchingStore {
  abstract readonly path: string;
  private pending: QueuedResult[] = [];
  /** Cache entries not committed yet; `get` sees them too. */
  private pendingCache = new Map<string, string>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** Flush when this many results are queued, or after flushIntervalMs. */
  flushEvery = 256;
  flushIntervalMs = 20;
  /**
   * Told when a batched commit fails outside any caller (in the flush timer): the run must stop. The
   * failure is also kept in `writeFailure`, and every later `addResult` throws it.
   */
  onWriteFailure: ((err: StoreWriteError) => void) | undefined;
  writeFailure: StoreWriteError | undefined;
  private undelivered: StoreWriteError | undefined;

  /**
   * One transaction: the results with their scores and blobs, and cached answers. Throws when it fails.
   * With `background`, a backend may instead commit after returning and report a failure through it
   * (SQLite always commits before returning).
   */
  protected abstract writeBatch(
    results: SampleResult[],
    cacheRows: Map<string, string>,
    background?: (err: unknown) => void,
  ): void;
  /** A committed cache entry (JSON text), or undefined. */
  protected abstract readCache(key: string): string | undefined;
  /** Wait until every background commit has finished (and reported any failure). */
  protected settle(): void {}

  /** Queue a finished sample; it is committed within milliseconds (see flushIntervalMs). */
  addResult(runId: string, result: SampleResult): void {
    if (this.writeFailure?.fatal) throw this.writeFailure;
    (result as QueuedResult).runId = runId;
    this.pending.push(result as QueuedResult);
    if (this.pending.length >= this.flushEvery) this.flush();
    else this.scheduleFlush();
  }

  protected get hasPending(): boolean {
    return this.pending.length > 0 || this.pendingCache.size > 0;
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flushFromTimer(), this.flushIntervalMs);
  }

  /** The timer's flush: nobody could catch a throw here, so a failure is reported, never thrown. */
  private flushFromTimer(): void {
    this.flushTimer = undefined;
    try {
      this.commit(true);
    } catch (err) {
      this.report(err);
    }
  }

  /**
   * Commit everything queued, in one transaction, and wait for any commit still in the background.
   * When a batch fails, each result is tried on its own, so one result that cannot be stored does not
   * take the others with it; results that were not written are simply missing (resume runs them
   * again). Throws a StoreWriteError naming the database.
   */
  flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    this.commit(false);
    this.settle();
    const undelivered = this.undelivered;
    this.undelivered = undefined;
    if (undelivered) throw undelivered;
  }

  private commit(background: boolean): void {
    if (!this.hasPending) return;
    const results = this.pending;
    const cacheRows = this.pendingCache;
    this.pending = [];
    this.pendingCache = new Map();
    const late = background ? (err: unknown) => this.report(this.batchFailed(err, results)) : undefined;
    try {
      this.writeBatch(results, cacheRows, late);
    } catch (err) {
      throw this.batchFailed(err, results);
    }
  }

  /** A batch failed: write its results one by one (unless the database itself failed); remember why. */
  private batchFailed(err: unknown, results: SampleResult[]): StoreWriteError {
    const failure = storeWriteError(err, this.path);
    if (!failure.fatal && results.length > 1) this.writeOneByOne(results);
    this.writeFailure ??= failure;
    return failure;
  }

  /** A failure outside any caller: told to onWriteFailure, else thrown by the next flush() or close(). */
  private report(err: unknown): void {
    const failure = storeWriteError(err, this.path);
    this.writeFailure ??= failure;
    if (this.onWriteFailure) this.onWriteFailure(failure);
    else this.undelivered ??= failure;
  }

  /** After a failed batch: every result in its own transaction; stops at the first database failure. */
  private writeOneByOne(results: SampleResult[]): void {
    for (const r of results) {
      try {
        this.writeBatch([r], new Map());
      } catch (err) {
        if (storeWriteError(err, this.path).fatal) return;
      }
    }
  }

  // ---------- response cache ----------

  /** A cache entry queued and not yet committed (JSON text). */
  protected pendingCacheEntry(key: string): string | undefined {
    return this.pendingCache.get(key);
  }

  get(key: string): ModelOutput | undefined {
    const v = this.pendingCache.get(key) ?? this.readCache(key);
    return v === undefined ? undefined : (JSON.parse(v) as ModelOutput);
  }

  put(key: string, output: ModelOutput): void {
    const { cached: _c, ...rest } = output;
    this.pendingCache.set(key, JSON.stringify(redactValue(rest)));
    this.scheduleFlush();
  }

  /** Flush and close the connection; a write failure already reported is not thrown again. */
  protected closeWith(writable: boolean, closeConnection: () => void): void {
    const reported = this.writeFailure;
    try {
      if (writable) this.flush();
    } catch (err) {
      if (!reported) throw err;
    } finally {
      closeConnection();
    }
  }
}
