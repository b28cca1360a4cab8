/**
 * Units of a shared run (a PostgreSQL store several workers run together): the engine's stream of
 * candidate units, filtered to those this worker claims, in batches (one round trip per batch). When a
 * pass over the dataset ends, the run may still have units other workers hold; this worker waits and
 * passes again, so a unit whose worker was killed is run here once its claim expires. It returns when
 * every unit of the run is stored (or the signal aborts), so the run is completed exactly once per unit.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { RunStoreApi, UnitKey } from "./api.js";

export interface SharedUnitsOptions<U> {
  store: RunStoreApi;
  runId: string;
  /** One pass over the candidate units, in dataset order (called again for each pass). */
  pass: () => AsyncGenerator<U>;
  key: (unit: U) => UnitKey;
  /** Units in the whole run (samples × epochs): the run is done when this many are stored. */
  totalUnits: number;
  /** Units claimed per round trip. */
  batch: number;
  signal: AbortSignal;
  /** Wait between looks at the run while live claims hold the remaining units (one small query each). */
  pollMs?: number;
  /**
   * `retry-errors`: claim units stored with an error as well, and make one pass only (every unit is
   * stored already, so "until all are stored" cannot be the end), then wait while other workers redo
   * theirs; a worker killed meanwhile leaves its units for the next retry-errors.
   */
  redoErrors?: boolean;
}

export async function* sharedUnits<U>(o: SharedUnitsOptions<U>): AsyncGenerator<U> {
  const pollMs = o.pollMs ?? 100;
  for (;;) {
    const claim = (units: U[]): U[] => {
      const got = new Set(
        o.store
          .claimUnits(o.runId, units.map(o.key), { redoErrors: o.redoErrors === true })
          .map((k) => `${k.sampleId}\u0000${k.epoch}`),
      );
      return units.filter((u) => {
        const k = o.key(u);
        return got.has(`${k.sampleId}\u0000${k.epoch}`);
      });
    };
    let pending: U[] = [];
    for await (const unit of o.pass()) {
      pending.push(unit);
      if (pending.length < o.batch) continue;
      yield* claim(pending);
      pending = [];
      if (o.signal.aborted) return;
    }
    if (pending.length) yield* claim(pending);
    if (o.signal.aborted) return;
    if (o.redoErrors) {
      // One pass; then wait for the other workers' redos, so that the run this worker reports on (and
      // may mark completed) holds them.
      for (;;) {
        o.store.flush();
        if (o.store.redoClaimsHeld(o.runId) === 0) return;
        try {
          await sleep(pollMs, undefined, { signal: o.signal });
        } catch {
          return; // aborted
        }
      }
    }
    // After a pass: wait while the rest is held by live claims (other workers', or
    // this worker's own units in flight), and pass again once some unit is neither stored nor held.
    for (;;) {
      o.store.flush();
      const { stored, claimed: held } = o.store.claimStats(o.runId);
      if (stored >= o.totalUnits) return;
      if (stored + held < o.totalUnits) break;
      try {
        await sleep(pollMs, undefined, { signal: o.signal });
      } catch {
        return; // aborted
      }
    }
  }
}
