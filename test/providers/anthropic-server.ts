/**
 * A local server that speaks Anthropic's Messages API for tests: it checks what the real API checks
 * (x-api-key, anthropic-version, max_tokens, roles), records every request, answers with content blocks
 * (text, thinking) and usage, and can answer with the API's error shapes (429 with retry-after, 529
 * overloaded, 400, 401, 404). GET /v1/models/<id> answers for the models it knows.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface AnthropicRecorded {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export type AnthropicAnswer =
  | { text: string; thinking?: string; usage?: Record<string, number> }
  | { status: number; type: string; message: string; headers?: Record<string, string> };

export interface AnthropicServerOptions {
  /** The key the server accepts (requests with another get 401). */
  key?: string;
  /** Models GET /v1/models/<id> knows (default: every id). */
  models?: string[];
  /** The answer to the n-th (0-based) Messages request; default: echo the last user text. */
  answer?: (body: Record<string, unknown>, n: number, headers: IncomingHttpHeaders) => AnthropicAnswer;
}

export interface AnthropicServer {
  url: string;
  requests: AnthropicRecorded[];
  close(): Promise<void>;
}

function errorBody(type: string, message: string): string {
  return JSON.stringify({ type: "error", error: { type, message } });
}

export async function startAnthropicServer(opts: AnthropicServerOptions = {}): Promise<AnthropicServer> {
  const requests: AnthropicRecorded[] = [];
  let n = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    requests.push({ path: req.url ?? "", method: req.method ?? "", headers: req.headers, body });
    const send = (status: number, payload: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(payload);
    };
    if (opts.key !== undefined && req.headers["x-api-key"] !== opts.key)
      return send(401, errorBody("authentication_error", "invalid x-api-key"));
    if (req.headers["anthropic-version"] === undefined)
      return send(400, errorBody("invalid_request_error", "anthropic-version header is required"));
    const model = /^\/v1\/models\/(.+)$/.exec(req.url ?? "")?.[1];
    if (req.method === "GET" && model !== undefined) {
      const id = decodeURIComponent(model);
      if (opts.models && !opts.models.includes(id))
        return send(404, errorBody("not_found_error", `model: ${id}`));
      return send(200, JSON.stringify({ type: "model", id, display_name: id }));
    }
    if (req.method !== "POST" || req.url !== "/v1/messages")
      return send(404, errorBody("not_found_error", `no route ${req.method} ${req.url}`));
    if (typeof body.max_tokens !== "number")
      return send(400, errorBody("invalid_request_error", "max_tokens: Field required"));
    const messages = body.messages as Array<{ role: string; content: unknown }>;
    if (messages.some((m) => m.role !== "user" && m.role !== "assistant"))
      return send(400, errorBody("invalid_request_error", "messages: roles must be user or assistant"));
    const last = [...messages].reverse().find((m) => m.role === "user");
    const lastText =
      typeof last?.content === "string"
        ? last.content
        : ((last?.content as Array<{ type: string; text?: string }>) ?? []).map((b) => b.text ?? "").join("");
    const answer = opts.answer ? opts.answer(body, n++, req.headers) : { text: lastText };
    if ("status" in answer)
      return send(answer.status, errorBody(answer.type, answer.message), answer.headers);
    const content = [
      ...(answer.thinking !== undefined
        ? [{ type: "thinking", thinking: answer.thinking, signature: "sig" }]
        : []),
      { type: "text", text: answer.text },
    ];
    send(
      200,
      JSON.stringify({
        id: `msg_${n}`,
        type: "message",
        role: "assistant",
        model: body.model,
        content,
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: answer.usage ?? { input_tokens: 12, output_tokens: 7 },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
