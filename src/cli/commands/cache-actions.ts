/** `assay cache stats|prune|clear` over the run database's response cache. */
import { printJson } from "../../cli-kit/output.js";
import { openStore } from "../../cli-kit/store.js";
import { UserError } from "../../util/errors.js";
import { formatBytes } from "../../util/progress.js";
import type { CacheFlags } from "./runs.js";

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "30d" → milliseconds (m, h, d, w). */
export function parseAge(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([mhdw])$/.exec(value.trim());
  if (!m) throw new UserError(`--older-than ${value}: expected a number and a unit (m, h, d or w), e.g. 30d`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

export function cacheStatsCommand(flags: CacheFlags): void {
  const store = openStore(flags.db);
  try {
    const rows = store.cacheStats();
    const total = rows.reduce((a, r) => ({ entries: a.entries + r.entries, bytes: a.bytes + r.bytes }), {
      entries: 0,
      bytes: 0,
    });
    if (flags.json) {
      printJson({ ...total, byModel: rows });
      return;
    }
    const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const lines = [`response cache in ${store.path}: ${total.entries} entries, ${formatBytes(total.bytes)}`];
    for (const r of rows)
      lines.push(
        `  ${r.model ?? "(model not recorded)"}: ${r.entries} entries, ${formatBytes(r.bytes)}, ${date(r.oldest)} … ${date(r.newest)}`,
      );
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    store.close();
  }
}

function report(flags: CacheFlags, deleted: number, what: string): void {
  if (flags.json) printJson({ deleted });
  else process.stdout.write(`deleted ${deleted} cached answer(s)${what}\n`);
}

export function cachePruneCommand(flags: CacheFlags): void {
  if (flags.olderThan === undefined && flags.model === undefined)
    throw new UserError(
      "cache prune: give --older-than AGE and/or --model M (to delete everything: cache clear --yes)",
    );
  const before = flags.olderThan !== undefined ? Date.now() - parseAge(flags.olderThan) : undefined;
  const store = openStore(flags.db);
  try {
    const deleted = store.pruneCache({
      ...(before !== undefined ? { before } : {}),
      ...(flags.model !== undefined ? { model: flags.model } : {}),
    });
    const what = [
      flags.olderThan !== undefined ? ` older than ${flags.olderThan}` : "",
      flags.model !== undefined ? ` of ${flags.model}` : "",
    ].join("");
    report(flags, deleted, what);
  } finally {
    store.close();
  }
}

export function cacheClearCommand(flags: CacheFlags): void {
  if (!flags.yes) throw new UserError("cache clear deletes every cached answer: pass --yes");
  const store = openStore(flags.db);
  try {
    report(flags, store.pruneCache(), "");
  } finally {
    store.close();
  }
}
