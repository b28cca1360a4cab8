import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { RELEASE_DATASET, resolveDataset } from "../../src/llmeval-med/download.js";
import { UserError } from "../../src/util/errors.js";
import { tempDir } from "../helpers/cli.js";

const sha = (b: string | Buffer) => createHash("sha256").update(b).digest("hex");

function fakeFetch(body: string | Error, calls: string[] = []): typeof fetch {
  return (async (url: string | URL | Request) => {
    calls.push(String(url));
    if (body instanceof Error) throw body;
    return new Response(body, {
      status: 200,
      headers: { "content-length": String(Buffer.byteLength(body)) },
    });
  }) as typeof fetch;
}

describe("resolveDataset", () => {
  test("the pinned release URL names a commit and the file", () => {
    assert.match(
      RELEASE_DATASET.url,
      /^https:\/\/raw\.githubusercontent\.com\/llmeval\/LLMEval-Med\/[0-9a-f]{40}\/dataset\/dataset\.json$/,
    );
    assert.ok(RELEASE_DATASET.url.includes(RELEASE_DATASET.commit));
  });

  test("a local path is used as is", async () => {
    const dir = tempDir("med-dl-");
    const p = join(dir, "d.json");
    writeFileSync(p, "{}");
    const r = await resolveDataset(p, { cacheDir: dir, fetchImpl: fakeFetch(new Error("no network")) });
    assert.equal(r.path, p);
    assert.equal(r.sha256, sha("{}"));
    await assert.rejects(
      resolveDataset(join(dir, "missing.json")),
      (e: unknown) => e instanceof UserError && /no such file/.test(e.message),
    );
  });

  test("a URL is downloaded once, then served from the cache", async () => {
    const dir = tempDir("med-dl-");
    const calls: string[] = [];
    const url = "https://example.org/data.json";
    const a = await resolveDataset(url, {
      cacheDir: dir,
      progress: "silent",
      fetchImpl: fakeFetch('{"x": NaN}', calls),
    });
    assert.equal(readFileSync(a.path, "utf8"), '{"x": NaN}');
    const b = await resolveDataset(url, {
      cacheDir: dir,
      progress: "silent",
      fetchImpl: fakeFetch(new Error("offline"), calls),
    });
    assert.equal(b.path, a.path);
    assert.equal(calls.length, 1);
  });

  test("offline: a clear message that says what to do", async () => {
    const dir = tempDir("med-dl-");
    const err = new TypeError("fetch failed", {
      cause: new Error("getaddrinfo ENOTFOUND raw.githubusercontent.com"),
    });
    await assert.rejects(
      resolveDataset(undefined, { cacheDir: dir, progress: "silent", fetchImpl: fakeFetch(err) }),
      (e: unknown) =>
        e instanceof UserError &&
        /ENOTFOUND/.test(e.message) &&
        /offline/.test(e.message) &&
        /--dataset <path to dataset\.json>/.test(e.message),
    );
  });

  test("the pinned release is checked against its sha256", async () => {
    const dir = tempDir("med-dl-");
    await assert.rejects(
      resolveDataset(undefined, { cacheDir: dir, progress: "silent", fetchImpl: fakeFetch("{}") }),
      (e: unknown) =>
        e instanceof UserError && /sha256/.test(e.message) && e.message.includes(RELEASE_DATASET.sha256),
    );
  });
});
