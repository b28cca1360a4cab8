/**
 * A local OpenAI-compatible Chat Completions server for tests, benchmarks and dry runs. It listens on
 * 127.0.0.1 only, answers with a function of the request, and can misbehave on purpose: a seeded
 * fraction of requests get 429 (with retry-after), 500, a garbage body, or no answer at all (hang).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Rng } from "../stats/rng.js";

export interface MockMessage {
  role: string;
  content: string | Array<{ type: string; text?: string; image_url?: { url: string } }>;
}

export interface MockRequest {
  model: string;
  messages: MockMessage[];
  seed?: number;
  temperature?: number;
  max_tokens?: number;
  [key: string]: unknown;
}

export type MockReply =
  | string
  | {
      content: string;
      reasoning_content?: string;
      logprobs?: Array<{
        token: string;
        logprob: number;
        top_logprobs?: Array<{ token: string; logprob: number }>;
      }>;
    };

export interface RecordedRequest {
  body: MockRequest;
  authorization: string | undefined;
  /** What the server did: "ok", "429", "500", "garbage", "hang". */
  outcome: string;
}

export interface MockServerOptions {
  /**
   * The answer: its text, or the message fields a reasoning server sends (`reasoning_content`) and the
   * token log-probabilities; default: echo of the last user message.
   */
  reply?: (req: MockRequest, authorization: string | undefined) => MockReply | Promise<MockReply>;
  /** Fractions of requests (0..1) that fail in each way; decided by a seeded RNG. */
  failures?: { rate429?: number; rate500?: number; garbage?: number; hang?: number; seed?: number };
  retryAfterSeconds?: number;
  /** Delay before each answer. */
  delayMs?: number;
  /** Keep request bodies (off for long benchmarks). */
  record?: boolean;
  port?: number;
}

export interface MockServer {
  url: string;
  requests: RecordedRequest[];
  counts: Record<string, number>;
  close(): Promise<void>;
}

export function lastUserText(req: MockRequest): string {
  const m = [...req.messages].reverse().find((x) => x.role === "user");
  if (!m) return "";
  return typeof m.content === "string" ? m.content : m.content.map((p) => p.text ?? "").join("");
}

export async function startMockServer(opts: MockServerOptions = {}): Promise<MockServer> {
  const rng = new Rng(opts.failures?.seed ?? 1);
  const requests: RecordedRequest[] = [];
  const counts: Record<string, number> = { ok: 0, "429": 0, "500": 0, garbage: 0, hang: 0 };
  const hanging = new Set<ServerResponse>();
  let id = 0;
  const record = opts.record ?? true;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const isChat = req.url?.endsWith("/chat/completions") ?? false;
    if (req.method !== "POST" || !(isChat || req.url?.endsWith("/completions"))) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    let body: MockRequest;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as MockRequest;
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "invalid JSON body" } }));
      return;
    }
    const f = opts.failures ?? {};
    const r = f.rate429 || f.rate500 || f.garbage || f.hang ? rng.next() : 1;
    // Cumulative bands of [0, 1): the first band r falls in decides the outcome.
    let outcome = "ok";
    let edge = 0;
    for (const [name, rate] of [
      ["429", f.rate429],
      ["500", f.rate500],
      ["garbage", f.garbage],
      ["hang", f.hang],
    ] as const) {
      edge += rate ?? 0;
      if (r < edge) {
        outcome = name;
        break;
      }
    }
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    if (record) requests.push({ body, authorization: req.headers.authorization, outcome });

    if (outcome === "429") {
      res.writeHead(429, {
        "content-type": "application/json",
        "retry-after": String(opts.retryAfterSeconds ?? 0),
      });
      res.end(JSON.stringify({ error: { message: "rate limited", type: "rate_limit" } }));
      return;
    }
    if (outcome === "500") {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "internal error" } }));
      return;
    }
    if (outcome === "garbage") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"choices": [ {"mess');
      return;
    }
    if (outcome === "hang") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if (opts.delayMs) await new Promise((r2) => setTimeout(r2, opts.delayMs));
    // Raw completions arrive as {prompt}; present them to `reply` as one user message.
    if (!isChat) body.messages = [{ role: "user", content: String(body.prompt ?? "") }];
    const answer = opts.reply ? await opts.reply(body, req.headers.authorization) : lastUserText(body);
    const reply = typeof answer === "string" ? { content: answer } : answer;
    const text = reply.content;
    const choice = isChat
      ? {
          index: 0,
          message: {
            role: "assistant",
            content: text,
            ...(reply.reasoning_content !== undefined ? { reasoning_content: reply.reasoning_content } : {}),
          },
          ...(reply.logprobs ? { logprobs: { content: reply.logprobs } } : {}),
          finish_reason: "stop",
        }
      : { index: 0, text, finish_reason: "stop" };
    const payload = JSON.stringify({
      id: `cmpl-${++id}`,
      object: isChat ? "chat.completion" : "text_completion",
      created: 0,
      model: body.model,
      choices: [choice],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
    res.end(payload);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
