/**
 * What a `--batch` run knows of batched requests, and the provider that stands between `Model` and the
 * live provider of one role (model under test, or judge): OpenAI-compatible or Anthropic.
 *
 * A request is known by the hash of its messages and generation options (what the provider receives),
 * plus its occurrence: two epochs that send the same request (no seed) are two requests, the first call
 * in a pass takes answer 0, the second answer 1. The custom_id of a batch line is "<hash>-<occurrence>",
 * so the answers of a batch downloaded again by a later process land where they belong.
 *
 * The lane works in passes. A collect pass answers what batches already answered and records every other
 * request (then fails the call, so the unit goes no further in that pass). A serve pass answers from the
 * batches, and sends what they lack to the live provider (and what they failed, under `--batch-retry
 * live`): `Model` around it caches, counts and stores each answer exactly as for a live call.
 */
import type { ModelOutput, ModelRequest, Provider } from "../core/types.js";
import { ProviderError } from "../core/types.js";
import { AnthropicProvider } from "../providers/anthropic.js";
import { type AnthropicBatchLine, MAX_CUSTOM_ID } from "../providers/anthropic-batch.js";
import { OpenAIProvider } from "../providers/openai.js";
import type { BatchInputLine } from "../providers/openai-batch.js";
import { hashValue } from "../util/hash.js";

export type BatchRole = "model" | "judge";

/** A recorded request: an OpenAI batch line, or an Anthropic Message Batches request. */
export type LaneLine = BatchInputLine | AnthropicBatchLine;

type Entry = { output: ModelOutput } | { error: string };

/** Thrown in a collect pass for a request that waits for a batch. */
export const DEFERRED = "deferred to a batch";

export class BatchLane implements Provider {
  readonly name: string;
  readonly model: string;
  readonly connectionKey: string;
  readonly endpoint?: string;
  readonly maxConcurrency?: number;
  /** The live provider when it speaks the OpenAI API (then requests are batched), else undefined. */
  readonly openai: OpenAIProvider | undefined;
  /** The live provider when it is Anthropic's (then requests go in Message Batches), else undefined. */
  readonly anthropic: AnthropicProvider | undefined;
  private readonly answers = new Map<string, Entry>();
  /** Input lines of every request submitted, by custom_id (for resubmission under `--batch-retry batch`). */
  readonly submitted = new Map<string, LaneLine>();
  private recorded = new Map<string, LaneLine>();
  private seen = new Map<string, number>();
  private mode: "collect" | "serve" = "collect";

  constructor(
    readonly role: BatchRole,
    private readonly live: Provider,
    private readonly retryLive: boolean,
  ) {
    this.name = live.name;
    this.model = live.model;
    this.connectionKey = live.connectionKey;
    if (live.endpoint !== undefined) this.endpoint = live.endpoint;
    if (live.maxConcurrency !== undefined) this.maxConcurrency = live.maxConcurrency;
    this.openai = live instanceof OpenAIProvider ? live : undefined;
    this.anthropic = live instanceof AnthropicProvider ? live : undefined;
  }

  /** Start a pass: occurrences count from zero again; a collect pass starts with nothing recorded. */
  startPass(mode: "collect" | "serve"): void {
    this.mode = mode;
    this.seen = new Map();
    this.recorded = new Map();
  }

  /** Requests the last collect pass recorded (not yet submitted). */
  takeRecorded(): LaneLine[] {
    const lines = [...this.recorded.values()];
    this.recorded = new Map();
    return lines;
  }

  /** An answer from a batch output or error file; an error never replaces an answer. */
  settle(customId: string, entry: Entry): void {
    const previous = this.answers.get(customId);
    if (previous && "output" in previous && "error" in entry) return;
    this.answers.set(customId, entry);
  }

  /**
   * `retry-errors` under `--batch-retry batch`: requests earlier batches failed count as never asked, so
   * the collect pass records them for a new batch instead of reading the old error back.
   */
  forgetFailures(): void {
    for (const [id, entry] of this.answers)
      if ("error" in entry) {
        this.answers.delete(id);
        this.submitted.delete(id);
      }
  }

  /** Submitted requests that have no answer (failed, expired or not returned). */
  failed(): LaneLine[] {
    return [...this.submitted.values()].filter((l) => {
      const e = this.answers.get(l.custom_id);
      return !e || "error" in e;
    });
  }

  async generate(req: ModelRequest, signal: AbortSignal): Promise<ModelOutput> {
    const key = hashValue({ messages: req.messages, config: req.config });
    const occurrence = this.seen.get(key) ?? 0;
    this.seen.set(key, occurrence + 1);
    // Anthropic takes custom ids of at most 64 characters: there the hash is cut to 48 hex digits (192 bits).
    const customId = `${this.anthropic ? key.slice(0, MAX_CUSTOM_ID - 16) : key}-${occurrence}`;
    const entry = this.answers.get(customId);
    if (entry && "output" in entry) return { ...entry.output, batched: true };
    if (this.mode === "collect") {
      // A request some batch failed is decided in the serve pass (live retry or the batch's error).
      if (entry || this.submitted.has(customId)) throw new ProviderError(DEFERRED, "fatal");
      if (this.openai) {
        this.recorded.set(customId, {
          custom_id: customId,
          method: "POST",
          url: req.config.completion ? "/v1/completions" : "/v1/chat/completions",
          body: await this.openai.requestBody(req),
        });
      } else if (this.anthropic) {
        const body = await this.anthropic.body(req);
        this.recorded.set(customId, { custom_id: customId, method: "POST", url: "/v1/messages", body });
      }
      throw new ProviderError(DEFERRED, "fatal");
    }
    if (entry && !this.retryLive) throw new ProviderError(`batch request failed: ${entry.error}`, "fatal");
    return this.live.generate(req, signal);
  }
}
