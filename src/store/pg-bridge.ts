/**
 * The main thread's end of the PostgreSQL worker (pg-worker.ts). `call` blocks until the answer comes
 * (Atomics.wait on a shared counter the worker bumps after each answer), which makes the store
 * synchronous like better-sqlite3; `send` does not wait, and its answer is handled when it arrives (or
 * by the next blocking call, which the worker answers only after everything sent before it).
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { PgReply, PgRequest } from "./pg-protocol.js";

/** How long a worker may take to start before a blocking call gives up. */
const WORKER_START_MS = 20_000;

type Settle = (reply: PgReply) => void;

class Bridge {
  private readonly port: MessagePort;
  /** [0]: answers posted so far (the worker bumps it after each); [1]: 1 once the worker runs. */
  private readonly signal = new Int32Array(new SharedArrayBuffer(8));
  private seq = 0;
  private readonly waiting = new Map<number, Settle>();
  /** Answers to blocking calls that arrived while a nested call was waiting (a callback called in). */
  private readonly parked = new Map<number, PgReply>();

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const worker = new Worker(new URL("./pg-worker.js", import.meta.url), {
      workerData: { port: port2, signal: this.signal },
      transferList: [port2],
      // Not the parent's flags: `node -e …` or `--input-type` would make the worker run something else.
      execArgv: [],
    });
    // Neither keeps the process alive: a store that is not closed does not hang the exit.
    worker.unref();
    this.port.on("message", (reply: PgReply) => this.settle(reply));
    this.port.unref();
  }

  private settle(reply: PgReply): void {
    const done = this.waiting.get(reply.seq);
    if (!done) return void this.parked.set(reply.seq, reply);
    this.waiting.delete(reply.seq);
    if (this.waiting.size === 0) this.port.unref();
    done(reply);
  }

  /** Send a request and handle its answer later. */
  send(req: PgRequest, done: Settle): void {
    const seq = ++this.seq;
    // An answer still to come keeps the process alive (a background commit, an awaited read).
    if (this.waiting.size === 0) this.port.ref();
    this.waiting.set(seq, done);
    this.port.postMessage({ seq, req });
  }

  /** Send a request and block until its answer; answers to earlier `send`s are handled on the way. */
  call(req: PgRequest): unknown {
    const seq = ++this.seq;
    this.port.postMessage({ seq, req });
    const startBy = Date.now() + WORKER_START_MS;
    for (;;) {
      const parked = this.parked.get(seq);
      if (parked) {
        this.parked.delete(seq);
        return unwrap(parked);
      }
      const seen = Atomics.load(this.signal, 0);
      const got = receiveMessageOnPort(this.port);
      if (!got) {
        // Its events cannot reach a blocked thread, so a worker that never started is noticed by time.
        if (Atomics.load(this.signal, 1) === 0 && Date.now() > startBy)
          throw new Error("the PostgreSQL worker thread did not start");
        Atomics.wait(this.signal, 0, seen, 1000);
        continue;
      }
      const reply = got.message as PgReply;
      if (reply.seq === seq) return unwrap(reply);
      this.settle(reply);
    }
  }
}

function unwrap(reply: PgReply): unknown {
  if (reply.ok) return reply.value;
  throw Object.assign(new Error(reply.message), reply.code ? { code: reply.code } : {});
}

let bridge: Bridge | undefined;

/** The process's one worker (started on first use), shared by every PostgreSQL store. */
export function pgBridge(): Bridge {
  bridge ??= new Bridge();
  return bridge;
}
