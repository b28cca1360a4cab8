/** Shared by the resume tests: every file of a dataset folder by hash, and waiting for a run's journal. */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** path → sha256 of every file under `dir` (recursively). */
export function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out.set(path.slice(dir.length + 1), createHash("sha256").update(readFileSync(path)).digest("hex"));
  }
  return out;
}

/** The staging folders in `out` (normally none or one). */
export const stagingFolders = (out: string): string[] =>
  existsSync(out) ? readdirSync(out).filter((n) => n.startsWith(".gameqa-partial-")) : [];

/** Whole lines of the journal of the (single) staging folder in `out`; 0 when there is none yet. */
export function journalLines(out: string): number {
  const [staging] = stagingFolders(out);
  const path = staging ? join(out, staging, "journal.jsonl") : undefined;
  if (!path || !existsSync(path)) return 0;
  return readFileSync(path, "utf8").split("\n").length - 1;
}

/** Resolves once `ready()` holds (checked every 5 ms); rejects after `ms`. */
export function whenReady(ready: () => boolean, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = setInterval(() => {
      if (ready()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - t0 > ms) {
        clearInterval(poll);
        reject(new Error(`not ready after ${ms} ms`));
      }
    }, 5);
  });
}
