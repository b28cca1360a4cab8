/** A minimal OpenAI-compatible chat server for end-to-end tests: answers come from a function. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeMessage {
  role: string;
  content: string;
}

export type Responder = (messages: FakeMessage[], body: Record<string, unknown>) => string;

export interface FakeServer {
  baseUrl: string;
  /** Requests served so far. */
  calls: number;
  close(): Promise<void>;
}

export async function startFakeServer(respond: Responder): Promise<FakeServer> {
  const state = { calls: 0 };
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      raw += chunk;
    });
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      state.calls++;
      const body = JSON.parse(raw) as Record<string, unknown>;
      const messages = (body.messages as Array<{ role: string; content: unknown }>).map((m) => ({
        role: m.role,
        content: typeof m.content === "string" ? m.content : JSON.stringify(m.content),
      }));
      let text: string;
      try {
        text = respond(messages, body);
      } catch (err) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: String(err) } }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: `fake-${state.calls}`,
          object: "chat.completion",
          created: 0,
          model: String(body.model),
          choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get calls() {
      return state.calls;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
