/**
 * Hugging Face Hub files (model weights, hundreds of MB) downloaded once into the Assay cache:
 * `<cache>/models/huggingface/<owner>/<repo>/<revision>/<file>`. The download goes to `<file>.part`
 * and resumes from it with an HTTP Range request after an interruption; the finished file is checked
 * against the size and sha256 the hub announces for large (LFS) files (`X-Linked-Size`,
 * `X-Linked-Etag`), then renamed into place, so a file in the cache is always complete.
 *
 * The hub base URL is `ASSAY_HF_ENDPOINT` (or huggingface_hub's `HF_ENDPOINT`), default
 * https://huggingface.co; `HF_TOKEN` is sent to the hub (never to the CDN it redirects to) for gated
 * repositories.
 */
import { createHash } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { request } from "undici";
import { cacheDir } from "../dataset/download.js";
import { hfRepoCacheDir, readCachedRef, snapshotPath } from "../dataset/hf-cache.js";
import { UserError } from "../util/errors.js";
import { downloadHint, isNetworkFailure, type MissingDownload, OfflineError } from "../util/offline.js";
import { formatBytes, Progress } from "../util/progress.js";
import { registerSecret } from "../util/secrets.js";

export const DEFAULT_HF_ENDPOINT = "https://huggingface.co";

/** A file in a Hugging Face repository at a revision (branch, tag or commit). */
export interface HfFileRef {
  /** "owner/name". */
  repo: string;
  revision: string;
  /** Path inside the repository, e.g. "model-q4_k_m.gguf". */
  file: string;
}

/** What we record beside a downloaded file (`<file>.meta.json`). */
export interface HfDownloadMeta {
  url: string;
  repo: string;
  revision: string;
  /** The commit the hub resolved the revision to (`X-Repo-Commit`), when it said. */
  commit?: string;
  size: number;
  sha256: string;
  /** True when the hub announced the sha256 and the file matched it. */
  verified: boolean;
  downloadedAt: string;
}

export interface HfDownloadOptions {
  signal?: AbortSignal;
  /** Progress display (default auto: a redrawn line on a terminal, plain lines otherwise). */
  progress?: "auto" | "tty" | "plain" | "silent";
  /** Known digest / size (e.g. pinned for the default model); checked in addition to the hub's. */
  expectedSha256?: string;
  expectedSize?: number;
  /**
   * Refuse a file whose digest nobody vouches for (neither `expectedSha256` nor the hub's announcement),
   * and check an already cached copy against the expected digest and size too.
   */
  requireDigest?: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REVISION = /^[A-Za-z0-9._/-]+$/;

export function hfEndpoint(): string {
  return (process.env.ASSAY_HF_ENDPOINT || process.env.HF_ENDPOINT || DEFAULT_HF_ENDPOINT).replace(
    /\/+$/,
    "",
  );
}

/**
 * Parse `<owner>/<repo>[@<revision>]/<path/to/file>` (the part after `hf:`). Revision defaults to "main".
 */
export function parseHfReference(ref: string): HfFileRef {
  const usage = `"hf:${ref}" must look like hf:<owner>/<repo>[@<revision>]/<file>, e.g. hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf`;
  const parts = ref.split("/");
  const owner = parts[0] ?? "";
  const repoAndRev = parts[1] ?? "";
  const file = parts.slice(2).join("/");
  const at = repoAndRev.indexOf("@");
  const name = at >= 0 ? repoAndRev.slice(0, at) : repoAndRev;
  const revision = at >= 0 ? repoAndRev.slice(at + 1) : "main";
  if (!NAME.test(owner) || !NAME.test(name) || !REVISION.test(revision) || revision.includes("..")) {
    throw new UserError(usage);
  }
  const segments = file.split("/");
  if (!file || segments.some((s) => s === "" || s === "." || s === "..")) throw new UserError(usage);
  return { repo: `${owner}/${name}`, revision, file };
}

export function formatHfReference(ref: HfFileRef): string {
  const [owner, name] = ref.repo.split("/");
  return `hf:${owner}/${name}${ref.revision === "main" ? "" : `@${ref.revision}`}/${ref.file}`;
}

export function hfFileUrl(ref: HfFileRef): string {
  const file = ref.file.split("/").map(encodeURIComponent).join("/");
  return `${hfEndpoint()}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${file}`;
}

/** Where the file lives in the cache once downloaded (the folder is not created). */
export function hfCachePath(ref: HfFileRef): string {
  return join(
    cacheDir("models", "huggingface"),
    ...ref.repo.split("/"),
    ref.revision.replaceAll("/", "%2F"),
    ...ref.file.split("/"),
  );
}

/** A hub file as a missing download (src/providers/offline.ts). */
export function hubDownload(ref: HfFileRef, what = `model file ${ref.file}`): MissingDownload {
  return { what, url: hfFileUrl(ref), cachePath: hfCachePath(ref), localFlag: "--model gguf/<path>" };
}

/** The sentence that tells an offline user how to get the file in by hand. */
export function offlineHint(ref: HfFileRef): string {
  return downloadHint(hubDownload(ref));
}

/**
 * The file in the standard Hugging Face cache (`HF_HUB_CACHE`, `HF_HOME/hub` or ~/.cache/huggingface/hub,
 * huggingface_hub's layout), when another tool fetched it: used instead of downloading it again.
 */
export function hubCacheFile(ref: HfFileRef): string | undefined {
  const repoDir = hfRepoCacheDir(ref.repo, "model");
  const commit = readCachedRef(repoDir, ref.revision)?.commit;
  if (!commit) return undefined;
  const path = snapshotPath(repoDir, commit, ref.file);
  return existsSync(path) ? path : undefined;
}

/** The local path of a cached hub file (Assay's cache, then the Hugging Face cache), or undefined. */
export function cachedHfFile(ref: HfFileRef): string | undefined {
  const path = hfCachePath(ref);
  return existsSync(path) ? path : hubCacheFile(ref);
}

/** A Hugging Face cache copy, checked against the pinned digest when there is one (a mismatch is not used). */
async function usableHubCopy(ref: HfFileRef, opts: HfDownloadOptions): Promise<string | undefined> {
  const path = hubCacheFile(ref);
  if (!path) return undefined;
  if (opts.expectedSize !== undefined && statSync(path).size !== opts.expectedSize) return undefined;
  if (opts.expectedSha256) {
    const hash = createHash("sha256");
    await hashFile(path, hash);
    if (hash.digest("hex") !== opts.expectedSha256.toLowerCase()) return undefined;
  }
  return path;
}

const inFlight = new Map<string, Promise<string>>();

/** Download a hub file into the cache (once per process and per cache); resolves to its local path. */
export function downloadHfFile(ref: HfFileRef, opts: HfDownloadOptions = {}): Promise<string> {
  const target = hfCachePath(ref);
  if (existsSync(target)) {
    return opts.requireDigest
      ? checkCachedFile(ref, target, opts).then(() => target)
      : Promise.resolve(target);
  }
  let pending = inFlight.get(target);
  if (!pending) {
    pending = usableHubCopy(ref, opts)
      .then((copy) => copy ?? download(ref, target, opts))
      .finally(() => inFlight.delete(target));
    inFlight.set(target, pending);
  }
  return pending;
}

/** Headers of the hub's answer that identify the file, gathered along the redirect chain. */
interface Announced {
  sha256?: string;
  size?: number;
  commit?: string;
}

async function download(ref: HfFileRef, target: string, opts: HfDownloadOptions): Promise<string> {
  const url = hfFileUrl(ref);
  const label = formatHfReference(ref);
  const part = `${target}.part`;
  mkdirSync(dirname(target), { recursive: true });
  // Resume: hash what the previous attempt left, then ask only for the rest.
  const offset = existsSync(part) ? statSync(part).size : 0;
  const hash = createHash("sha256");
  if (offset > 0) await hashFile(part, hash);

  const res = await get(url, offset, label, ref, opts.signal);
  if (res.status === 416) {
    discard(res.body);
    // A complete file whose rename was interrupted: check it instead of fetching it again.
    if (offset > 0 && offset === res.announced.size) {
      return settle(ref, target, opts, res.announced, offset, hash.digest("hex"));
    }
    // The partial file is longer than the server's file: start over.
    rmSync(part, { force: true });
    if (offset === 0) throw new UserError(`cannot download ${label}: HTTP 416 from ${url}`);
    return download(ref, target, opts);
  }
  if (res.status === 200 && offset > 0) {
    // The server ignored the Range header and sends the whole file: start from the beginning.
    return finishDownload(ref, target, opts, res, 0, createHash("sha256"));
  }
  if (res.status === 206) {
    const start = /^bytes (\d+)-/.exec(res.headers.get("content-range") ?? "")?.[1];
    if (Number(start) !== offset) {
      discard(res.body);
      throw new UserError(`download of ${label} failed: server resumed at byte ${start}, expected ${offset}`);
    }
  }
  return finishDownload(ref, target, opts, res, offset, hash);
}

async function finishDownload(
  ref: HfFileRef,
  target: string,
  opts: HfDownloadOptions,
  res: HubResponse,
  offset: number,
  hash: ReturnType<typeof createHash>,
): Promise<string> {
  const label = formatHfReference(ref);
  const part = `${target}.part`;
  const contentLength = Number(res.headers.get("content-length"));
  const total =
    res.announced.size ??
    (res.status === 206
      ? Number(/\/(\d+)$/.exec(res.headers.get("content-range") ?? "")?.[1]) || undefined
      : Number.isFinite(contentLength) && contentLength > 0
        ? contentLength
        : undefined);
  const expectedSize = opts.expectedSize ?? total;
  const mib = 1024 * 1024;
  const progress = new Progress({
    label: `downloading ${label}`,
    unit: "MiB",
    mode: opts.progress ?? "auto",
    ...(expectedSize ? { total: Math.ceil(expectedSize / mib) } : {}),
  });
  let received = offset;
  const started = Date.now();
  res.body.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    received += chunk.length;
    progress.set(Math.floor(received / mib));
    const rate = (received - offset) / Math.max(0.001, (Date.now() - started) / 1000);
    progress.setDetail(`${formatBytes(received)} at ${formatBytes(rate)}/s`);
  });
  const out = createWriteStream(part, { flags: offset > 0 ? "a" : "w" });
  try {
    await pipeline(res.body, out, { ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (err) {
    // A write may still be in flight: let the file settle before anyone measures it to resume.
    if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()));
    progress.finish();
    if (opts.signal?.aborted) throw opts.signal.reason ?? err;
    throw new UserError(
      `download of ${label} was interrupted after ${formatBytes(received)} (${errorText(err)}); ` +
        `run the command again to resume from ${part}`,
    );
  }
  progress.finish();
  const size = statSync(part).size;
  if (total !== undefined && size < total) {
    throw new UserError(
      `download of ${label} ended early: ${size} of ${total} bytes; run the command again to resume from ${part}`,
    );
  }
  return settle(ref, target, opts, res.announced, size, hash.digest("hex"));
}

/** Check a complete `.part` file against the announced and pinned size and digest, then move it into place. */
function settle(
  ref: HfFileRef,
  target: string,
  opts: HfDownloadOptions,
  announced: Announced,
  size: number,
  sha256: string,
): string {
  const label = formatHfReference(ref);
  const part = `${target}.part`;
  const corrupt = (why: string) => {
    rmSync(part, { force: true });
    return new UserError(
      `download of ${label} is corrupt: ${why}; the partial file was removed, run the command again`,
    );
  };
  for (const want of [announced.size, opts.expectedSize]) {
    if (want !== undefined && size !== want) throw corrupt(`${size} bytes instead of ${want}`);
  }
  for (const [who, want] of [
    ["the hub", announced.sha256],
    ["Assay's pinned digest", opts.expectedSha256],
  ] as const) {
    if (want && want.toLowerCase() !== sha256) {
      throw corrupt(`sha256 ${sha256} differs from ${want} announced by ${who}`);
    }
  }
  if (opts.requireDigest && !announced.sha256 && !opts.expectedSha256) {
    throw corrupt("neither Assay nor the hub gives a sha256 to check it against");
  }
  renameSync(part, target);
  const meta: HfDownloadMeta = {
    url: hfFileUrl(ref),
    repo: ref.repo,
    revision: ref.revision,
    ...(announced.commit ? { commit: announced.commit } : {}),
    size,
    sha256,
    verified: Boolean(announced.sha256 ?? opts.expectedSha256),
    downloadedAt: new Date().toISOString(),
  };
  writeFileSync(`${target}.meta.json`, `${JSON.stringify(meta, null, 2)}\n`);
  return target;
}

/**
 * A cached copy of a pinned file must match the pin: its size always, its sha256 as recorded when it was
 * downloaded, or, for a file copied in by hand (no record), as hashed now (once: the result is recorded).
 */
async function checkCachedFile(ref: HfFileRef, path: string, opts: HfDownloadOptions): Promise<void> {
  const label = formatHfReference(ref);
  const size = statSync(path).size;
  const mismatch = (why: string) =>
    new UserError(
      `cached ${label} at ${path} does not match Assay's pin: ${why}; delete the file and run again to download it`,
    );
  if (opts.expectedSize !== undefined && size !== opts.expectedSize)
    throw mismatch(`${size} bytes instead of ${opts.expectedSize}`);
  let meta = readDownloadMeta(path);
  if (!meta || meta.size !== size) {
    const hash = createHash("sha256");
    await hashFile(path, hash);
    meta = {
      url: hfFileUrl(ref),
      repo: ref.repo,
      revision: ref.revision,
      size,
      sha256: hash.digest("hex"),
      verified: opts.expectedSha256 !== undefined,
      downloadedAt: new Date().toISOString(),
    };
    if (!opts.expectedSha256 || meta.sha256 === opts.expectedSha256.toLowerCase())
      writeFileSync(`${path}.meta.json`, `${JSON.stringify(meta, null, 2)}\n`);
  }
  if (opts.expectedSha256 && meta.sha256 !== opts.expectedSha256.toLowerCase())
    throw mismatch(`sha256 ${meta.sha256} instead of ${opts.expectedSha256}`);
}

/** The metadata recorded beside a downloaded file, if any. */
export function readDownloadMeta(path: string): HfDownloadMeta | undefined {
  try {
    return JSON.parse(readFileSync(`${path}.meta.json`, "utf8")) as HfDownloadMeta;
  } catch {
    return undefined;
  }
}

interface HubResponse {
  status: number;
  headers: Headers;
  body: Readable;
  announced: Announced;
}

/** GET with manual redirects, so the hub's own headers (sha256, size, commit) are kept. */
async function get(
  url: string,
  offset: number,
  label: string,
  ref: HfFileRef,
  signal: AbortSignal | undefined,
): Promise<HubResponse> {
  const hub = new URL(url).origin;
  const token = process.env.HF_TOKEN;
  registerSecret(token);
  const announced: Announced = {};
  let current = url;
  for (let hop = 0; hop < 10; hop++) {
    const headers: Record<string, string> = { "user-agent": "assay" };
    if (offset > 0) headers.range = `bytes=${offset}-`;
    if (token && new URL(current).origin === hub) headers.authorization = `Bearer ${token}`;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      const { request } = await import("undici"); // loaded when needed: importing it takes ~70 ms
      res = await request(current, { method: "GET", headers, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      if (isNetworkFailure(err)) throw new OfflineError([hubDownload(ref, label)], errorText(err));
      throw new UserError(
        `cannot download ${label} from ${current} (${errorText(err)}); ${offlineHint(ref)}`,
      );
    }
    const h = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
    }
    const linkedEtag = h.get("x-linked-etag")?.replace(/^W\//, "").replaceAll('"', "");
    if (linkedEtag && /^[0-9a-f]{64}$/i.test(linkedEtag)) announced.sha256 ??= linkedEtag.toLowerCase();
    const linkedSize = Number(h.get("x-linked-size"));
    if (Number.isInteger(linkedSize) && linkedSize > 0) announced.size ??= linkedSize;
    announced.commit ??= h.get("x-repo-commit") ?? undefined;
    const location = h.get("location");
    if (res.statusCode >= 300 && res.statusCode < 400 && location) {
      res.body.resume();
      current = new URL(location, current).toString();
      continue;
    }
    if (res.statusCode === 200 || res.statusCode === 206 || res.statusCode === 416) {
      return { status: res.statusCode, headers: h, body: res.body, announced };
    }
    const text = (await res.body.text()).slice(0, 200);
    throw new UserError(hubErrorMessage(res.statusCode, label, current, text, ref));
  }
  throw new UserError(`cannot download ${label}: too many redirects from ${url}`);
}

function hubErrorMessage(status: number, label: string, url: string, text: string, ref: HfFileRef): string {
  if (status === 401 || status === 403) {
    return (
      `cannot download ${label}: HTTP ${status} from ${url} — the repository may be gated or private; ` +
      "accept its terms on huggingface.co and set HF_TOKEN, or " +
      offlineHint(ref)
    );
  }
  if (status === 404) {
    return `cannot download ${label}: HTTP 404 from ${url} — no file "${ref.file}" in ${ref.repo} at revision "${ref.revision}"`;
  }
  return `cannot download ${label}: HTTP ${status} from ${url}${text ? ` (${text.trim()})` : ""}; ${offlineHint(ref)}`;
}

/** Drop a response body we will not read (without an unhandled "aborted" error). */
function discard(body: Readable): void {
  body.on("error", () => {});
  body.destroy();
}

async function hashFile(path: string, hash: ReturnType<typeof createHash>): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  const code = "code" in err && typeof err.code === "string" ? ` ${err.code}` : "";
  return `${err.message}${cause}${code && !err.message.includes(code.trim()) ? code : ""}`;
}

/**
 * The hub files that models named by id would still have to download (`gguf/hf:…` not in any cache), so
 * an offline command can list them with the other missing downloads at once.
 */
export function missingModelDownloads(ids: ReadonlyArray<string | undefined>): MissingDownload[] {
  const out: MissingDownload[] = [];
  for (const id of new Set(ids)) {
    if (!id?.startsWith("gguf/hf:")) continue;
    let ref: HfFileRef;
    try {
      ref = parseHfReference(id.slice("gguf/hf:".length));
    } catch {
      continue; // a malformed id is reported by the provider itself
    }
    if (!cachedHfFile(ref)) out.push(hubDownload(ref));
  }
  return out;
}
