/**
 * `Model` wraps a Provider with what every call needs: the response cache, the adaptive concurrency
 * limiter, retries with backoff for rate limits and transient failures, a per-request timeout, and
 * counters for the progress line. Solvers and scorers only ever see this (as a ModelHandle).
 */
import {
  type CallOptions,
  type ChatMessage,
  type GenerateConfig,
  type ModelHandle,
  type ModelOutput,
  type ModelRequest,
  type Provider,
  ProviderError,
} from "../core/types.js";
import type { AdaptiveLimiter } from "../scheduler/limiter.js";
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy, sleep } from "../scheduler/retry.js";
import { linkedSignal } from "../scheduler/signals.js";
import { errorMessage } from "../util/errors.js";
import { hashValue } from "../util/hash.js";
import { redact, redactValue } from "../util/secrets.js";

export interface ResponseCache {
  get(key: string): ModelOutput | undefined;
  /**
   * The same lookup without blocking the thread, where the store can (PostgreSQL: the query runs while
   * other calls proceed); preferred over `get` when present.
   */
  getAsync?(key: string): Promise<ModelOutput | undefined>;
  put(key: string, output: ModelOutput): void;
}

/** Counters shared by all calls of one role, read by the progress line and the run summary. */
export class ModelStats {
  calls = 0;
  cacheHits = 0;
  retries = 0;
  rateLimited = 0;
  failures = 0;
  inputTokens = 0;
  outputTokens = 0;
}

export interface ModelOptions {
  id: string;
  limiter: AdaptiveLimiter;
  cache?: ResponseCache;
  retry?: RetryPolicy;
  timeoutMs?: number;
  defaults?: GenerateConfig;
  stats?: ModelStats;
}

/**
 * The cache key: everything that changes the answer, nothing that doesn't (and never a key). The
 * scope (CallOptions.scope) is hashed in only when it names something, so unscoped calls keep the
 * keys they always had.
 */
export function cacheKey(
  provider: Provider,
  request: ModelRequest,
  epoch: number,
  scope?: CallOptions["scope"],
): string {
  return hashValue({
    provider: provider.name,
    model: provider.model,
    endpoint: provider.endpoint ?? null,
    messages: request.messages,
    config: request.config,
    epoch,
    ...(scope && Object.keys(scope).length > 0 ? { scope } : {}),
  });
}

export class Model implements ModelHandle {
  readonly id: string;
  readonly stats: ModelStats;
  private readonly retry: RetryPolicy;

  constructor(
    readonly provider: Provider,
    private readonly opts: ModelOptions,
  ) {
    this.id = opts.id;
    this.stats = opts.stats ?? new ModelStats();
    this.retry = opts.retry ?? DEFAULT_RETRY;
  }

  get limiter(): AdaptiveLimiter {
    return this.opts.limiter;
  }

  /** Generation options applied under each call's own (e.g. a judge's --judge-temperature). */
  get defaults(): GenerateConfig | undefined {
    return this.opts.defaults;
  }

  async generate(
    messages: ChatMessage[],
    config?: GenerateConfig,
    options: CallOptions = {},
  ): Promise<ModelOutput> {
    const request: ModelRequest = { messages, config: { ...this.opts.defaults, ...config } };
    const cache = this.opts.cache;
    const key = cache ? cacheKey(this.provider, request, options.epoch ?? 1, options.scope) : undefined;
    if (cache && key && !options.noCacheRead) {
      const hit = cache.getAsync ? await cache.getAsync(key) : cache.get(key);
      if (hit) {
        this.stats.cacheHits++;
        // An entry written before redaction covered answers must not spread a key either.
        return { ...redactValue(hit), latencyMs: 0, cached: true };
      }
    }
    const signal = options.signal ?? new AbortController().signal;
    for (let attempt = 0; ; attempt++) {
      const release = await this.opts.limiter.acquire(signal);
      let failure: ProviderError;
      const call = linkedSignal(signal, this.opts.timeoutMs);
      try {
        this.stats.calls++;
        // A key the server echoes (in the text, the model name, anywhere) is removed before the answer is
        // cached, stored or shown to a scorer.
        const output = redactValue(await this.provider.generate(request, call.signal));
        this.opts.limiter.onSuccess();
        if (output.usage) {
          this.stats.inputTokens += output.usage.inputTokens;
          this.stats.outputTokens += output.usage.outputTokens;
        }
        if (cache && key) cache.put(key, { ...output, source: this.id });
        return output;
      } catch (err) {
        if (signal.aborted) throw signal.reason ?? err;
        failure = asProviderError(err);
      } finally {
        call.done();
        release();
      }
      if (failure.kind === "rate_limit") {
        this.stats.rateLimited++;
        this.opts.limiter.onRateLimit(failure.options.retryAfterMs);
      }
      if (failure.kind === "fatal" || attempt >= this.retry.maxRetries) {
        this.stats.failures++;
        if (attempt > 0) failure.message += ` (after ${attempt + 1} attempts)`;
        throw failure;
      }
      this.stats.retries++;
      await sleep(backoffDelay(this.retry, attempt, failure.options.retryAfterMs), signal);
    }
  }
}

function asProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) {
    err.message = redact(err.message);
    return err;
  }
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
    return new ProviderError("request timed out", "transient");
  }
  return new ProviderError(redact(errorMessage(err)), "transient");
}
