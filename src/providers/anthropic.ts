/**
 * Anthropic's Messages API (`POST /v1/messages`) over the same undici pool as the OpenAI-compatible
 * provider. What differs from Chat Completions: the key goes in `x-api-key` with an `anthropic-version`
 * header, system text is a top-level field, `max_tokens` is required, images are base64 source blocks,
 * and the answer is a list of content blocks, of which `thinking` blocks (extended thinking) are kept as
 * the output's reasoning. 429 and 529 (overloaded) are retried by `Model`; other 4xx are not.
 */
import {
  type ChatMessage,
  type ModelOutput,
  type ModelRequest,
  type Provider,
  ProviderError,
} from "../core/types.js";
import { parseRetryAfter } from "../scheduler/retry.js";
import { UserError } from "../util/errors.js";
import { publicUrl, redact, registerSecret, registerUrlSecrets } from "../util/secrets.js";
import { headerValue, httpClient, imageData, joinUrlPath, parseJsonReply, sendRequest } from "./http.js";
import { textContent } from "./openai.js";

export const DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";
export const ANTHROPIC_VERSION = "2023-06-01";
/** `max_tokens` is required by the API; this is sent when neither the task nor --max-tokens sets one. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

/** Thinking budget per --reasoning-effort level (the API's minimum budget is 1,024 tokens). */
export const THINKING_BUDGETS = { minimal: 1024, low: 2048, medium: 8192, high: 24_576 } as const;

export interface AnthropicProviderOptions {
  model: string;
  /** Default $ANTHROPIC_BASE_URL, else https://api.anthropic.com (with or without a trailing /v1). */
  baseUrl?: string;
  /** Environment variable holding the key (default ANTHROPIC_API_KEY). */
  apiKeyEnv?: string;
}

type Block =
  | { type: "text"; text: string }
  | {
      type: "image";
      source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
    };

export interface MessagesResponse {
  model?: string;
  content?: Array<{ type: string; text?: string; thinking?: string }>;
  stop_reason?: string | null;
  usage?: {
    input_tokens?: number;
    output_tokens?: number;
    cache_creation_input_tokens?: number;
    cache_read_input_tokens?: number;
  };
}

export class AnthropicProvider implements Provider {
  readonly name = "anthropic";
  readonly model: string;
  readonly connectionKey: string;
  readonly endpoint: string;
  private readonly url: string;
  /** The API root (without /v1): the Message Batches client calls it too. */
  readonly base: string;
  private readonly apiKeyEnv: string;
  /** Version and key headers, shared with the Message Batches client. */
  readonly headers: Record<string, string>;
  private readonly target: { endpoint: string; reached: boolean };

  constructor(opts: AnthropicProviderOptions) {
    this.model = opts.model;
    const raw = opts.baseUrl ?? process.env.ANTHROPIC_BASE_URL ?? DEFAULT_ANTHROPIC_BASE_URL;
    // The API lives under /v1; accept a base URL given with or without it.
    const base = raw.replace(/\/+$/, "").replace(/\/v1$/, "");
    try {
      new URL(base);
    } catch {
      throw new UserError(
        `invalid base URL "${redact(raw)}" for anthropic/${opts.model} (check --model-base-url / --judge-base-url / ANTHROPIC_BASE_URL)`,
      );
    }
    this.base = base;
    this.apiKeyEnv = opts.apiKeyEnv ?? "ANTHROPIC_API_KEY";
    const apiKey = process.env[this.apiKeyEnv];
    registerSecret(apiKey);
    registerUrlSecrets(base);
    this.endpoint = publicUrl(base);
    this.target = { endpoint: this.endpoint, reached: false };
    this.connectionKey = `anthropic|${this.endpoint}`;
    this.url = joinUrlPath(base, "/v1/messages");
    httpClient().catch(() => {});
    this.headers = {
      "content-type": "application/json",
      "anthropic-version": ANTHROPIC_VERSION,
      ...(apiKey ? { "x-api-key": apiKey } : {}),
    };
  }

  /** The request body for one call. */
  async body(req: ModelRequest): Promise<Record<string, unknown>> {
    const { config } = req;
    if (config.completion)
      throw new ProviderError("anthropic has no raw-completion endpoint: use a chat task", "fatal");
    const system = req.messages
      .filter((m) => m.role === "system")
      .map(textContent)
      .join("\n\n");
    const messages = await Promise.all(req.messages.filter((m) => m.role !== "system").map(toWireMessage));
    const budget = config.reasoningEffort ? THINKING_BUDGETS[config.reasoningEffort] : undefined;
    const answerTokens = config.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS;
    return {
      model: this.model,
      // Thinking tokens count against max_tokens, which must exceed the budget: --max-tokens stays the
      // answer's allowance on top of the thinking budget.
      max_tokens: budget ? budget + answerTokens : answerTokens,
      ...(system ? { system } : {}),
      messages,
      // The API accepts no temperature other than 1 (nor top_k) with thinking on; leave them out then.
      ...(config.temperature !== undefined && !budget ? { temperature: config.temperature } : {}),
      ...(config.topP !== undefined ? { top_p: config.topP } : {}),
      ...(config.stop?.length ? { stop_sequences: config.stop } : {}),
      ...(budget ? { thinking: { type: "enabled", budget_tokens: budget } } : {}),
      ...config.extra,
    };
  }

  /**
   * GET /v1/models/<model>: a refused key fails here. A 404 is either an unknown model or a proxy without
   * that route, so a one-token Messages request decides.
   */
  async preflight(signal: AbortSignal): Promise<void> {
    const reply = await sendRequest(
      `${this.base}/v1/models/${encodeURIComponent(this.model)}`,
      { method: "GET", headers: this.headers },
      signal,
      this.target,
    );
    if (reply.status === 401 || reply.status === 403) {
      const err = anthropicError(reply.status, reply.text, reply.headers);
      err.message += ` (the key is read from $${this.apiKeyEnv})`;
      throw err;
    }
    if (reply.status !== 404) return;
    await this.generate({ messages: [{ role: "user", content: "ping" }], config: { maxTokens: 1 } }, signal);
  }

  async generate(req: ModelRequest, signal: AbortSignal): Promise<ModelOutput> {
    const body = JSON.stringify(await this.body(req));
    const started = performance.now();
    const reply = await sendRequest(
      this.url,
      { method: "POST", headers: this.headers, body },
      signal,
      this.target,
    );
    if (reply.status < 200 || reply.status >= 300)
      throw anthropicError(reply.status, reply.text, reply.headers);
    const parsed = parseJsonReply<MessagesResponse>(reply.text);
    if (!Array.isArray(parsed?.content))
      throw new ProviderError("malformed response: no content blocks", "transient");
    return messagesOutput(parsed, this.model, performance.now() - started);
  }
}

/** A Messages reply as a model output (also for Message Batches results, which carry the same message). */
export function messagesOutput(r: MessagesResponse, model: string, latencyMs: number): ModelOutput {
  const answer = r
    .content!.filter((b) => b.type === "text")
    .map((b) => b.text ?? "")
    .join("");
  const reasoning = r
    .content!.filter((b) => b.type === "thinking" && b.thinking)
    .map((b) => b.thinking!)
    .join("\n\n");
  const u = r.usage;
  return {
    text: answer,
    ...(reasoning ? { reasoning } : {}),
    latencyMs,
    ...(r.stop_reason ? { finishReason: r.stop_reason } : {}),
    // Prompt-cache reads and writes are input tokens too (billed differently, counted here as input).
    ...(u
      ? {
          usage: {
            inputTokens:
              (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0),
            outputTokens: u.output_tokens ?? 0,
          },
        }
      : {}),
    ...(r.model && r.model !== model ? { model: r.model } : {}),
  };
}

/** 429 (rate limited) and 529 (overloaded), 5xx, 408/409 are retried; every other status is fatal. */
export function anthropicError(
  status: number,
  body: string,
  headers: Record<string, string | string[] | undefined>,
): ProviderError {
  let detail = body.slice(0, 300);
  try {
    const e = (JSON.parse(body) as { error?: { type?: string; message?: string } }).error;
    if (e?.message) detail = e.type ? `${e.type}: ${e.message}` : e.message;
  } catch {
    // not JSON: keep the start of the text
  }
  const message = redact(`HTTP ${status}: ${detail}`);
  if (status === 429) {
    const retryAfterMs =
      parseRetryAfter(headerValue(headers, "retry-after")) ?? rateLimitResetMs(headers, Date.now());
    return new ProviderError(message, "rate_limit", {
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (status >= 500 || status === 408 || status === 409) {
    const retryAfterMs = parseRetryAfter(headerValue(headers, "retry-after"));
    return new ProviderError(message, "transient", {
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  return new ProviderError(message, "fatal", { status });
}

/**
 * When a 429 has no retry-after: the wait until the latest reset among the exhausted limits that
 * Anthropic reports (`anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-remaining` = 0 and
 * their `-reset` RFC 3339 times), so the adaptive limiter holds new calls exactly that long.
 */
export function rateLimitResetMs(
  headers: Record<string, string | string[] | undefined>,
  now: number,
): number | undefined {
  let wait: number | undefined;
  for (const kind of ["requests", "tokens", "input-tokens", "output-tokens"]) {
    if (headerValue(headers, `anthropic-ratelimit-${kind}-remaining`) !== "0") continue;
    const reset = Date.parse(headerValue(headers, `anthropic-ratelimit-${kind}-reset`) ?? "");
    if (Number.isFinite(reset) && reset > now) wait = Math.max(wait ?? 0, reset - now);
  }
  return wait;
}

async function toWireMessage(m: ChatMessage): Promise<{ role: string; content: string | Block[] }> {
  if (typeof m.content === "string") return { role: m.role, content: m.content };
  const blocks: Block[] = [];
  for (const p of m.content) {
    if (p.type === "text") blocks.push({ type: "text", text: p.text });
    else if (/^https?:/.test(p.image)) blocks.push({ type: "image", source: { type: "url", url: p.image } });
    else {
      const { mime, base64 } = await imageData(p.image);
      blocks.push({ type: "image", source: { type: "base64", media_type: mime, data: base64 } });
    }
  }
  return { role: m.role, content: blocks };
}
