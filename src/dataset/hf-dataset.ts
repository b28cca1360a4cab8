/**
 * `hf:` datasets: resolve a config's split to its files at a commit, from the Hugging Face cache when
 * it has them and from the hub otherwise, downloading into the standard cache layout (hf-cache.ts).
 *
 * A cached resolution is used without any request when it is pinned to a commit, when the branch's ref
 * was written in the last 24 hours, or when HF_HUB_OFFLINE is set; an older one is checked against the
 * hub, and used (with a warning) when the hub cannot be reached. A dataset with no Parquet/JSON files
 * of its own at the default branch is read from the hub's Parquet conversion (`refs/convert/parquet`).
 */
import { createHash } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { parse as parseYaml } from "yaml";
import { UserError } from "../util/errors.js";
import { formatBytes, Progress } from "../util/progress.js";
import {
  blobPath,
  hfRepoCacheDir,
  isCommitHash,
  linkSnapshot,
  listSnapshot,
  readCachedRef,
  snapshotPath,
  writeCachedRef,
} from "./hf-cache.js";
import { type CardConfig, type Selection, type SplitFiles, selectSplitFiles } from "./hf-files.js";
import { fetchRevision, fetchTree, HubUnreachable, hubGet, resolveUrl, type TreeFile } from "./hf-hub.js";
import { formatHfDatasetRef, type HfDatasetRef } from "./hf-ref.js";

export const CONVERTED_REVISION = "refs/convert/parquet";
const FRESH_MS = 24 * 60 * 60 * 1000;

/** A split resolved to local files. */
export interface ResolvedSplit extends SplitFiles {
  repo: string;
  /** The revision the files were read at ("main", a tag, or refs/convert/parquet). */
  revision: string;
  commit: string;
  /** Local paths, in the order of `files`. */
  paths: string[];
  /** Names of the files' blobs (content identities), in the order of `files`. */
  etags: string[];
}

export function hubOffline(): boolean {
  return /^(1|true|yes|on)$/i.test(process.env.HF_HUB_OFFLINE ?? "");
}

export async function resolveHfSplit(ref: HfDatasetRef): Promise<ResolvedSplit> {
  const label = formatHfDatasetRef(ref);
  const problems: string[] = [];
  const cached = fromCache(ref, problems);
  if (cached && (isCommitHash(ref.revision) || cached.ageMs < FRESH_MS || hubOffline())) return cached.split;
  // Offline, a cached snapshot that cannot answer (e.g. several configs, none named) says why.
  if (hubOffline()) throw new UserError(problems[0] ?? offlineMessage(ref, "HF_HUB_OFFLINE is set"));
  try {
    return await fromHub(ref, label);
  } catch (err) {
    if (!(err instanceof HubUnreachable)) throw err;
    if (cached) {
      process.stderr.write(
        `warning: ${label}: the hub is unreachable (${err.message}); using the cached commit ${cached.split.commit}\n`,
      );
      return cached.split;
    }
    if (err.files?.length) {
      const list = err.files.map((f) => `${f.url} → ${f.target}`).join("; ");
      throw new UserError(
        `${label}: the download failed (${err.message}). Fetch ${err.files.length === 1 ? "this file" : `these ${err.files.length} files`} ` +
          `on a machine with internet (e.g. curl -L -o <file> '<url>', adding -H "Authorization: Bearer $HF_TOKEN" ` +
          `for a gated dataset) and put ${err.files.length === 1 ? "it" : "each"} where the arrow says, then run again: ${list}`,
      );
    }
    throw new UserError(offlineMessage(ref, `cannot reach ${err.message}`));
  }
}

function offlineMessage(ref: HfDatasetRef, why: string): string {
  const label = formatHfDatasetRef(ref);
  const repoDir = hfRepoCacheDir(ref.repo);
  const revision = ref.pinned ? ` --revision ${ref.revision}` : "";
  return (
    `${label}: not in the Hugging Face cache and ${why}. On a machine with internet, run ` +
    `\`hf download ${ref.repo} --repo-type dataset${revision}\` (or \`huggingface-cli download …\`, ` +
    "or load it once with Assay or the datasets library), then copy its cache folder to " +
    `${repoDir} (the cache is HF_HUB_CACHE, else $HF_HOME/hub); Parquet files belong under ` +
    `${join(repoDir, "snapshots", "<commit>")}/ with the commit in ${join(repoDir, "refs", ref.revision)}`
  );
}

interface CachedSplit {
  split: ResolvedSplit;
  ageMs: number;
}

/** The split from the local cache alone, or undefined when the cache does not hold all of it. */
function fromCache(ref: HfDatasetRef, problems: string[]): CachedSplit | undefined {
  const repoDir = hfRepoCacheDir(ref.repo);
  const label = formatHfDatasetRef(ref);
  const attempt = (revision: string, converted: boolean): CachedSplit | undefined => {
    const cachedRef = readCachedRef(repoDir, revision);
    if (!cachedRef) return undefined;
    const files = listSnapshot(repoDir, cachedRef.commit);
    const configs = converted
      ? undefined
      : readmeConfigs(snapshotPath(repoDir, cachedRef.commit, "README.md"));
    let selection: Selection;
    try {
      selection = selectSplitFiles(files, { configs, converted }, ref.config, ref.split, label);
    } catch (err) {
      // Resolved against the hub instead, which may know more files than the cache holds.
      if (err instanceof UserError) problems.push(err.message);
      return undefined;
    }
    if (!("found" in selection) || !complete(selection.found.files)) return undefined;
    const paths = selection.found.files.map((f) => snapshotPath(repoDir, cachedRef.commit, f));
    return {
      split: {
        ...selection.found,
        repo: ref.repo,
        revision,
        commit: cachedRef.commit,
        paths,
        etags: paths.map(blobName),
      },
      ageMs: cachedRef.ageMs,
    };
  };
  return (
    attempt(ref.revision, ref.revision === CONVERTED_REVISION) ??
    (ref.pinned ? undefined : attempt(CONVERTED_REVISION, true))
  );
}

/** Shards named `…-00001-of-00004.parquet` must all be there. */
function complete(files: string[]): boolean {
  const total = files.map((f) => /-of-(\d+)\.[a-z]+$/.exec(f)?.[1]).find(Boolean);
  return total === undefined || files.length >= Number(total);
}

/**
 * The blob a snapshot entry links to (its etag). A copied file (no symlinks, or put there by hand) is
 * named by its size: the commit in the fingerprint already fixes its content.
 */
function blobName(path: string): string {
  try {
    return readlinkSync(path).split(/[/\\]/).at(-1) ?? path;
  } catch {
    return `size:${statSync(path).size}`;
  }
}

function readmeConfigs(path: string): CardConfig[] | undefined {
  if (!existsSync(path)) return undefined;
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(path, "utf8"));
  if (!m) return undefined;
  try {
    const front = parseYaml(m[1] ?? "") as { configs?: unknown } | null;
    return Array.isArray(front?.configs) ? (front.configs as CardConfig[]) : undefined;
  } catch {
    return undefined;
  }
}

async function fromHub(ref: HfDatasetRef, label: string): Promise<ResolvedSplit> {
  const info = await fetchRevision(ref.repo, ref.revision, label);
  let tree = await fetchTree(ref.repo, info.commit, label);
  let revision = ref.revision;
  let commit = info.commit;
  let selection = selectSplitFiles(
    tree.map((f) => f.path),
    { configs: info.configs, converted: ref.revision === CONVERTED_REVISION },
    ref.config,
    ref.split,
    label,
  );
  const extra: TreeFile[] = [];
  if ("found" in selection && info.configs) {
    // The README carries the configs: cache it too, so the next resolution works offline.
    const readme = tree.find((f) => f.path === "README.md");
    if (readme) extra.push(readme);
  }
  if ("missing" in selection) {
    // The hub's conversion exists for the default branch's latest commit only.
    if (ref.pinned)
      throw new UserError(
        `${selection.missing} at revision ${ref.revision}; the hub's Parquet conversion covers only the ` +
          `latest commit of the default branch: leave the revision out, or pin @${CONVERTED_REVISION}`,
      );
    const reason = selection.missing;
    let converted: { commit: string };
    try {
      converted = await fetchRevision(ref.repo, CONVERTED_REVISION, label);
    } catch (err) {
      if (err instanceof UserError && /HTTP 404/.test(err.message))
        throw new UserError(`${reason}, and the hub has no Parquet conversion of it`);
      throw err;
    }
    revision = CONVERTED_REVISION;
    commit = converted.commit;
    tree = await fetchTree(ref.repo, commit, label);
    selection = selectSplitFiles(
      tree.map((f) => f.path),
      { converted: true },
      ref.config,
      ref.split,
      label,
    );
    if ("missing" in selection) throw new UserError(selection.missing);
  }
  const found = selection.found;
  const byPath = new Map(tree.map((f) => [f.path, f]));
  const wanted = [...found.files.map((f) => byPath.get(f)), ...extra].filter((f): f is TreeFile => !!f);
  const repoDir = hfRepoCacheDir(ref.repo);
  // Fetch every blob first and link the snapshot after, so an interrupted download never leaves a
  // snapshot that looks like a complete split.
  for (const file of wanted) {
    try {
      await fetchBlob(ref.repo, repoDir, commit, file, label);
    } catch (err) {
      if (err instanceof HubUnreachable) {
        // Say which files to bring in by hand (all of the split's, as none is linked yet); the ref
        // lets the next run find them in the snapshot.
        err.files = wanted.map((f) => ({
          url: resolveUrl(ref.repo, commit, f.path),
          target: snapshotPath(repoDir, commit, f.path),
        }));
        writeCachedRef(repoDir, revision, commit);
      }
      throw err;
    }
  }
  for (const file of wanted) linkSnapshot(repoDir, commit, file.path, file.etag);
  writeCachedRef(repoDir, revision, commit);
  return {
    ...found,
    repo: ref.repo,
    revision,
    commit,
    paths: found.files.map((f) => snapshotPath(repoDir, commit, f)),
    etags: found.files.map((f) => byPath.get(f)?.etag ?? ""),
  };
}

async function fetchBlob(
  repo: string,
  repoDir: string,
  commit: string,
  file: TreeFile,
  label: string,
): Promise<void> {
  const blob = blobPath(repoDir, file.etag);
  if (existsSync(blob)) return;
  const url = resolveUrl(repo, commit, file.path);
  const res = await hubGet(url, label);
  // Per process: two runs fetching the same blob must not write into one file.
  const part = `${blob}.incomplete-${process.pid}`;
  mkdirSync(dirname(part), { recursive: true });
  const hash = createHash("sha256");
  const progress = new Progress({
    label: `downloading ${file.path}`,
    unit: "bytes",
    ...(file.size ? { total: file.size } : {}),
  });
  let received = 0;
  res.body.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    received += chunk.length;
    progress.set(received);
    progress.setDetail(formatBytes(received));
  });
  try {
    await pipeline(res.body, createWriteStream(part));
  } catch (err) {
    rmSync(part, { force: true });
    throw new HubUnreachable(`${url} (download interrupted: ${(err as Error).message})`);
  } finally {
    progress.finish();
  }
  const digest = hash.digest("hex");
  if (file.sha256 && digest !== file.sha256) {
    rmSync(part, { force: true });
    throw new UserError(
      `${label}: ${file.path} is corrupt (sha256 ${digest}, the hub says ${file.sha256}); run again`,
    );
  }
  renameSync(part, blob);
}
