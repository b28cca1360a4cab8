import assert from "node:assert/strict";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { RunStore } from "../../src/store/run-store.js";
import { startViewServer, type ViewServer } from "../../src/view/server.js";
import { tempDir } from "../helpers/cli.js";
import {
  expectedDiffs,
  HOSTILE_OUTPUT,
  HOSTILE_SAMPLE,
  IMAGE_SAMPLE,
  writeViewerFixture,
} from "./fixture.js";

let store: RunStore;
let srv: ViewServer;

before(async () => {
  const db = join(tempDir("assay-view-"), "assay.db");
  writeViewerFixture(db);
  store = new RunStore(db, { readonly: true });
  srv = await startViewServer({ store, port: 0 });
});
after(async () => {
  await srv.close();
  store.close();
});

async function get(path: string) {
  const res = await fetch(new URL(path, srv.url));
  return {
    res,
    body: res.headers.get("content-type")?.includes("json") ? await res.json() : await res.text(),
  };
}

test("the page and its API answer with a strict CSP; runs filter by task and model", async () => {
  const { res, body } = await get("./");
  assert.equal(res.status, 200);
  const csp = res.headers.get("content-security-policy") ?? "";
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /img-src 'self'/);
  assert.doesNotMatch(csp, /unsafe/);
  assert.match(String(body), /app\.js/);
  const all = (await get("api/runs")).body as {
    runs: Array<{ id: string; samples: number; errors: number }>;
  };
  assert.deepEqual(
    all.runs.map((r) => [r.id, r.samples, r.errors]),
    [
      ["qa-new", 12, 1],
      ["qa-base", 12, 0],
    ],
  );
  const one = (await get("api/runs?model=openai%2Fbase-model")).body as { runs: Array<{ id: string }> };
  assert.deepEqual(
    one.runs.map((r) => r.id),
    ["qa-base"],
  );
});

test("samples page: server-side paging, error, text and score filters, sorting", async () => {
  const page = (await get("api/runs/qa-new/samples?limit=5&offset=10")).body as {
    total: number;
    rows: Array<{ sampleId: string; error: string | null; scores: Record<string, number | null> }>;
  };
  assert.equal(page.total, 12);
  assert.deepEqual(
    page.rows.map((r) => r.sampleId),
    ["q10", "q11"],
  );
  assert.match(page.rows[1]!.error ?? "", /HTTP 500/);
  const first = (await get("api/runs/qa-new/samples?limit=1")).body as {
    rows: Array<{ inputPreview: string }>;
  };
  assert.equal(first.rows[0]!.inputPreview, "Question q00?", "a chat input previews its last message's text");
  const errors = (await get("api/runs/qa-new/samples?errors=only")).body as { total: number };
  assert.equal(errors.total, 1);
  const text = (await get(`api/runs/qa-new/samples?text=${encodeURIComponent("<script>")}`)).body as {
    rows: Array<{ sampleId: string }>;
  };
  assert.deepEqual(
    text.rows.map((r) => r.sampleId),
    [HOSTILE_SAMPLE],
  );
  const like = (await get("api/runs/qa-new/samples?text=%25")).body as { total: number };
  assert.equal(like.total, 0, "% is matched literally, not as a wildcard");
  const wrong = (await get("api/runs/qa-base/samples?scorer=exact&min=0&max=0")).body as { total: number };
  assert.equal(wrong.total, 5);
  const sorted = (await get("api/runs/qa-base/samples?sort=score&desc=1&limit=1")).body as {
    rows: Array<{ scores: Record<string, number> }>;
  };
  assert.equal(sorted.rows[0]!.scores.exact, 1);
  const bad = await get("api/runs/qa-base/samples?limit=100000");
  assert.equal(bad.res.status, 400);
});

test("a sample carries its conversation, target, scores; its image comes from the store's blobs", async () => {
  const s = (await get(`api/runs/qa-new/samples/${HOSTILE_SAMPLE}/1`)).body as {
    sample: { output: string; target: string };
    scores: Array<{ scorer: string; explanation: string }>;
  };
  assert.equal(s.sample.output, HOSTILE_OUTPUT);
  assert.equal(s.scores[0]!.scorer, "exact");
  const img = (await get(`api/runs/qa-new/samples/${IMAGE_SAMPLE}/1`)).body as {
    sample: { input: Array<{ content: Array<{ type: string; image?: string }> }> };
  };
  const ref = img.sample.input[0]!.content.find((p) => p.type === "image")!.image!;
  const hash = /^assay-blob:([0-9a-f]{64})$/.exec(ref)![1]!;
  const blob = await fetch(new URL(`api/blobs/${hash}`, srv.url));
  assert.equal(blob.headers.get("content-type"), "image/png");
  assert.deepEqual([...new Uint8Array(await blob.arrayBuffer()).slice(1, 4)], [0x50, 0x4e, 0x47]);
  assert.equal((await get("api/runs/qa-new/samples/nope/1")).res.status, 404);
  assert.equal((await get("api/runs/no-such-run")).res.status, 404);
});

test("compare answers the paired statistics; charts are SVG with escaped labels", async () => {
  const c = (await get("api/compare?a=qa-base&b=qa-new")).body as {
    overlap: { shared: number };
    scorers: Array<{
      n: number;
      wins: number;
      losses: number;
      flippedTotal: number;
      diff: { value: number };
    }>;
  };
  const d = expectedDiffs();
  assert.equal(c.overlap.shared, 12);
  assert.equal(c.scorers[0]!.n, d.length);
  assert.equal(c.scorers[0]!.flippedTotal, d.filter((x) => x !== 0).length);
  assert.ok(Math.abs(c.scorers[0]!.diff.value - d.reduce((s, x) => s + x, 0) / d.length) < 1e-12);
  const chart = await get("api/runs/qa-base/groups.svg?scorer=exact&key=topic");
  assert.equal(chart.res.headers.get("content-type"), "image/svg+xml");
  assert.match(String(chart.body), /&#60;b&#62;history&#60;\/b&#62;/);
  assert.doesNotMatch(String(chart.body), /<b>/);
  assert.equal((await get("api/compare?a=qa-base")).res.status, 400);
});

test("a foreign Host header is refused on loopback; a token server refuses URLs without the token", async () => {
  const port = new URL(srv.url).port;
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/api/runs", headers: { Host: "evil.example:80" } },
      (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end();
  });
  assert.equal(status, 403);
  const tok = await startViewServer({ store, port: 0, token: "0123456789abcdefXYZ" });
  try {
    const root = new URL(tok.url).origin;
    assert.equal((await fetch(`${root}/api/runs`)).status, 403);
    assert.equal((await fetch(`${root}/t/wrong-token-0000000/api/runs`)).status, 403);
    assert.equal((await fetch(new URL("api/runs", tok.url))).status, 200);
  } finally {
    await tok.close();
  }
  assert.throws(() => startViewServer({ store, host: "0.0.0.0", port: 0 }), /needs a token/);
});
