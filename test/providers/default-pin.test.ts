import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import {
  DEFAULT_GGUF_MODEL,
  DEFAULT_GGUF_PIN,
  type HfFilePin,
  pinnedDownloadOptions,
} from "../../src/providers/default-model.js";
import { downloadHfFile, hfCachePath, readDownloadMeta } from "../../src/providers/hf-download.js";
import { tempDir } from "./gguf-helpers.js";

const CONTENT = randomBytes(200_000);
const SHA = createHash("sha256").update(CONTENT).digest("hex");

/** A hub that serves the default model's path with these bytes, announcing a digest or not. */
function startHub(announce: boolean): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url !== `/${DEFAULT_GGUF_MODEL.repo}/resolve/main/${DEFAULT_GGUF_MODEL.file}`) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "content-length": String(CONTENT.length),
      ...(announce ? { "x-linked-etag": `"${SHA}"`, "x-linked-size": String(CONTENT.length) } : {}),
    });
    res.end(CONTENT);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}

describe("the default model is pinned", () => {
  const saved = { ...process.env };
  let server: Server | undefined;
  beforeEach(() => {
    process.env.ASSAY_CACHE_DIR = tempDir("pincache");
  });
  afterEach(async () => {
    if (server) await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    for (const k of ["ASSAY_HF_ENDPOINT", "ASSAY_CACHE_DIR"]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  const hub = async (announce: boolean) => {
    const h = await startHub(announce);
    server = h.server;
    process.env.ASSAY_HF_ENDPOINT = h.url;
  };
  const target = () => hfCachePath(DEFAULT_GGUF_MODEL);

  test("only the default file gets pin options; other files none", () => {
    assert.equal(pinnedDownloadOptions(DEFAULT_GGUF_MODEL).requireDigest, true);
    assert.deepEqual(pinnedDownloadOptions({ ...DEFAULT_GGUF_MODEL, file: "other.gguf" }), {});
    assert.equal(DEFAULT_GGUF_PIN.ref, DEFAULT_GGUF_MODEL);
  });

  test("a download nobody vouches for is refused and leaves nothing in the cache", async () => {
    await hub(false);
    await assert.rejects(
      downloadHfFile(DEFAULT_GGUF_MODEL, {
        progress: "silent",
        ...pinnedDownloadOptions(DEFAULT_GGUF_MODEL),
      }),
      /corrupt: neither Assay nor the hub gives a sha256/,
    );
    assert.equal(existsSync(target()), false);
    assert.equal(existsSync(`${target()}.part`), false);
  });

  test("a pinned sha256 that differs is refused with both digests; a matching one is accepted and recorded", async () => {
    await hub(true);
    const wrong: HfFilePin = { ref: DEFAULT_GGUF_MODEL, sha256: "ab".repeat(32) };
    await assert.rejects(
      downloadHfFile(DEFAULT_GGUF_MODEL, {
        progress: "silent",
        ...pinnedDownloadOptions(DEFAULT_GGUF_MODEL, [wrong]),
      }),
      (e: Error) =>
        e.message.includes(SHA) && e.message.includes("ab".repeat(32)) && /pinned digest/.test(e.message),
    );
    assert.equal(existsSync(target()), false);
    const right: HfFilePin = { ref: DEFAULT_GGUF_MODEL, sha256: SHA, size: CONTENT.length };
    const path = await downloadHfFile(DEFAULT_GGUF_MODEL, {
      progress: "silent",
      ...pinnedDownloadOptions(DEFAULT_GGUF_MODEL, [right]),
    });
    assert.equal(readDownloadMeta(path)?.sha256, SHA);
    assert.equal(readDownloadMeta(path)?.verified, true);
  });

  test("a cached copy that differs from the pin is refused, not loaded", async () => {
    mkdirSync(dirname(target()), { recursive: true });
    writeFileSync(target(), Buffer.from("not the model"));
    const pin: HfFilePin = { ref: DEFAULT_GGUF_MODEL, sha256: SHA };
    await assert.rejects(
      downloadHfFile(DEFAULT_GGUF_MODEL, {
        progress: "silent",
        ...pinnedDownloadOptions(DEFAULT_GGUF_MODEL, [pin]),
      }),
      /does not match Assay's pin: sha256 .* instead of/,
    );
    // A hand-copied file with the right bytes is hashed once and accepted.
    rmSync(target());
    writeFileSync(target(), CONTENT);
    const path = await downloadHfFile(DEFAULT_GGUF_MODEL, {
      progress: "silent",
      ...pinnedDownloadOptions(DEFAULT_GGUF_MODEL, [pin]),
    });
    assert.equal(readDownloadMeta(path)?.sha256, SHA);
  });
});
