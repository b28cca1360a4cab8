/**
 * The OpenAI Batch API (and servers that copy it): upload a JSONL file of requests (Files API, purpose
 * "batch"), create a batch over it (`POST /batches`, completion window 24h), read its status
 * (`GET /batches/{id}`), and download its output and error files (`GET /files/{id}/content`). The request
 * lines are built by OpenAIProvider.requestBody, so a batched request is byte for byte the live one, and
 * response bodies are read by the same completionOutput. Requests here are few (one per poll), so plain
 * fetch is used, with a few retries for 429/5xx and dropped connections.
 */
import { ProviderError } from "../core/types.js";
import { sleep } from "../scheduler/retry.js";
import { errorMessage } from "../util/errors.js";
import { redact } from "../util/secrets.js";
import { joinUrlPath } from "./http.js";
import type { OpenAIProvider } from "./openai.js";

/** One line of a batch input file. */
export interface BatchInputLine {
  custom_id: string;
  method: "POST";
  url: "/v1/chat/completions" | "/v1/completions";
  body: Record<string, unknown>;
}

/** One line of a batch output or error file. */
export interface BatchOutputLine {
  custom_id: string;
  response?: { status_code: number; body?: unknown } | null;
  error?: { code?: string; message?: string } | null;
}

export type BatchStatus =
  | "validating"
  | "failed"
  | "in_progress"
  | "finalizing"
  | "completed"
  | "expired"
  | "cancelling"
  | "cancelled";

/** The fields of a batch object that Assay reads. */
export interface BatchInfo {
  id: string;
  status: BatchStatus;
  input_file_id: string;
  output_file_id?: string | null;
  error_file_id?: string | null;
  request_counts?: { total: number; completed: number; failed: number };
  errors?: { data?: Array<{ code?: string; message?: string; line?: number | null }> } | null;
}

/** Statuses after which a batch changes no more. */
export const FINAL_BATCH_STATUSES: ReadonlySet<BatchStatus> = new Set([
  "completed",
  "expired",
  "failed",
  "cancelled",
]);

const ATTEMPTS = 5;

export class OpenAIBatchClient {
  constructor(private readonly provider: OpenAIProvider) {}

  /** Upload a JSONL input file; returns its file id. */
  async upload(lines: BatchInputLine[], filename: string): Promise<string> {
    const text = `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;
    const file = await this.call("POST", "/files", () => {
      const form = new FormData();
      form.append("purpose", "batch");
      form.append("file", new Blob([text], { type: "application/jsonl" }), filename);
      return form;
    });
    return (file as { id: string }).id;
  }

  /** Create a batch over an uploaded input file. */
  async create(inputFileId: string, endpoint: BatchInputLine["url"], metadata: Record<string, string>) {
    return (await this.call("POST", "/batches", () =>
      JSON.stringify({ input_file_id: inputFileId, endpoint, completion_window: "24h", metadata }),
    )) as BatchInfo;
  }

  async retrieve(batchId: string): Promise<BatchInfo> {
    return (await this.call("GET", `/batches/${encodeURIComponent(batchId)}`)) as BatchInfo;
  }

  /** A file's content as text (output and error files are JSONL). */
  async content(fileId: string): Promise<string> {
    return (await this.call(
      "GET",
      `/files/${encodeURIComponent(fileId)}/content`,
      undefined,
      true,
    )) as string;
  }

  private call(
    method: "GET" | "POST",
    path: string,
    body?: () => string | FormData,
    asText = false,
  ): Promise<unknown> {
    const url = joinUrlPath(this.provider.baseUrl, path);
    return batchApiCall("batch API", method, url, this.provider.headers, body, asText);
  }
}

/**
 * One request to a batch API (OpenAI's or Anthropic's), retried with backoff on 429, 5xx and dropped
 * connections; JSON bodies keep the provider's headers, a GET or multipart upload drops its content type.
 * Returns the parsed JSON reply, or its text with `asText`. Errors name `label`, method and path.
 */
export async function batchApiCall(
  label: string,
  method: "GET" | "POST",
  url: string,
  providerHeaders: Record<string, string>,
  body?: () => string | FormData,
  asText = false,
): Promise<unknown> {
  const path = new URL(url).pathname;
  for (let attempt = 1; ; attempt++) {
    let failure: ProviderError;
    try {
      const payload = body?.();
      // FormData sets its own multipart content type; JSON bodies keep the provider's headers.
      const headers: Record<string, string> = { ...providerHeaders };
      if (payload === undefined || payload instanceof FormData) delete headers["content-type"];
      const res = await fetch(url, {
        method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
      });
      const text = await res.text();
      if (res.ok) {
        if (asText) return text;
        try {
          return JSON.parse(text);
        } catch {
          throw new ProviderError(`${method} ${path}: malformed response (not JSON)`, "transient");
        }
      }
      const retry = res.status === 429 || res.status >= 500;
      failure = new ProviderError(
        redact(`${label} ${method} ${path}: HTTP ${res.status}: ${text.slice(0, 300)}`),
        retry ? "transient" : "fatal",
        { status: res.status },
      );
    } catch (err) {
      failure =
        err instanceof ProviderError
          ? err
          : new ProviderError(redact(`${label} ${method} ${path}: ${errorMessage(err)}`), "transient");
    }
    if (failure.kind === "fatal" || attempt >= ATTEMPTS) throw failure;
    await sleep(500 * 2 ** (attempt - 1));
  }
}

/** Parse a JSONL output or error file (blank lines skipped). */
export function parseOutputLines(text: string): BatchOutputLine[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as BatchOutputLine);
}

/** Parse a JSONL input file as uploaded. */
export function parseInputLines(text: string): BatchInputLine[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as BatchInputLine);
}
