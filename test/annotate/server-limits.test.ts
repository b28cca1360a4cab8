import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { startAnnotateServer } from "../../src/annotate/server.js";
import type { RatingsDb } from "../../src/store/ratings.js";
import type { RunRow } from "../../src/store/run-store.js";
import { errorMessage } from "../../src/util/errors.js";

const RUN = { id: "r", task: "qa" } as RunRow;

/** Ratings that know one annotator ("tok") and fail as `fail` says when asked for ratings. */
function fakeRatings(fail: () => never): RatingsDb {
  return {
    annotatorByToken: (t: string) => (t === "tok" ? { name: "ann", runId: null } : undefined),
    ratingsFor: fail,
  } as unknown as RatingsDb;
}

/** POSTs `size` bytes with node:http and returns the status (a reset connection rejects). */
function post(url: string, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    let sent = 0;
    const write = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

test("a rating POST over 64 KB is answered 413, not with a reset connection", async () => {
  const srv = await startAnnotateServer({
    ratings: fakeRatings(() => {
      throw new Error("unused");
    }),
    run: RUN,
    items: [],
    port: 0,
  });
  try {
    for (const size of [80 * 1024, 2 * 1024 * 1024]) {
      const r = await post(`${srv.url}/a/tok/api/ratings`, size);
      assert.equal(r.status, 413, `${size} bytes`);
      assert.match(r.body, /64 KB/);
    }
  } finally {
    await srv.close();
  }
});

test("an error whose message is an object is reported as its JSON, never [object Object]", async () => {
  const srv = await startAnnotateServer({
    ratings: fakeRatings(() => {
      throw Object.assign(new Error(), { message: { reason: "database locked" } });
    }),
    run: RUN,
    items: [],
    port: 0,
  });
  try {
    const res = await fetch(`${srv.url}/a/tok/api/items`);
    assert.equal(res.status, 500);
    const body = (await res.json()) as { error: string };
    assert.equal(body.error, '{"reason":"database locked"}');
  } finally {
    await srv.close();
  }
  assert.equal(errorMessage({ message: { a: 1 } }), '{"a":1}');
  assert.equal(errorMessage({ code: 5 }), '{"code":5}');
  assert.equal(errorMessage(new Error("plain")), "plain");
  assert.equal(errorMessage(42), "42");
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(errorMessage({ message: cyclic }), "{self}");
});
