/**
 * A ready-to-call `Model` from a model id: the provider, an adaptive limiter, the retry policy and,
 * optionally, the response cache. The CLI and the library's `evaluate()` build models the same way.
 */
import type { GenerateConfig } from "../core/types.js";
import { AdaptiveLimiter } from "../scheduler/limiter.js";
import { DEFAULT_RETRY, type RetryPolicy } from "../scheduler/retry.js";
import { UserError } from "../util/errors.js";
import { Model, ModelStats, type ResponseCache } from "./model.js";
import { createProvider } from "./registry.js";

export interface ModelSpec {
  /** "provider/model", e.g. "openai/gpt-4o-mini". */
  id: string;
  baseUrl?: string;
  /** Environment variable holding the API key (the key itself is never passed around). */
  apiKeyEnv?: string;
  /** Calls in flight at most (the adaptive limiter's ceiling). */
  concurrency: number;
  timeoutS?: number;
  retry?: Partial<RetryPolicy>;
  cache?: ResponseCache;
  defaults?: GenerateConfig;
}

export function buildModel(spec: ModelSpec): Model {
  // A variable named on purpose but unset would send no key: every call would then fail with a 401.
  if (spec.apiKeyEnv && !process.env[spec.apiKeyEnv])
    throw new UserError(
      `the API key variable ${spec.apiKeyEnv} for ${spec.id} is not set (or empty) in this shell ` +
        "(named by --model-api-key-env, --judge-api-key-env or api_key_env)",
    );
  const provider = createProvider(spec.id, {
    ...(spec.baseUrl ? { baseUrl: spec.baseUrl } : {}),
    ...(spec.apiKeyEnv ? { apiKeyEnv: spec.apiKeyEnv } : {}),
  });
  const max = Math.min(spec.concurrency, provider.maxConcurrency ?? Number.POSITIVE_INFINITY);
  return new Model(provider, {
    id: spec.id,
    limiter: new AdaptiveLimiter(max),
    retry: { ...DEFAULT_RETRY, ...spec.retry },
    stats: new ModelStats(),
    ...(spec.timeoutS ? { timeoutMs: spec.timeoutS * 1000 } : {}),
    ...(spec.cache ? { cache: spec.cache } : {}),
    ...(spec.defaults ? { defaults: spec.defaults } : {}),
  });
}
