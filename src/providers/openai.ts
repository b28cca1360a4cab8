/**
 * OpenAI-compatible Chat Completions (OpenAI, vLLM, Ollama, llama.cpp server, LM Studio, ...) over
 * undici, Node's own HTTP client, with one keep-alive connection pool per process. We call the HTTP API
 * directly rather than through the `openai` SDK: the SDK plus global fetch cost ~1.5 ms of CPU per call,
 * which capped a local run at a few hundred samples/s; this path costs a fraction of that. One attempt
 * per call; every failure becomes a ProviderError that says whether `Model` should retry.
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

export { classifyError } from "./http.js";

export interface OpenAIProviderOptions {
  model: string;
  baseUrl?: string;
  /** Name of the environment variable holding the key (default OPENAI_API_KEY). */
  apiKeyEnv?: string;
  /** Provider name to report (aliases such as "vllm" or "ollama" share this implementation). */
  name?: string;
  /**
   * The request field for the output limit: OpenAI's own API wants `max_completion_tokens` (its reasoning
   * models reject `max_tokens`); most compatible servers take `max_tokens`. Default: by the base URL.
   */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
}

/** `max_completion_tokens` for OpenAI itself, `max_tokens` for every other server. */
export function maxTokensFieldFor(baseUrl: string): "max_tokens" | "max_completion_tokens" {
  try {
    return new URL(baseUrl).hostname === "api.openai.com" ? "max_completion_tokens" : "max_tokens";
  } catch {
    return "max_tokens";
  }
}

/** `<think>…</think>` blocks (DeepSeek-R1, Qwen3 and other reasoning models) taken out of an answer. */
export function splitThinking(text: string): { answer: string; thinking?: string } {
  const blocks: string[] = [];
  // An unclosed <think> at the start (a server that already cut the opening tag) counts up to </think>.
  let answer = text.replace(/<think>([\s\S]*?)<\/think>/g, (_m, t: string) => {
    blocks.push(t.trim());
    return "";
  });
  const dangling = answer.indexOf("</think>");
  if (dangling >= 0) {
    blocks.unshift(answer.slice(0, dangling).trim());
    answer = answer.slice(dangling + "</think>".length);
  }
  return blocks.length
    ? { answer: answer.trim(), thinking: blocks.filter(Boolean).join("\n\n") }
    : { answer: text };
}

export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

/** The parts of a Chat Completions response we read. */
interface Completion {
  model?: string;
  choices?: Array<{
    message?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };
    text?: string | null;
    finish_reason?: string | null;
    logprobs?: {
      content?: Array<{
        token: string;
        logprob: number;
        top_logprobs?: Array<{ token: string; logprob: number }>;
      }>;
    } | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export class OpenAIProvider implements Provider {
  readonly name: string;
  readonly model: string;
  readonly connectionKey: string;
  readonly endpoint: string;
  /** The base URL requests go to (with any credentials in it: never print it; `endpoint` is the public form). */
  readonly baseUrl: string;
  private readonly url: string;
  private readonly completionsUrl: string;
  private readonly modelsUrl: string;
  private readonly apiKeyEnv: string;
  /** The endpoint and whether it ever answered (see classifyError). */
  private readonly target: { endpoint: string; reached: boolean };
  /** Content type and the key's authorization header (the Batch API client sends the same). */
  readonly headers: Record<string, string>;
  private readonly maxTokensField: "max_tokens" | "max_completion_tokens";

  constructor(opts: OpenAIProviderOptions) {
    this.name = opts.name ?? "openai";
    this.model = opts.model;
    const baseUrl = (opts.baseUrl ?? process.env.OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL).replace(
      /\/$/,
      "",
    );
    try {
      new URL(baseUrl);
    } catch {
      // A user's mistake, not a bug; and a URL may carry user:password, which must not be printed.
      throw new UserError(
        `invalid base URL "${redact(baseUrl)}" for ${this.name}/${opts.model} (check --model-base-url / --judge-base-url / OPENAI_BASE_URL)`,
      );
    }
    this.apiKeyEnv = opts.apiKeyEnv ?? "OPENAI_API_KEY";
    const apiKey = process.env[this.apiKeyEnv];
    registerSecret(apiKey);
    registerUrlSecrets(baseUrl);
    this.endpoint = publicUrl(baseUrl);
    this.maxTokensField = opts.maxTokensField ?? maxTokensFieldFor(baseUrl);
    this.target = { endpoint: this.endpoint, reached: false };
    this.connectionKey = `${this.name}|${this.endpoint}`;
    this.baseUrl = baseUrl;
    this.url = joinUrlPath(baseUrl, "/chat/completions");
    this.completionsUrl = joinUrlPath(baseUrl, "/completions");
    this.modelsUrl = joinUrlPath(baseUrl, "/models");
    // Start loading the HTTP client now, while the run is being set up: loaded inside the first
    // requests, its import counted against their timeouts (over 1.5 s on a loaded machine).
    httpClient().catch(() => {});
    // Local servers usually need no key; send none rather than a fake one.
    this.headers = {
      "content-type": "application/json",
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    };
  }

  /**
   * GET /models: a refused key or a URL without /v1 fails here; a model the server does not list is tried
   * once with a one-token request (llama.cpp answers to any name, vLLM and OpenAI refuse unknown ones).
   * A server without /models, or one that errs, is left to the run.
   */
  async preflight(signal: AbortSignal): Promise<void> {
    const reply = await sendRequest(
      this.modelsUrl,
      { method: "GET", headers: this.headers },
      signal,
      this.target,
    );
    if (reply.status === 401 || reply.status === 403) {
      const err = httpError(reply.status, reply.text, reply.headers, this.endpoint);
      err.message += ` (the key is read from $${this.apiKeyEnv}; another variable: --model-api-key-env / --judge-api-key-env)`;
      throw err;
    }
    if (reply.status === 404 && !versioned(this.endpoint))
      throw httpError(reply.status, reply.text, reply.headers, this.endpoint);
    if (reply.status < 200 || reply.status >= 300) return;
    let ids: string[] = [];
    try {
      const listed = (JSON.parse(reply.text) as { data?: Array<{ id?: unknown }> }).data ?? [];
      ids = listed.map((m) => m.id).filter((id): id is string => typeof id === "string");
    } catch {
      return;
    }
    if (ids.length === 0 || ids.includes(this.model)) return;
    try {
      await this.generate(
        { messages: [{ role: "user", content: "ping" }], config: { maxTokens: 1 } },
        signal,
      );
    } catch (err) {
      if (err instanceof ProviderError && err.kind === "fatal") {
        const more = ids.length > 10 ? ", …" : "";
        err.message += `; the server lists ${ids.slice(0, 10).join(", ")}${more}`;
      }
      throw err;
    }
  }

  /**
   * The JSON body of a request, exactly as `generate` sends it (the Batch API's input lines reuse it). Chat:
   * messages to /chat/completions. Completion: the text of the messages as one raw prompt.
   */
  async requestBody(req: ModelRequest): Promise<Record<string, unknown>> {
    const { config } = req;
    const payload = config.completion
      ? { prompt: req.messages.map((m) => textContent(m)).join("") }
      : { messages: await Promise.all(req.messages.map(toOpenAIMessage)) };
    return {
      model: this.model,
      ...payload,
      ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
      ...(config.maxTokens !== undefined ? { [this.maxTokensField]: config.maxTokens } : {}),
      ...(config.topP !== undefined ? { top_p: config.topP } : {}),
      ...(config.seed !== undefined ? { seed: config.seed } : {}),
      ...(config.stop?.length ? { stop: config.stop } : {}),
      ...(config.reasoningEffort ? { reasoning_effort: config.reasoningEffort } : {}),
      ...(config.logprobs !== undefined && !config.completion
        ? { logprobs: true, ...(config.logprobs > 0 ? { top_logprobs: config.logprobs } : {}) }
        : {}),
      ...(config.logprobs !== undefined && config.completion ? { logprobs: config.logprobs } : {}),
      ...config.extra,
    };
  }

  async generate(req: ModelRequest, signal: AbortSignal): Promise<ModelOutput> {
    const { config } = req;
    const body = JSON.stringify(await this.requestBody(req));
    const started = performance.now();
    const reply = await sendRequest(
      config.completion ? this.completionsUrl : this.url,
      { method: "POST", headers: this.headers, body },
      signal,
      this.target,
    );
    if (reply.status < 200 || reply.status >= 300)
      throw httpError(reply.status, reply.text, reply.headers, this.endpoint);
    return completionOutput(
      parseJsonReply<Completion>(reply.text),
      config,
      this.model,
      performance.now() - started,
    );
  }
}

/**
 * A Chat Completions (or Completions) response body as a ModelOutput; a body without the answer is a
 * transient ProviderError. Live calls and Batch API output lines are read by this one function.
 */
export function completionOutput(
  body: unknown,
  config: ModelRequest["config"],
  model: string,
  latencyMs: number,
): ModelOutput {
  const completion = body as Completion;
  const choice = completion?.choices?.[0];
  const content = config.completion ? choice?.text : choice?.message?.content;
  if (!choice || (typeof content !== "string" && content !== null)) {
    const field = config.completion ? "choices[0].text" : "choices[0].message.content";
    throw new ProviderError(`malformed response: no ${field}`, "transient");
  }
  const usage = completion.usage;
  // Reasoning stays out of the answer: a server's own field, else <think> blocks in the content.
  const served = choice.message?.reasoning_content ?? choice.message?.reasoning ?? undefined;
  const split = config.keepThink ? { answer: content ?? "" } : splitThinking(content ?? "");
  const reasoning = [served, split.thinking]
    .filter((x): x is string => typeof x === "string" && x !== "")
    .join("\n\n");
  const logprobs = choice.logprobs?.content?.map((t) => ({
    token: t.token,
    logprob: t.logprob,
    ...(t.top_logprobs?.length
      ? { top: t.top_logprobs.map((x) => ({ token: x.token, logprob: x.logprob })) }
      : {}),
  }));
  return {
    text: split.answer,
    ...(reasoning ? { reasoning } : {}),
    ...(logprobs?.length ? { logprobs } : {}),
    latencyMs,
    ...(choice.finish_reason ? { finishReason: choice.finish_reason } : {}),
    ...(usage
      ? { usage: { inputTokens: usage.prompt_tokens ?? 0, outputTokens: usage.completion_tokens ?? 0 } }
      : {}),
    ...(completion.model && completion.model !== model ? { model: completion.model } : {}),
  };
}

/** A base URL whose path ends in a version (/v1), whatever query follows. */
const versioned = (url: string): boolean => /\/v\d+$/.test(url.split("?")[0]!);

/** An HTTP error status: 429 and 5xx/408/409 are worth retrying; other 4xx are not. */
export function httpError(
  status: number,
  body: string,
  headers: Record<string, string | string[] | undefined>,
  endpoint?: string,
): ProviderError {
  let detail = body.slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    const e = parsed.error;
    detail = (typeof e === "string" ? e : e?.message) ?? parsed.message ?? detail;
  } catch {
    // not JSON: keep the start of the text
  }
  // A 404 from a base URL without /v1 is nearly always that: say so instead of a bare "not found".
  const hint =
    status === 404 && endpoint && !versioned(endpoint)
      ? ` (did you mean ${joinUrlPath(endpoint, "/v1")} ?)`
      : "";
  const message = redact(`HTTP ${status}: ${detail}${hint}`);
  const header = (name: string) => headerValue(headers, name);
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(header("retry-after"), header("retry-after-ms"));
    return new ProviderError(message, "rate_limit", {
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (status >= 500 || status === 408 || status === 409)
    return new ProviderError(message, "transient", { status });
  return new ProviderError(message, "fatal", { status });
}

/** The text parts of a message, joined. */
export function textContent(m: ChatMessage): string {
  return typeof m.content === "string"
    ? m.content
    : m.content.map((p) => (p.type === "text" ? p.text : "")).join("");
}

type WirePart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: string } };
type WireMessage = { role: string; content: string | WirePart[] };

async function toOpenAIMessage(m: ChatMessage): Promise<WireMessage> {
  if (typeof m.content === "string") return { role: m.role, content: m.content };
  const parts: WirePart[] = [];
  for (const p of m.content) {
    if (p.type === "text") parts.push({ type: "text", text: p.text });
    else
      parts.push({
        type: "image_url",
        image_url: { url: await imageUrl(p.image), ...(p.detail ? { detail: p.detail } : {}) },
      });
  }
  if (m.role === "user") return { role: "user", content: parts };
  const text = parts.map((p) => (p.type === "text" ? p.text : "")).join("");
  return { role: m.role, content: text };
}

/** Image parts become `image_url` parts; local files are inlined as data URLs. */
async function imageUrl(image: string): Promise<string> {
  if (/^(data:|https?:)/.test(image)) return image;
  const { mime, base64 } = await imageData(image);
  return `data:${mime};base64,${base64}`;
}
