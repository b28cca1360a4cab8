/** Minimal OpenAI-compatible chat servers for end-to-end tests: each request is answered by a function. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatRequestBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  max_tokens?: number;
}

/** Return the reply text, or undefined to hold the request open until the client goes away. */
export type Responder = (body: ChatRequestBody) => string | undefined;

export interface ChatServer {
  url: string;
  requests: ChatRequestBody[];
  /** Requests answered (not held). */
  answered: number;
  close(): Promise<void>;
}

export async function startChatServer(respond: Responder): Promise<ChatServer> {
  const state = { requests: [] as ChatRequestBody[], answered: 0 };
  const held = new Set<ServerResponse>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequestBody;
      state.requests.push(body);
      const text = respond(body);
      if (text === undefined) {
        held.add(res);
        res.on("close", () => held.delete(res));
        return;
      }
      state.answered++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${state.requests.length}`,
          object: "chat.completion",
          created: 0,
          model: body.model,
          choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    get answered() {
      return state.answered;
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
