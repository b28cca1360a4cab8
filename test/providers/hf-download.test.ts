import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import {
  downloadHfFile,
  hfCachePath,
  hfFileUrl,
  offlineHint,
  parseHfReference,
  readDownloadMeta,
} from "../../src/providers/hf-download.js";
import { UserError } from "../../src/util/errors.js";
import { tempDir } from "./gguf-helpers.js";

/** A local stand-in for the Hugging Face Hub: resolve URLs redirect to a CDN path that serves the bytes. */
interface FakeHub {
  url: string;
  requests: Array<{ path: string; range?: string; authorization?: string }>;
  /** Cut the next CDN response after this many bytes. */
  cutAfter?: number;
  /** Announce this digest instead of the real one. */
  announcedSha?: string;
  ignoreRange?: boolean;
  status?: number;
  close(): Promise<void>;
}

const COMMIT = "0123456789abcdef0123456789abcdef01234567";

async function startHub(content: Buffer): Promise<FakeHub> {
  const sha = createHash("sha256").update(content).digest("hex");
  const hub: FakeHub = { url: "", requests: [], close: async () => {} };
  const record = (req: IncomingMessage) =>
    hub.requests.push({
      path: req.url ?? "",
      ...(req.headers.range ? { range: req.headers.range } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
  // The CDN is a second server (another origin), as on the real hub.
  const cdn: Server = createServer((req, res) => {
    record(req);
    if (req.url !== `/cdn/${sha}`) {
      res.writeHead(404).end();
      return;
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const start = m && !hub.ignoreRange ? Number(m[1]) : 0;
    if (start >= content.length) {
      res.writeHead(416, { "content-range": `bytes */${content.length}` }).end();
      return;
    }
    const body = content.subarray(start);
    const headers: Record<string, string> = { "content-length": String(body.length) };
    if (start > 0) headers["content-range"] = `bytes ${start}-${content.length - 1}/${content.length}`;
    res.writeHead(start > 0 ? 206 : 200, headers);
    if (hub.cutAfter !== undefined) {
      const cut = hub.cutAfter;
      hub.cutAfter = undefined;
      res.write(body.subarray(0, cut), () => res.destroy());
      return;
    }
    res.end(body);
  });
  const cdnUrl = await listen(cdn);
  const server: Server = createServer((req, res) => {
    record(req);
    if (!req.url?.includes("/resolve/")) {
      res.writeHead(404).end();
      return;
    }
    if (hub.status) {
      res.writeHead(hub.status, { "content-type": "text/plain" }).end("nope");
      return;
    }
    res
      .writeHead(302, {
        location: `${cdnUrl}/cdn/${sha}`,
        "x-linked-etag": `"${hub.announcedSha ?? sha}"`,
        "x-linked-size": String(content.length),
        "x-repo-commit": COMMIT,
      })
      .end();
  });
  hub.url = await listen(server);
  hub.close = async () => {
    await Promise.all([server, cdn].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  };
  return hub;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const REF = parseHfReference("acme/tiny-GGUF/weights/tiny-q4.gguf");

describe("hf: references", () => {
  test("parse owner/repo[@revision]/path and build hub URLs", () => {
    const saved = process.env.ASSAY_HF_ENDPOINT;
    process.env.ASSAY_HF_ENDPOINT = "http://127.0.0.1:9/";
    try {
      assert.deepEqual(parseHfReference("Qwen/Qwen2.5-0.5B-Instruct-GGUF/q.gguf"), {
        repo: "Qwen/Qwen2.5-0.5B-Instruct-GGUF",
        revision: "main",
        file: "q.gguf",
      });
      const pinned = parseHfReference(`a/b@${COMMIT}/dir/x y.gguf`);
      assert.deepEqual(pinned, { repo: "a/b", revision: COMMIT, file: "dir/x y.gguf" });
      assert.equal(hfFileUrl(pinned), `http://127.0.0.1:9/a/b/resolve/${COMMIT}/dir/x%20y.gguf`);
    } finally {
      if (saved === undefined) delete process.env.ASSAY_HF_ENDPOINT;
      else process.env.ASSAY_HF_ENDPOINT = saved;
    }
    for (const bad of [
      "a/b",
      "a",
      "/b/c.gguf",
      "a/b/../c.gguf",
      "a/b@/c.gguf",
      "a/b//c.gguf",
      "a b/c/d.gguf",
    ]) {
      assert.throws(() => parseHfReference(bad), UserError, bad);
    }
  });
});

describe("downloadHfFile against a local hub", () => {
  let hub: FakeHub;
  const content = randomBytes(600_000);
  const savedEnv = { ...process.env };

  beforeEach(async () => {
    hub = await startHub(content);
    process.env.ASSAY_HF_ENDPOINT = hub.url;
    process.env.ASSAY_CACHE_DIR = tempDir("hfcache");
    delete process.env.HF_TOKEN;
  });
  afterEach(async () => {
    await hub.close();
    for (const k of ["ASSAY_HF_ENDPOINT", "ASSAY_CACHE_DIR", "HF_TOKEN"]) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
  });

  test("downloads once, checks the announced sha256, records the commit", async () => {
    const path = await downloadHfFile(REF, { progress: "silent" });
    assert.equal(path, hfCachePath(REF));
    assert.ok(path.startsWith(process.env.ASSAY_CACHE_DIR ?? "?"));
    assert.ok(readFileSync(path).equals(content));
    const meta = readDownloadMeta(path);
    assert.equal(meta?.sha256, createHash("sha256").update(content).digest("hex"));
    assert.equal(meta?.verified, true);
    assert.equal(meta?.commit, COMMIT);
    assert.equal(meta?.size, content.length);
    assert.equal(existsSync(`${path}.part`), false);
    const seen = hub.requests.length;
    assert.equal(await downloadHfFile(REF, { progress: "silent" }), path);
    assert.equal(hub.requests.length, seen, "a cached file is not fetched again");
  });

  test("a copy in the standard Hugging Face cache is used, not downloaded again (unless it fails the pin)", async () => {
    const hubCache = tempDir("hfhub");
    const repoDir = join(hubCache, `models--${REF.repo.split("/").join("--")}`);
    const snapshot = join(repoDir, "snapshots", COMMIT, REF.file);
    mkdirSync(dirname(snapshot), { recursive: true });
    writeFileSync(snapshot, content);
    mkdirSync(join(repoDir, "refs"), { recursive: true });
    writeFileSync(join(repoDir, "refs", REF.revision), COMMIT);
    process.env.HF_HUB_CACHE = hubCache;
    try {
      assert.equal(await downloadHfFile(REF, { progress: "silent" }), snapshot);
      assert.equal(hub.requests.length, 0, "no request to the hub");
      const sha = createHash("sha256").update(content).digest("hex");
      assert.equal(await downloadHfFile(REF, { progress: "silent", expectedSha256: sha }), snapshot);
      // A copy that does not match the pinned digest is left alone and the file is downloaded.
      writeFileSync(snapshot, Buffer.from("not the model"));
      const fetched = await downloadHfFile(REF, { progress: "silent", expectedSha256: sha });
      assert.equal(fetched, hfCachePath(REF));
      assert.ok(readFileSync(fetched).equals(content));
      assert.ok(hub.requests.length > 0);
    } finally {
      delete process.env.HF_HUB_CACHE;
    }
  });

  test("resumes an interrupted download with a Range request", async () => {
    hub.cutAfter = 200_000;
    await assert.rejects(downloadHfFile(REF, { progress: "silent" }), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /interrupted|ended early/);
      assert.match(err.message, /run the command again to resume/);
      return true;
    });
    const part = `${hfCachePath(REF)}.part`;
    const kept = statSync(part).size;
    assert.ok(kept > 0 && kept < content.length, `partial file of ${kept} bytes`);
    const path = await downloadHfFile(REF, { progress: "silent" });
    assert.ok(readFileSync(path).equals(content));
    assert.ok(
      hub.requests.some((r) => r.path.startsWith("/cdn/") && r.range === `bytes=${kept}-`),
      "second attempt asked for the missing bytes only",
    );
    assert.equal(readDownloadMeta(path)?.verified, true);
  });

  test("a complete .part left by an interrupted rename is verified, not fetched again", async () => {
    const target = hfCachePath(REF);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(`${target}.part`, content);
    const path = await downloadHfFile(REF, { progress: "silent" });
    assert.ok(readFileSync(path).equals(content));
    assert.equal(readDownloadMeta(path)?.verified, true);
    assert.ok(hub.requests.some((r) => r.range === `bytes=${content.length}-`));
  });

  test("a .part longer than the file is discarded and the file fetched again", async () => {
    const target = hfCachePath(REF);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(`${target}.part`, Buffer.concat([content, Buffer.from("extra")]));
    const path = await downloadHfFile(REF, { progress: "silent" });
    assert.ok(readFileSync(path).equals(content));
  });

  test("a server that ignores Range gets the whole file again", async () => {
    hub.cutAfter = 100_000;
    await assert.rejects(downloadHfFile(REF, { progress: "silent" }), UserError);
    hub.ignoreRange = true;
    const path = await downloadHfFile(REF, { progress: "silent" });
    assert.ok(readFileSync(path).equals(content));
  });

  test("a digest mismatch removes the file and says so", async () => {
    hub.announcedSha = "ab".repeat(32);
    await assert.rejects(downloadHfFile(REF, { progress: "silent" }), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /corrupt/);
      assert.ok(err.message.includes("ab".repeat(32)));
      return true;
    });
    assert.equal(existsSync(hfCachePath(REF)), false);
    assert.equal(existsSync(`${hfCachePath(REF)}.part`), false);
  });

  test("a pinned digest is checked too", async () => {
    await assert.rejects(
      downloadHfFile(REF, { progress: "silent", expectedSha256: "cd".repeat(32) }),
      /corrupt.*Assay's pinned digest/,
    );
  });

  test("HF_TOKEN goes to the hub only, never to the CDN it redirects to", async () => {
    process.env.HF_TOKEN = "hf_test_secret";
    await downloadHfFile(REF, { progress: "silent" });
    const resolve = hub.requests.find((r) => r.path.includes("/resolve/"));
    const cdn = hub.requests.find((r) => r.path.startsWith("/cdn/"));
    assert.equal(resolve?.authorization, "Bearer hf_test_secret");
    assert.ok(cdn, "the CDN was asked for the bytes");
    assert.equal(cdn.authorization, undefined);
  });

  test("HTTP errors name the file, the revision and what to do", async () => {
    hub.status = 404;
    await assert.rejects(downloadHfFile(REF, { progress: "silent" }), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /HTTP 404/);
      assert.ok(err.message.includes('"weights/tiny-q4.gguf"') && err.message.includes('"main"'));
      return true;
    });
    hub.status = 401;
    await assert.rejects(downloadHfFile(REF, { progress: "silent" }), /HTTP 401.*HF_TOKEN/);
  });

  test("offline: a clear message naming the URL, the flag and the cache path", async () => {
    await hub.close();
    const dead = createServer();
    const port = Number(new URL(await listen(dead)).port);
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    process.env.ASSAY_HF_ENDPOINT = `http://127.0.0.1:${port}`;
    hub = { ...hub, close: async () => {} };
    await assert.rejects(downloadHfFile(REF, { progress: "silent" }), (err: unknown) => {
      assert.ok(err instanceof UserError);
      const url = `http://127.0.0.1:${port}/acme/tiny-GGUF/resolve/main/weights/tiny-q4.gguf`;
      assert.ok(err.message.includes(url), err.message);
      assert.match(err.message, /offline/);
      assert.match(err.message, /--model gguf\/<path to tiny-q4\.gguf>/);
      assert.ok(err.message.includes(join("models", "huggingface", "acme", "tiny-GGUF", "main", "weights")));
      assert.equal(err.message.includes(offlineHint(REF)), true);
      return true;
    });
  });
});
