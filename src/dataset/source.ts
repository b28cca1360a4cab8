/**
 * A dataset source (local path, http(s) URL, or `hf:` name) opened as an ordered list of local files,
 * each with the name errors show for it, plus a fingerprint for the run manifest.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { sha256 } from "../util/hash.js";
import { resolveHfSplit } from "./hf-dataset.js";
import { formatHfDatasetRef, isHfDatasetSource, parseHfDatasetRef } from "./hf-ref.js";
import { resolveSource } from "./records.js";

export interface DataFile {
  /** Where the bytes are. */
  path: string;
  /** How errors name it: the path or URL given, or "hf:owner/name:split data/test-….parquet". */
  name: string;
}

export interface OpenedSource {
  files: DataFile[];
  /**
   * A content identity: the file's sha256, or for `hf:` the resolved commit and the files' blob ids, so
   * resuming a run notices a new revision of the dataset.
   */
  fingerprint(): Promise<string>;
}

export async function openSource(source: string): Promise<OpenedSource> {
  if (isHfDatasetSource(source)) {
    const ref = parseHfDatasetRef(source);
    const split = await resolveHfSplit(ref);
    const label = formatHfDatasetRef({ ...ref, config: split.config, split: split.split }, split.commit);
    return {
      files: split.files.map((file, i) => ({ path: split.paths[i] ?? "", name: `${label} ${file}` })),
      // Commit first: messages about a changed dataset show the fingerprint's first characters.
      fingerprint: async () => `${split.commit}:${sha256([label, ...split.etags].join("\n"))}`,
    };
  }
  const path = await resolveSource(source);
  return { files: [{ path, name: source }], fingerprint: () => sha256File(path) };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
