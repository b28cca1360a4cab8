/** Exponential backoff with jitter for retried model calls. */
export interface RetryPolicy {
  /** Attempts after the first one. */
  maxRetries: number;
  /** First backoff; doubles each attempt. */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 6, baseMs: 1000, maxMs: 60_000 };

/** Delay before retry number `attempt` (0-based): full-range jitter in [½d, d], never below retry-after. */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const d = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  const jittered = d / 2 + Math.random() * (d / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Sleep that ends early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Parse a Retry-After header (seconds or HTTP date) or retry-after-ms into milliseconds. */
export function parseRetryAfter(
  value: string | null | undefined,
  valueMs?: string | null,
): number | undefined {
  if (valueMs) {
    const ms = Number(valueMs);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  return undefined;
}
