/**
 * A dataset source (local path, http(s) URL, or `hf:` name) opened as an ordered list of local files,
 * each with the name errors show for it, plus a fingerprint for the run manifest.
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { sha256 } from "../util/hash.js";
import { resolveHfSplit } from "./hf-dataset.js";
import { formatHfDatasetRef, isHfDatasetSource, parseHfDatasetRef } from "./hf-ref.js";
import { type RecordFormat, resolveSource } from "./records.js";

export interface DataFile {
  /** Where the bytes are. */
  path: string;
  /** How errors name it: the path or URL given, or "hf:owner/name:split data/test-….parquet". */
  name: string;
  /** The format when the name's extension does not tell it (hub `.json` files that hold JSON Lines). */
  format?: RecordFormat;
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
      files: split.files.map((file, i) => {
        const path = split.paths[i] ?? "";
        const lines = /\.json$/i.test(file) && firstLineIsObject(path);
        return { path, name: `${label} ${file}`, ...(lines ? { format: "jsonl" as const } : {}) };
      }),
      // Commit first: messages about a changed dataset show the fingerprint's first characters.
      fingerprint: async () => `${split.commit}:${sha256([label, ...split.etags].join("\n"))}`,
    };
  }
  const path = await resolveSource(source);
  return { files: [{ path, name: source }], fingerprint: () => sha256File(path) };
}

/**
 * Many hub datasets keep JSON Lines in `.json` files (the `datasets` library reads both): a file whose
 * first line is a whole JSON object is read as JSON Lines.
 */
function firstLineIsObject(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(1 << 20);
    const text = buf
      .subarray(0, readSync(fd, buf, 0, buf.length, 0))
      .toString("utf8")
      .replace(/^\uFEFF/, "");
    const nl = text.indexOf("\n");
    const first = (nl < 0 ? text : text.slice(0, nl)).trim();
    if (!first.startsWith("{")) return false;
    const value = JSON.parse(first) as Record<string, unknown>;
    // A whole object followed by more lines can only be JSON Lines. A file of one line holding
    // {"data": [...]} is a JSON file with its records under a key (see records.ts).
    if (nl >= 0 && text.slice(nl).trim() !== "") return true;
    return !["data", "samples", "items", "examples", "rows"].some((k) => Array.isArray(value[k]));
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
