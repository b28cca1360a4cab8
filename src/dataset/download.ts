/**
 * http(s) sources are downloaded once into a cache folder (ASSAY_CACHE_DIR, default ~/.cache/assay)
 * with a progress line, written to a temporary file and renamed, so an interrupted download never
 * leaves a truncated file behind that looks complete.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { errorMessage, UserError } from "../util/errors.js";
import { sha256 } from "../util/hash.js";
import { type MissingDownload, OfflineError } from "../util/offline.js";
import { formatBytes, Progress } from "../util/progress.js";
import { publicUrl } from "../util/secrets.js";

export function cacheDir(...parts: string[]): string {
  const dir = join(process.env.ASSAY_CACHE_DIR ?? join(homedir(), ".cache", "assay"), ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Local path of a URL's content, downloading it on first use. */
/** Where a dataset URL is kept once downloaded (a copy placed there is used as it is). */
export function urlCachePath(url: string): string {
  const name = basename(new URL(url).pathname) || "download";
  return join(cacheDir("downloads"), `${sha256(url).slice(0, 16)}-${name}`);
}

/** A dataset URL that is not downloaded yet, as a missing download (for one offline message). */
export function missingDatasetDownload(source: string | undefined): MissingDownload | undefined {
  if (!source || !isUrl(source)) return undefined;
  const cachePath = urlCachePath(source);
  return existsSync(cachePath)
    ? undefined
    : { what: "dataset", url: source, cachePath, localFlag: "--dataset <path>" };
}

export async function downloadToCache(
  url: string,
  opts: { what?: string; quiet?: boolean } = {},
): Promise<string> {
  const target = urlCachePath(url);
  if (existsSync(target)) return target;
  const name = basename(new URL(url).pathname) || "download";
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : errorMessage(err);
    // The network is unreachable: one message with how to fetch it by hand (src/util/offline.ts).
    throw new OfflineError(
      [{ what: opts.what ?? "file", url, cachePath: target, localFlag: "--dataset <path>" }],
      cause,
    );
  }
  if (!res.ok || !res.body) {
    throw new UserError(`cannot download ${opts.what ?? "file"} from ${publicUrl(url)}: HTTP ${res.status}`);
  }
  const total = Number(res.headers.get("content-length")) || undefined;
  const progress = new Progress({
    label: `downloading ${name}`,
    mode: opts.quiet ? "silent" : "auto",
    unit: "bytes",
    ...(total ? { total } : {}),
  });
  const tmp = `${target}.part-${process.pid}`;
  let received = 0;
  const started = Date.now();
  try {
    const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
    body.on("data", (chunk: Buffer) => {
      received += chunk.length;
      progress.set(received);
      progress.setDetail(
        `${formatBytes(received)} at ${formatBytes(received / Math.max(0.001, (Date.now() - started) / 1000))}/s`,
      );
    });
    await pipeline(body, createWriteStream(tmp));
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new UserError(`download of ${publicUrl(url)} failed: ${(err as Error).message}`);
  } finally {
    progress.finish();
  }
  return target;
}
