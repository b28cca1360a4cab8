/**
 * Where the dataset comes from: a local path, an http(s) URL, or (no --dataset) the public release
 * pinned to a commit of llmeval/LLMEval-Med and checked against its sha256. Downloads are cached
 * under Assay's cache directory ($ASSAY_CACHE_DIR, default ~/.cache/assay) so later runs work offline.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cacheDir } from "../dataset/download.js";
import { errorMessage, UserError } from "../util/errors.js";
import { isNetworkFailure, OfflineError } from "../util/offline.js";
import { formatBytes, Progress } from "../util/progress.js";

/** The public release: dataset/dataset.json as last changed in commit 88de31b (2026-01-15). */
export const RELEASE_DATASET = {
  repo: "llmeval/LLMEval-Med",
  commit: "88de31b8443e8da0b42a2f4a95a443c9903c3950",
  url: "https://raw.githubusercontent.com/llmeval/LLMEval-Med/88de31b8443e8da0b42a2f4a95a443c9903c3950/dataset/dataset.json",
  sha256: "58b60a92c20be4c62644fd3e028670514b452d125152715e52f6a9268a68db90",
  bytes: 1861859,
} as const;

export interface ResolveOptions {
  /** Folder for cached downloads (default: <Assay cache>/llmeval-med). */
  cacheDir?: string;
  progress?: "auto" | "silent";
  /** Injected for tests. */
  fetchImpl?: typeof fetch;
}

export interface ResolvedDataset {
  path: string;
  /** What the user asked for (path, URL, or the pinned release URL). */
  origin: string;
  sha256: string;
}

function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Turn `--dataset` (or its absence) into a local file path, downloading when needed. */
export async function resolveDataset(
  spec: string | undefined,
  opts: ResolveOptions = {},
): Promise<ResolvedDataset> {
  if (spec !== undefined && !/^https?:\/\//i.test(spec)) {
    if (!existsSync(spec)) throw new UserError(`--dataset ${spec}: no such file`);
    return { path: spec, origin: spec, sha256: sha256Hex(await readFile(spec)) };
  }
  const url = spec ?? RELEASE_DATASET.url;
  const expected = spec === undefined ? RELEASE_DATASET.sha256 : undefined;
  const dir = opts.cacheDir ?? cacheDir("llmeval-med");
  const name = expected
    ? `dataset-${RELEASE_DATASET.commit.slice(0, 12)}.json`
    : `url-${sha256Hex(Buffer.from(url)).slice(0, 16)}.json`;
  const path = join(dir, name);
  if (existsSync(path)) {
    const data = await readFile(path);
    const hash = sha256Hex(data);
    if (!expected || hash === expected) return { path, origin: url, sha256: hash };
    await rm(path, { force: true }); // a corrupt or stale cache entry: fetch again
  }
  const data = await download(url, opts, path);
  const hash = sha256Hex(data);
  if (expected && hash !== expected) {
    throw new UserError(
      `downloaded ${url} but its sha256 is ${hash}, not the pinned ${expected}; the file was not used (pass --dataset PATH to use a local copy)`,
    );
  }
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
  return { path, origin: url, sha256: hash };
}

async function download(url: string, opts: ResolveOptions, cachePath?: string): Promise<Uint8Array> {
  const doFetch = opts.fetchImpl ?? fetch;
  const offline = (why: string) =>
    new UserError(
      `cannot download the LLMEval-Med dataset from ${url} (${why}). If this machine is offline, fetch the file elsewhere and pass --dataset PATH.`,
    );
  let res: Response;
  try {
    res = await doFetch(url, { signal: AbortSignal.timeout(120_000) });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    const why = cause ? `${errorMessage(err)}: ${errorMessage(cause)}` : errorMessage(err);
    // No network: the shared offline message, which `assay eval` combines with the model's download.
    if (isNetworkFailure(err))
      throw new OfflineError(
        [
          {
            what: "the LLMEval-Med dataset",
            url,
            ...(cachePath ? { cachePath } : {}),
            localFlag: "--dataset <path>",
          },
        ],
        why,
      );
    throw offline(why);
  }
  if (!res.ok || !res.body) throw offline(`HTTP ${res.status} ${res.statusText}`.trim());
  const total = Number(res.headers.get("content-length")) || undefined;
  const progress = new Progress({
    label: "downloading LLMEval-Med dataset",
    mode: opts.progress === "silent" ? "silent" : "auto",
    ...(total !== undefined ? { total } : {}),
    unit: "bytes",
  });
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      progress.set(received);
      progress.setDetail(formatBytes(received));
    }
  } catch (err) {
    throw offline(`connection lost after ${formatBytes(received)}: ${errorMessage(err)}`);
  } finally {
    progress.finish();
  }
  return Buffer.concat(chunks);
}
