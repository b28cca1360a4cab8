/**
 * A local server with the OpenAI Files and Batches endpoints (and live chat completions, for retries),
 * for tests of `--batch`. A batch moves validating → in_progress → completed (or expired) one step per
 * status read, unless `hold` keeps it in progress; chosen lines fail (error file, status 500) and an
 * expiring batch answers only its first half (the rest: `batch_expired` lines in the error file).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  [key: string]: unknown;
}

export interface BatchServerOptions {
  reply: (body: ChatBody) => string;
  /** Lines (by request body) that fail inside a batch; their live retry succeeds. */
  failLine?: (body: ChatBody) => boolean;
  /** Batches (1-based creation order) that expire half-done. */
  expire?: ReadonlySet<number>;
}

interface StoredBatch {
  id: string;
  ordinal: number;
  status: string;
  input_file_id: string;
  endpoint: string;
  completion_window: string;
  output_file_id: string | null;
  error_file_id: string | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: unknown;
}

export interface BatchServer {
  url: string;
  /** Batches created, in order. */
  batches: StoredBatch[];
  /** Input lines of each batch, by batch id. */
  inputs: Map<string, Array<{ custom_id: string; body: ChatBody; url: string }>>;
  uploads: number;
  liveCalls: ChatBody[];
  /** While true, batches stay in_progress. */
  hold: boolean;
  close(): Promise<void>;
}

const completion = (body: ChatBody, text: string, n: number) => ({
  id: `chatcmpl-${n}`,
  object: "chat.completion",
  created: 0,
  model: body.model,
  choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
});

export async function startBatchServer(opts: BatchServerOptions): Promise<BatchServer> {
  const files = new Map<string, string>();
  let n = 0;
  const state: BatchServer = {
    url: "",
    batches: [],
    inputs: new Map(),
    uploads: 0,
    liveCalls: [],
    hold: false,
    close: async () => {},
  };
  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  };

  const finish = (b: StoredBatch) => {
    const lines = state.inputs.get(b.id)!;
    const expire = opts.expire?.has(b.ordinal) ?? false;
    const answered = expire ? lines.slice(0, Math.floor(lines.length / 2)) : lines;
    const out: string[] = [];
    const err: string[] = [];
    for (const line of answered) {
      const id = `batch_req_${++n}`;
      if (opts.failLine?.(line.body)) {
        err.push(
          JSON.stringify({
            id,
            custom_id: line.custom_id,
            response: { status_code: 500, body: { error: { message: "server overloaded" } } },
            error: null,
          }),
        );
        continue;
      }
      const body = completion(line.body, opts.reply(line.body), n);
      out.push(
        JSON.stringify({ id, custom_id: line.custom_id, response: { status_code: 200, body }, error: null }),
      );
    }
    for (const line of lines.slice(answered.length))
      err.push(
        JSON.stringify({
          id: `batch_req_${++n}`,
          custom_id: line.custom_id,
          response: null,
          error: {
            code: "batch_expired",
            message: "This request could not be executed before the completion window expired.",
          },
        }),
      );
    if (out.length) {
      b.output_file_id = `file-out-${b.ordinal}`;
      files.set(b.output_file_id, `${out.join("\n")}\n`);
    }
    if (err.length) {
      b.error_file_id = `file-err-${b.ordinal}`;
      files.set(b.error_file_id, `${err.join("\n")}\n`);
    }
    b.request_counts = { total: lines.length, completed: out.length, failed: err.length };
    b.status = expire ? "expired" : "completed";
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? "").replace(/^\/v1/, "");
    if (req.method === "POST" && path === "/files") {
      const request = new Request("http://local/files", {
        method: "POST",
        headers: { "content-type": req.headers["content-type"] ?? "" },
        body: raw,
      });
      const form = await request.formData();
      const file = form.get("file");
      if (form.get("purpose") !== "batch" || !(file instanceof Blob))
        return json(res, 400, { error: { message: "need purpose=batch and a file" } });
      const id = `file-in-${++state.uploads}`;
      files.set(id, await file.text());
      return json(res, 200, { id, object: "file", purpose: "batch", bytes: file.size });
    }
    const content = /^\/files\/([^/]+)\/content$/.exec(path);
    if (req.method === "GET" && content) {
      const text = files.get(content[1]!);
      if (text === undefined) return json(res, 404, { error: { message: "no such file" } });
      res.writeHead(200, { "content-type": "application/jsonl" });
      return res.end(text);
    }
    if (req.method === "POST" && path === "/batches") {
      const body = JSON.parse(raw.toString("utf8")) as Record<string, string>;
      const input = files.get(body.input_file_id ?? "");
      if (input === undefined) return json(res, 400, { error: { message: "no such input file" } });
      if (body.endpoint !== "/v1/chat/completions" || body.completion_window !== "24h")
        return json(res, 400, { error: { message: "bad endpoint or completion_window" } });
      const ordinal = state.batches.length + 1;
      const b: StoredBatch = {
        id: `batch_${ordinal}`,
        ordinal,
        status: "validating",
        input_file_id: body.input_file_id!,
        endpoint: body.endpoint,
        completion_window: body.completion_window,
        output_file_id: null,
        error_file_id: null,
        request_counts: { total: 0, completed: 0, failed: 0 },
        metadata: body.metadata ?? null,
      };
      const lines = input
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { custom_id: string; body: ChatBody; url: string; method: string });
      if (lines.some((l) => l.method !== "POST" || l.url !== b.endpoint))
        return json(res, 400, { error: { message: "line method/url" } });
      state.inputs.set(b.id, lines);
      b.request_counts.total = lines.length;
      state.batches.push(b);
      return json(res, 200, { object: "batch", ...b });
    }
    const batch = /^\/batches\/([^/]+)$/.exec(path);
    if (req.method === "GET" && batch) {
      const b = state.batches.find((x) => x.id === batch[1]);
      if (!b) return json(res, 404, { error: { message: "no such batch" } });
      if (b.status === "validating") b.status = "in_progress";
      else if (b.status === "in_progress" && !state.hold) finish(b);
      return json(res, 200, { object: "batch", ...b });
    }
    if (req.method === "POST" && path === "/chat/completions") {
      const body = JSON.parse(raw.toString("utf8")) as ChatBody;
      state.liveCalls.push(body);
      return json(res, 200, completion(body, opts.reply(body), ++n));
    }
    json(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => json(res, 500, { error: { message: String(err) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
