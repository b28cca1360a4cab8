/**
 * Anthropic's Message Batches API: one `POST /v1/messages/batches` carries every request inline
 * (`requests: [{custom_id, params}]`, no file upload), `GET /v1/messages/batches/{id}` reports
 * `processing_status` (in_progress, canceling, ended) with `request_counts`, and once it has ended the
 * batch's `results_url` serves one JSON line per request: `{custom_id, result: {type, message | error}}`
 * with type succeeded, errored, canceled or expired. The params of a request are built by
 * AnthropicProvider.body and a succeeded message is read by messagesOutput, so a batched request and its
 * answer are byte for byte the live ones. The requests themselves go through the OpenAI batch client's
 * batchApiCall (plain fetch, a few retries for 429/5xx/529 and dropped connections).
 */
import type { ModelOutput } from "../core/types.js";
import { redact } from "../util/secrets.js";
import { type AnthropicProvider, type MessagesResponse, messagesOutput } from "./anthropic.js";
import { batchApiCall } from "./openai-batch.js";

/** A recorded request of an Anthropic lane (the shape of an OpenAI batch line, so lanes treat both alike). */
export interface AnthropicBatchLine {
  custom_id: string;
  method: "POST";
  url: "/v1/messages";
  body: Record<string, unknown>;
}

/** The fields of a Message Batch that Assay reads. */
export interface MessageBatch {
  id: string;
  processing_status: "in_progress" | "canceling" | "ended";
  request_counts?: {
    processing: number;
    succeeded: number;
    errored: number;
    canceled: number;
    expired: number;
  };
  results_url?: string | null;
}

/** One line of a batch's results. */
export interface MessageBatchResult {
  custom_id: string;
  result: {
    type: "succeeded" | "errored" | "canceled" | "expired";
    message?: MessagesResponse;
    error?: { type?: string; error?: { type?: string; message?: string }; message?: string };
  };
}

/** The API allows custom ids of 1 to 64 characters from [A-Za-z0-9_-]. */
export const MAX_CUSTOM_ID = 64;

export class AnthropicBatchClient {
  constructor(private readonly provider: AnthropicProvider) {}

  async create(lines: AnthropicBatchLine[]): Promise<MessageBatch> {
    const requests = lines.map((l) => ({ custom_id: l.custom_id, params: l.body }));
    return (await this.call("POST", this.url(""), JSON.stringify({ requests }))) as MessageBatch;
  }

  async retrieve(batchId: string): Promise<MessageBatch> {
    return (await this.call("GET", this.url(`/${encodeURIComponent(batchId)}`))) as MessageBatch;
  }

  /**
   * The results of an ended batch. `results_url` is followed only on the configured host (the key goes
   * with the request); otherwise the documented path under the configured base URL is read.
   */
  async results(batch: MessageBatch): Promise<MessageBatchResult[]> {
    let url = this.url(`/${encodeURIComponent(batch.id)}/results`);
    if (batch.results_url) {
      const given = new URL(batch.results_url, this.provider.base);
      if (given.origin === new URL(this.provider.base).origin) url = given.href;
    }
    const text = (await this.call("GET", url, undefined, true)) as string;
    return text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as MessageBatchResult);
  }

  private url(rest: string): string {
    return `${this.provider.base}/v1/messages/batches${rest}`;
  }

  private call(method: "GET" | "POST", url: string, body?: string, asText = false): Promise<unknown> {
    const payload = body === undefined ? undefined : () => body;
    return batchApiCall("message batches", method, url, this.provider.headers, payload, asText);
  }
}

/** Anthropic's limits on one Message Batch: 100,000 requests, 256 MB of request body. */
export const MESSAGE_BATCH_LIMITS = { requests: 100_000, bytes: 256 * 1024 * 1024 };

/**
 * Requests split into Message Batches within the limits (byte sizes with a 1% margin for the envelope);
 * a single request over the byte limit still goes alone, and the API's refusal says why.
 */
export function splitMessageBatches(
  lines: AnthropicBatchLine[],
  limits: { requests: number; bytes: number } = MESSAGE_BATCH_LIMITS,
): AnthropicBatchLine[][] {
  const budget = Math.floor(limits.bytes * 0.99);
  const batches: AnthropicBatchLine[][] = [];
  let current: AnthropicBatchLine[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(JSON.stringify({ custom_id: line.custom_id, params: line.body })) + 1;
    if (current.length > 0 && (current.length >= limits.requests || bytes + size > budget)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The progress of a batch, for the poll line. */
export function messageBatchProgress(batch: MessageBatch): string {
  const c = batch.request_counts;
  if (!c) return batch.processing_status;
  const total = c.processing + c.succeeded + c.errored + c.canceled + c.expired;
  return `${batch.processing_status} · ${c.succeeded}/${total} done, ${c.errored + c.canceled + c.expired} failed`;
}

/**
 * What one result line answers: the output of a succeeded request (read as a live reply, latency 0: a
 * batched answer has none of its own), or why it has none.
 */
export function resultEntry(
  line: MessageBatchResult,
  model: string,
): { output: ModelOutput } | { error: string } {
  const r = line.result;
  if (r?.type === "succeeded") {
    if (!Array.isArray(r.message?.content)) return { error: "malformed result: no content blocks" };
    return { output: messagesOutput(r.message, model, 0) };
  }
  if (r?.type === "errored") {
    const e = r.error?.error ?? r.error;
    const detail = e?.message
      ? `${e.type ? `${e.type}: ` : ""}${e.message}`
      : JSON.stringify(r.error ?? null);
    return { error: redact(`errored: ${detail}`) };
  }
  return { error: `${r?.type ?? "missing result"}: the batch did not run it` };
}
