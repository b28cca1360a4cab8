/**
 * One runner per run: a process that runs (or resumes) a run holds its lease, a row in `run_leases`
 * renewed by a heartbeat. A second runner is refused while the lease is live; a lease whose holder was
 * killed expires (at once when the holder was a process on this machine that no longer exists, else
 * after its time-to-live without a heartbeat).
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import { UserError } from "../util/errors.js";

export interface RunLease {
  readonly runId: string;
  /** Stop the heartbeat and free the run for the next runner. */
  release(): void;
}

interface LeaseRow {
  owner: string;
  pid: number;
  host: string;
  acquired_at: string;
  expires_at: number;
}

export interface LeaseOptions {
  /** How long a lease lives without a heartbeat (the heartbeat renews it every third of this). */
  ttlMs: number;
  /** Told when the lease was lost (taken over after a heartbeat gap), so the run can stop. */
  onLost?: (err: UserError) => void;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isStale(row: LeaseRow, now: number): boolean {
  if (row.expires_at <= now) return true;
  return row.host === hostname() && !processAlive(row.pid);
}

export function acquireLease(db: Database.Database, runId: string, opts: LeaseOptions): RunLease {
  const owner = randomUUID();
  const host = hostname();
  const take = db.transaction(() => {
    const now = Date.now();
    const row = db.prepare("SELECT * FROM run_leases WHERE run_id = ?").get(runId) as LeaseRow | undefined;
    if (row && !isStale(row, now)) {
      const where = row.host === host ? `process ${row.pid}` : `process ${row.pid} on ${row.host}`;
      throw new UserError(
        `run ${runId} is already being run by ${where} (since ${row.acquired_at}); ` +
          "wait for it to finish or stop it first (a killed runner's claim expires by itself)",
      );
    }
    db.prepare(
      "INSERT OR REPLACE INTO run_leases (run_id, owner, pid, host, acquired_at, expires_at) VALUES (?,?,?,?,?,?)",
    ).run(runId, owner, process.pid, host, new Date(now).toISOString(), now + opts.ttlMs);
  });
  // IMMEDIATE: two runners starting together cannot both read "free" before either writes.
  take.immediate();
  const renew = db.prepare("UPDATE run_leases SET expires_at = ? WHERE run_id = ? AND owner = ?");
  const heartbeat = setInterval(
    () => {
      try {
        if (renew.run(Date.now() + opts.ttlMs, runId, owner).changes === 0) {
          clearInterval(heartbeat);
          opts.onLost?.(new UserError(`run ${runId} was taken over by another runner; this one stops`));
        }
      } catch {
        // A busy or full database: the next beat tries again; the lease outlives a few missed beats.
      }
    },
    Math.max(10, Math.floor(opts.ttlMs / 3)),
  );
  heartbeat.unref();
  return {
    runId,
    release() {
      clearInterval(heartbeat);
      try {
        db.prepare("DELETE FROM run_leases WHERE run_id = ? AND owner = ?").run(runId, owner);
      } catch {
        // Unwritable database: the lease expires by itself (and at once for a dead local process).
      }
    },
  };
}
