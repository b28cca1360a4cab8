/**
 * Adaptive concurrency limiter for one (role, provider, endpoint). AIMD, as inspect_ai and promptfoo
 * do: a rate-limit episode halves the limit and pauses new calls for the server's `retry-after`; every
 * `limit` consecutive successes raise it by one, up to the configured maximum.
 */
export interface LimiterStats {
  limit: number;
  inFlight: number;
  queued: number;
  pausedMs: number;
}

type Waiter = {
  resolve: (release: () => void) => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
};

export class AdaptiveLimiter {
  private current: number;
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private pausedUntil = 0;
  private pauseTimer: NodeJS.Timeout | undefined;
  private cleanStreak = 0;
  private lastDecrease = 0;
  private readonly releaseFn = () => this.release();

  constructor(
    readonly max: number,
    private readonly opts: { min?: number; episodeMs?: number } = {},
  ) {
    this.current = Math.max(1, max);
  }

  get limit(): number {
    return this.current;
  }

  stats(): LimiterStats {
    return {
      limit: this.current,
      inFlight: this.inFlight,
      queued: this.queue.length,
      pausedMs: Math.max(0, this.pausedUntil - Date.now()),
    };
  }

  /** Resolves with a release function once a slot is free. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.inFlight < this.current && this.queue.length === 0 && Date.now() >= this.pausedUntil) {
      this.inFlight++;
      return Promise.resolve(this.releaseFn);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, ...(signal ? { signal } : {}) };
      if (signal) {
        if (signal.aborted) return reject(signal.reason);
        // Removed again once the waiter gets its slot, so queued calls don't pile listeners on the run signal.
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) {
            this.queue.splice(i, 1);
            reject(signal.reason);
          }
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.pump();
    });
  }

  onSuccess(): void {
    if (this.current >= this.max) return;
    this.cleanStreak++;
    if (this.cleanStreak >= this.current) {
      this.cleanStreak = 0;
      this.current++;
      this.pump();
    }
  }

  /** A 429: halve once per episode, and hold new calls until `retryAfterMs` has passed. */
  onRateLimit(retryAfterMs?: number): void {
    const now = Date.now();
    this.cleanStreak = 0;
    if (now - this.lastDecrease > (this.opts.episodeMs ?? 1000)) {
      this.current = Math.max(this.opts.min ?? 1, Math.floor(this.current / 2));
      this.lastDecrease = now;
    }
    if (retryAfterMs && retryAfterMs > 0) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
  }

  private release(): void {
    this.inFlight--;
    this.pump();
  }

  private pump(): void {
    const now = Date.now();
    if (now < this.pausedUntil) {
      if (!this.pauseTimer) {
        this.pauseTimer = setTimeout(() => {
          this.pauseTimer = undefined;
          this.pump();
        }, this.pausedUntil - now);
      }
      return;
    }
    while (this.inFlight < this.current && this.queue.length > 0) {
      const w = this.queue.shift()!;
      if (w.signal && w.onAbort) w.signal.removeEventListener("abort", w.onAbort);
      this.inFlight++;
      w.resolve(this.releaseFn);
    }
  }
}
