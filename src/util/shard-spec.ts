/** `--shard i/N`: which of N parts of some work this process takes (SMI counting, contamination scans). */
import { UserError } from "./errors.js";

/** "i/N" (1-based): this job takes every shard k (0-based, sorted order) with k mod N = i-1. */
export function parseShardSpec(spec: string): { index: number; total: number } {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const total = m ? Number(m[2]) : Number.NaN;
  if (!m || total < 1 || index < 1 || index > total) {
    throw new UserError(`--shard ${spec}: expected i/N with 1 <= i <= N, e.g. 1/4`);
  }
  return { index, total };
}
