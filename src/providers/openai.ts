/**
 * OpenAI-compatible Chat Completions (OpenAI, vLLM, Ollama, llama.cpp server, LM Studio, ...) through the
 * official `openai` client. One attempt per call: the client's own retries are off because `Model`
 * retries with its own limiter, and every failure is classified into a ProviderError.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import OpenAI from "openai";
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import {
  type ChatMessage,
  type ModelOutput,
  type ModelRequest,
  type Provider,
  ProviderError,
} from "../core/types.js";
import { parseRetryAfter } from "../scheduler/retry.js";
import { publicUrl, redact, registerSecret } from "../util/secrets.js";

export interface OpenAIProviderOptions {
  model: string;
  baseUrl?: string;
  /** Name of the environment variable holding the key (default OPENAI_API_KEY). */
  apiKeyEnv?: string;
  /** Provider name to report (aliases such as "vllm" or "ollama" share this implementation). */
  name?: string;
}

export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

export class OpenAIProvider implements Provider {
  readonly name: string;
  readonly model: string;
  readonly connectionKey: string;
  readonly endpoint: string;
  private readonly client: OpenAI;

  constructor(opts: OpenAIProviderOptions) {
    this.name = opts.name ?? "openai";
    this.model = opts.model;
    const baseURL = (opts.baseUrl ?? process.env.OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL).replace(/\/$/, "");
    const apiKey = process.env[opts.apiKeyEnv ?? "OPENAI_API_KEY"];
    registerSecret(apiKey);
    this.endpoint = publicUrl(baseURL);
    this.connectionKey = `${this.name}|${this.endpoint}`;
    // Local servers usually need no key; the client insists on one, so send a placeholder.
    this.client = new OpenAI({ apiKey: apiKey || "no-key", baseURL, maxRetries: 0, timeout: 24 * 3600_000 });
  }

  async generate(request: ModelRequest, signal: AbortSignal): Promise<ModelOutput> {
    const { config } = request;
    const messages = await Promise.all(request.messages.map(toOpenAIMessage));
    const started = performance.now();
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(
        {
          model: this.model,
          messages,
          ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
          ...(config.maxTokens !== undefined ? { max_tokens: config.maxTokens } : {}),
          ...(config.topP !== undefined ? { top_p: config.topP } : {}),
          ...(config.seed !== undefined ? { seed: config.seed } : {}),
          ...(config.stop?.length ? { stop: config.stop } : {}),
        },
        { signal },
      );
    } catch (err) {
      throw classifyError(err, signal);
    }
    const latencyMs = performance.now() - started;
    const choice = completion?.choices?.[0];
    const content = choice?.message?.content;
    if (!choice || (typeof content !== "string" && content !== null)) {
      throw new ProviderError("malformed response: no choices[0].message.content", "transient");
    }
    const usage = completion.usage;
    return {
      text: content ?? "",
      latencyMs,
      ...(choice.finish_reason ? { finishReason: choice.finish_reason } : {}),
      ...(usage ? { usage: { inputTokens: usage.prompt_tokens ?? 0, outputTokens: usage.completion_tokens ?? 0 } } : {}),
      ...(completion.model && completion.model !== this.model ? { model: completion.model } : {}),
    };
  }
}

/** Map any failure of the client to a ProviderError that says whether to retry. */
export function classifyError(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason ?? err;
  if (err instanceof ProviderError) return err;
  if (err instanceof OpenAI.APIUserAbortError) return new ProviderError("request timed out", "transient");
  if (err instanceof OpenAI.APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return new ProviderError(redact(`connection error${cause}`), "transient");
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    const message = redact(`HTTP ${status ?? "?"}: ${err.message}`);
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(err.headers?.get("retry-after"), err.headers?.get("retry-after-ms"));
      return new ProviderError(message, "rate_limit", { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    }
    if (status === undefined || status >= 500 || status === 408 || status === 409) {
      return new ProviderError(message, "transient", status === undefined ? {} : { status });
    }
    return new ProviderError(message, "fatal", { status });
  }
  // Unparseable bodies and other surprises from a flaky server: worth another try.
  const text = err instanceof Error ? err.message : String(err);
  return new ProviderError(redact(`malformed response: ${text}`), "transient");
}

const IMAGE_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
};

/** Image parts become `image_url` parts; local files are inlined as data URLs. */
async function toOpenAIMessage(m: ChatMessage): Promise<ChatCompletionMessageParam> {
  if (typeof m.content === "string") return { role: m.role, content: m.content } as ChatCompletionMessageParam;
  const parts: ChatCompletionContentPart[] = [];
  for (const p of m.content) {
    if (p.type === "text") parts.push({ type: "text", text: p.text });
    else parts.push({ type: "image_url", image_url: { url: await imageUrl(p.image), ...(p.detail ? { detail: p.detail } : {}) } });
  }
  if (m.role === "user") return { role: "user", content: parts };
  const text = parts.map((p) => (p.type === "text" ? p.text : "")).join("");
  return { role: m.role, content: text } as ChatCompletionMessageParam;
}

async function imageUrl(image: string): Promise<string> {
  if (/^(data:|https?:)/.test(image)) return image;
  const mime = IMAGE_TYPES[extname(image).toLowerCase()] ?? "application/octet-stream";
  const data = await readFile(image);
  return `data:${mime};base64,${data.toString("base64")}`;
}
