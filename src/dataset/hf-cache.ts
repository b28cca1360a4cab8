/**
 * The Hugging Face Hub's on-disk cache, as huggingface_hub (and so `datasets`, `transformers`, the `hf`
 * CLI) lays it out, so a file fetched by one tool is found by the others:
 *
 *   <hub cache>/datasets--<owner>--<name>/
 *     blobs/<etag>                       the content, named by its sha256 (LFS) or git blob id
 *     snapshots/<commit>/<path>          a relative symlink to ../../blobs/<etag> (a copy where links fail)
 *     refs/<revision>                    the commit a branch or tag pointed at when last resolved
 *
 * The hub cache is HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else
 * ~/.cache/huggingface/hub.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative, sep } from "node:path";

export type HfRepoType = "model" | "dataset";

export function hfHubCacheDir(): string {
  const env = process.env;
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HUGGINGFACE_HUB_CACHE) return env.HUGGINGFACE_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, "hub");
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "huggingface", "hub");
}

/** `<hub cache>/datasets--owner--name` (the folder is not created). */
export function hfRepoCacheDir(repo: string, type: HfRepoType = "dataset"): string {
  return join(hfHubCacheDir(), `${type}s--${repo.split("/").join("--")}`);
}

const COMMIT = /^[0-9a-f]{40}$/;

export function isCommitHash(revision: string): boolean {
  return COMMIT.test(revision);
}

/** Where a revision's commit is recorded (`refs/refs/convert/parquet` for that branch, as huggingface_hub does). */
export function hfRefPath(repoDir: string, revision: string): string {
  return join(repoDir, "refs", ...revision.split("/"));
}

/** The commit a revision resolves to in the cache, with the age of that record; undefined when unknown. */
export function readCachedRef(
  repoDir: string,
  revision: string,
): { commit: string; ageMs: number } | undefined {
  if (isCommitHash(revision)) {
    return existsSync(join(repoDir, "snapshots", revision)) ? { commit: revision, ageMs: 0 } : undefined;
  }
  const path = hfRefPath(repoDir, revision);
  try {
    const commit = readFileSync(path, "utf8").trim();
    if (!isCommitHash(commit)) return undefined;
    return { commit, ageMs: Date.now() - statSync(path).mtimeMs };
  } catch {
    return undefined;
  }
}

export function writeCachedRef(repoDir: string, revision: string, commit: string): void {
  if (revision === commit) return;
  const path = hfRefPath(repoDir, revision);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, commit);
}

export function snapshotPath(repoDir: string, commit: string, file: string): string {
  return join(repoDir, "snapshots", commit, ...file.split("/"));
}

/** Every file of a cached snapshot, as repository paths ("data/test-00000-of-00001.parquet"). */
export function listSnapshot(repoDir: string, commit: string): string[] {
  const root = join(repoDir, "snapshots", commit);
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      // A link whose blob was deleted is not a file we can read.
      else if (existsSync(path)) out.push(relative(root, path).split(sep).join("/"));
    }
  };
  walk(root);
  return out.sort();
}

export function blobPath(repoDir: string, etag: string): string {
  return join(repoDir, "blobs", etag);
}

export function linkSnapshot(repoDir: string, commit: string, file: string, etag: string): string {
  const blob = blobPath(repoDir, etag);
  const target = snapshotPath(repoDir, commit, file);
  mkdirSync(dirname(target), { recursive: true });
  if (existsSync(target)) return target;
  try {
    symlinkSync(relative(dirname(target), blob), target);
  } catch (err) {
    // Another process linked it first: the same content.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return target;
    // Filesystems without symlinks (Windows without developer mode): huggingface_hub copies too.
    copyFileSync(blob, target);
  }
  return target;
}
