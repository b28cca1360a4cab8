/**
 * Prompt log-probabilities from an OpenAI-compatible server, for `contamination mink --model openai/<m>`.
 * Two wire formats, both on POST /completions (a raw prompt: Chat Completions would score the chat
 * template too):
 *   - "vllm-prompt": vLLM's extra field `prompt_logprobs: 0`; `choices[0].prompt_logprobs` holds, per
 *     prompt token, null (the first) or {token id: {logprob, …}} with the prompt token among the keys;
 *   - "completions-echo": the classic `echo: true, logprobs: 0`; `choices[0].logprobs.token_logprobs`
 *     lists the prompt's tokens (the first null) followed by the generated ones.
 * One token is generated (some servers refuse max_tokens 0) and cut off again by `usage.prompt_tokens`
 * or `text_offset`. Requests go through the OpenAI provider's HTTP code: its base URL, key and redaction.
 */
import { ProviderError } from "../core/types.js";
import { sendRequest } from "../providers/http.js";
import { httpError, OpenAIProvider } from "../providers/openai.js";
import { createProvider } from "../providers/registry.js";
import { UserError } from "../util/errors.js";

export const LOGPROBS_APIS = ["completions-echo", "vllm-prompt"] as const;
export type LogprobsApi = (typeof LOGPROBS_APIS)[number];

export interface ServerLogprobsOptions {
  /** "<provider>/<model>" of an OpenAI-compatible provider (openai, vllm, llamacpp, ollama). */
  model: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  api: LogprobsApi | "auto";
  timeoutMs?: number;
}

/** Why a reply carried no usable prompt log-probabilities (auto-detection then tries the other API). */
class NoPromptLogprobs extends Error {}

interface CompletionReply {
  prompt_logprobs?: unknown;
  prompt_token_ids?: unknown;
  choices?: Array<{
    prompt_logprobs?: unknown;
    prompt_token_ids?: unknown;
    logprobs?: { token_logprobs?: unknown; text_offset?: unknown } | null;
  }>;
  usage?: { prompt_tokens?: unknown };
}

/** The log-probability of one vLLM prompt_logprobs entry: {logprob: x} (current) or a bare number (old). */
function entryLogprob(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  const lp = (v as { logprob?: unknown } | null)?.logprob;
  return typeof lp === "number" ? lp : undefined;
}

/** vLLM: one number per prompt token after the first. */
export function parseVllmPromptLogprobs(reply: CompletionReply): number[] {
  const choice = reply.choices?.[0];
  const list = choice?.prompt_logprobs ?? reply.prompt_logprobs;
  if (!Array.isArray(list)) throw new NoPromptLogprobs("no prompt_logprobs in the reply");
  const ids = choice?.prompt_token_ids ?? reply.prompt_token_ids;
  const out: number[] = [];
  list.forEach((entry, i) => {
    if (entry === null) {
      if (i === 0) return; // the first token has no context
      throw new NoPromptLogprobs(`prompt_logprobs[${i}] is null`);
    }
    const keys = Object.keys(entry as object);
    // prompt_logprobs: 0 gives the prompt token alone; with more, the prompt token ids say which it is.
    const key = keys.length === 1 ? keys[0] : Array.isArray(ids) ? String(ids[i]) : undefined;
    const lp = key === undefined ? undefined : entryLogprob((entry as Record<string, unknown>)[key]);
    if (lp === undefined) throw new NoPromptLogprobs(`prompt_logprobs[${i}] has no log-probability`);
    out.push(lp);
  });
  return out;
}

/** Classic echo: the prompt's token_logprobs without the leading null and the generated tail. */
export function parseEchoLogprobs(reply: CompletionReply, prompt: string): number[] {
  const lp = reply.choices?.[0]?.logprobs;
  const values = lp?.token_logprobs;
  if (!Array.isArray(values))
    throw new NoPromptLogprobs("no choices[0].logprobs.token_logprobs in the reply");
  let count: number;
  const usage = reply.usage?.prompt_tokens;
  if (typeof usage === "number" && usage <= values.length) count = usage;
  else if (Array.isArray(lp?.text_offset)) {
    count = lp.text_offset.filter((o) => typeof o === "number" && o < prompt.length).length;
  } else
    throw new NoPromptLogprobs("neither usage.prompt_tokens nor text_offset tells the prompt's tokens apart");
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (v === null && i === 0) continue;
    if (typeof v !== "number") throw new NoPromptLogprobs(`token_logprobs[${i}] is ${JSON.stringify(v)}`);
    out.push(v);
  }
  // An echo that left the prompt out (a server that ignores `echo`) scores only the generated token.
  if (out.length === 0) throw new NoPromptLogprobs("the reply scores no prompt token (is echo supported?)");
  return out;
}

export class ServerLogprobs {
  private readonly provider: OpenAIProvider;
  private readonly target: { endpoint: string; reached: boolean };
  private api: LogprobsApi | undefined;
  private detecting: Promise<void> | undefined;

  constructor(private readonly opts: ServerLogprobsOptions) {
    const provider = createProvider(opts.model, {
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      ...(opts.apiKeyEnv ? { apiKeyEnv: opts.apiKeyEnv } : {}),
    });
    if (!(provider instanceof OpenAIProvider)) {
      throw new UserError(
        `--model ${opts.model}: prompt log-probabilities need an OpenAI-compatible server (openai/, vllm/, llamacpp/, ollama/) or a checkpoint file`,
      );
    }
    this.provider = provider;
    this.target = { endpoint: provider.endpoint, reached: false };
    if (opts.api !== "auto") this.api = opts.api;
  }

  get endpoint(): string {
    return this.provider.endpoint;
  }

  /** The API in use: the one asked for, or the one auto-detection found (after the first call). */
  get detectedApi(): LogprobsApi | undefined {
    return this.api;
  }

  private body(api: LogprobsApi, prompt: string): string {
    const common = { model: this.provider.model, prompt, max_tokens: 1, temperature: 0 };
    return JSON.stringify(
      api === "vllm-prompt" ? { ...common, prompt_logprobs: 0 } : { ...common, echo: true, logprobs: 0 },
    );
  }

  /** One request; transient failures are retried twice with a short backoff. */
  private async request(api: LogprobsApi, prompt: string): Promise<number[]> {
    for (let attempt = 1; ; attempt++) {
      const signal = AbortSignal.timeout(this.opts.timeoutMs ?? 120_000);
      try {
        const reply = await sendRequest(
          `${this.provider.baseUrl}/completions`,
          { method: "POST", headers: this.provider.headers, body: this.body(api, prompt) },
          signal,
          this.target,
        );
        if (reply.status < 200 || reply.status >= 300)
          throw httpError(reply.status, reply.text, reply.headers, this.endpoint);
        let parsed: CompletionReply;
        try {
          parsed = JSON.parse(reply.text) as CompletionReply;
        } catch {
          throw new NoPromptLogprobs("the reply is not JSON");
        }
        return api === "vllm-prompt" ? parseVllmPromptLogprobs(parsed) : parseEchoLogprobs(parsed, prompt);
      } catch (err) {
        const retry = err instanceof ProviderError && err.kind !== "fatal" && attempt < 3;
        if (!retry) throw err;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  private explain(api: LogprobsApi, err: unknown): string {
    const what = api === "vllm-prompt" ? "vLLM prompt_logprobs" : "/completions with echo + logprobs";
    return `${what}: ${err instanceof Error ? err.message : String(err)}`;
  }

  /** Tries vLLM's field first (other servers reject or ignore it), then the classic echo. */
  private async detect(prompt: string): Promise<number[]> {
    const tried: string[] = [];
    for (const api of ["vllm-prompt", "completions-echo"] as const) {
      try {
        const lp = await this.request(api, prompt);
        this.api = api;
        return lp;
      } catch (err) {
        if (!(err instanceof NoPromptLogprobs || (err instanceof ProviderError && err.kind === "fatal"))) {
          throw new UserError(`${this.endpoint}: ${this.explain(api, err)}`);
        }
        tried.push(this.explain(api, err));
      }
    }
    throw new UserError(
      `${this.endpoint} (${this.provider.model}) returned no prompt log-probabilities; tried ${tried.join("; ")}. ` +
        "Min-K% needs a server that scores prompt tokens (vLLM, or a /completions endpoint with echo and logprobs).",
    );
  }

  /** Natural-log probabilities of the prompt's tokens after the first (as the server tokenises it). */
  async promptLogprobs(prompt: string): Promise<number[]> {
    if (this.api === undefined) {
      // The first caller detects; the others wait for it and then use what it found.
      if (!this.detecting) {
        let lp: number[] | undefined;
        const first = this.detect(prompt).then((x) => {
          lp = x;
        });
        this.detecting = first;
        await first;
        return lp!;
      }
      await this.detecting;
    }
    const api = this.api!;
    try {
      return await this.request(api, prompt);
    } catch (err) {
      throw new UserError(
        `${this.endpoint} (${this.provider.model}), --logprobs-api ${api}: ${this.explain(api, err)}`,
      );
    }
  }
}
