/**
 * Shard lists from --corpus arguments: a file, a directory (its shard files, recursively) or a glob
 * with *, ? and ** (quoted, so the shell does not expand it). Node 20 has no fs.glob.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../util/errors.js";

const SHARD_NAME =
  /\.(jsonl|json|ndjson|txt|jsonl\.gz|json\.gz|jsonl\.zst|json\.zst|jsonl\.zstd|zst|gz|parquet)$/i;

function segmentRegex(seg: string): RegExp {
  let re = "";
  for (const ch of seg) {
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function listDir(dir: string): Array<{ name: string; dir: boolean }> {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((d) => ({ name: d.name, dir: d.isDirectory() }));
  } catch {
    return [];
  }
}

function walkFiles(dir: string, out: string[]): void {
  for (const e of listDir(dir)) {
    const p = join(dir, e.name);
    if (e.dir) walkFiles(p, out);
    else if (SHARD_NAME.test(e.name)) out.push(p);
  }
}

function matchSegments(dir: string, segs: string[], i: number, out: string[]): void {
  if (i === segs.length) return;
  const seg = segs[i]!;
  const last = i === segs.length - 1;
  if (seg === "**") {
    matchSegments(dir, segs, i + 1, out); // zero directories
    for (const e of listDir(dir)) if (e.dir) matchSegments(join(dir, e.name), segs, i, out);
    return;
  }
  const re = segmentRegex(seg);
  for (const e of listDir(dir)) {
    if (!re.test(e.name)) continue;
    const p = join(dir, e.name);
    if (last) {
      if (!e.dir) out.push(p);
    } else if (e.dir) {
      matchSegments(p, segs, i + 1, out);
    }
  }
}

export function expandCorpus(args: readonly string[]): string[] {
  const out = new Set<string>();
  for (const arg of args) {
    const found: string[] = [];
    if (!/[*?]/.test(arg)) {
      let isDir = false;
      try {
        isDir = statSync(arg).isDirectory();
      } catch {
        throw new UserError(`--corpus ${arg}: no such file or directory`);
      }
      if (isDir) walkFiles(arg, found);
      else found.push(arg);
    } else {
      const absolute = arg.startsWith("/");
      const segs = arg.split("/").filter((s, k) => s !== "" || k === 0);
      if (absolute) segs.shift();
      const firstWild = segs.findIndex((s) => /[*?]/.test(s));
      const base = segs.slice(0, firstWild).join("/");
      const dir = absolute ? `/${base}` : base === "" ? "." : base;
      matchSegments(dir, segs, firstWild, found);
      // Keep names as the user wrote them (relative stays relative).
      if (!absolute && base === "")
        for (let k = 0; k < found.length; k++) found[k] = found[k]!.replace(/^\.\//, "");
    }
    if (found.length === 0) throw new UserError(`--corpus ${arg}: matched no shard files`);
    for (const f of found) out.add(f);
  }
  return [...out].sort();
}
