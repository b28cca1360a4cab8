/**
 * What the HTTP providers share: undici with one keep-alive pool per process (loaded on first use:
 * importing undici takes ~70 ms, which every CLI command paid when it was imported eagerly), and local
 * image files read for inlining.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import type { Agent } from "undici";
import { ProviderError } from "../core/types.js";
import { redact } from "../util/secrets.js";

let http: Promise<{ request: typeof import("undici").request; agent: Agent }> | undefined;

export function httpClient(): NonNullable<typeof http> {
  http ??= import("undici").then((u) => ({
    request: u.request,
    agent: new u.Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: null }),
  }));
  return http;
}

const IMAGE_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
};

/** An image reference as media type + base64 data: a data URL decoded, a local file read. */
export async function imageData(image: string): Promise<{ mime: string; base64: string }> {
  const dataUrl = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(image);
  if (dataUrl) {
    const [, mime = "application/octet-stream", b64, payload = ""] = dataUrl;
    return {
      mime,
      base64: b64 ? payload : Buffer.from(decodeURIComponent(payload), "utf8").toString("base64"),
    };
  }
  const mime = IMAGE_TYPES[extname(image).toLowerCase()] ?? "application/octet-stream";
  return { mime, base64: (await readFile(image)).toString("base64") };
}

/** One header's value (undici gives string | string[] | undefined). */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP request through the shared pool. `target.reached` records that the endpoint has answered
 * once, which changes what a refused connection means (see classifyError).
 */
export async function sendRequest(
  url: string,
  init: { method: "GET" | "POST"; headers: Record<string, string>; body?: string },
  signal: AbortSignal,
  target: { endpoint: string; reached: boolean },
): Promise<HttpReply> {
  try {
    const { request, agent } = await httpClient();
    const res = await request(url, { ...init, signal, dispatcher: agent });
    target.reached = true;
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  } catch (err) {
    throw classifyError(err, signal, target.reached ? undefined : target.endpoint);
  }
}

/** A 2xx body as JSON, or a retryable "malformed response". */
export function parseJsonReply<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ProviderError(
      `malformed response: not JSON (${JSON.stringify(redact(text.slice(0, 80)))})`,
      "transient",
    );
  }
}

/**
 * Map a transport failure to a ProviderError (or pass the abort reason through). `neverReached` is the
 * endpoint when no request to it has ever got an answer: then "connection refused" or "host not found"
 * is a wrong URL or a server that is not running, not a blip worth a minute of retries.
 */
export function classifyError(err: unknown, signal: AbortSignal, neverReached?: string): unknown {
  if (signal.aborted) return signal.reason ?? err;
  if (err instanceof ProviderError) return err;
  const code = (err as { code?: unknown }).code;
  if (neverReached && (code === "ECONNREFUSED" || code === "ENOTFOUND")) {
    const why = code === "ECONNREFUSED" ? "connection refused: is the server running?" : "host not found";
    return new ProviderError(
      `cannot reach ${neverReached} (${why}); check --model-base-url / --judge-base-url`,
      "fatal",
    );
  }
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
  const text = err instanceof Error ? `${err.message}${cause}` : String(err);
  // undici's errors and Node's system errors all carry a code (UND_ERR_…, ECONNRESET, …).
  if (err instanceof Error && "code" in err) {
    return new ProviderError(redact(`connection error: ${text}`), "transient");
  }
  return new ProviderError(redact(`request failed: ${text}`), "transient");
}

/**
 * `base` + `path`, with the path before any query string of the base (an Azure-style
 * `…/deployment?api-version=…` base URL keeps its query on every endpoint).
 */
export function joinUrlPath(base: string, path: string): string {
  const q = base.indexOf("?");
  return q < 0 ? `${base}${path}` : `${base.slice(0, q).replace(/\/$/, "")}${path}${base.slice(q)}`;
}
