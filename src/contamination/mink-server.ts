/**
 * `contamination mink --model openai/<m>`: membership scores from a server's prompt log-probabilities
 * (server-logprobs.ts), scored exactly as the in-process path scores the engine's (minkRow). The
 * server tokenises; whether it prepends BOS (so that the first text token is scored) is its own setting.
 */
import { checkK, type MinkResult, type MinkRow, minkProgress, minkResult, minkRow } from "./mink-run.js";
import type { TextItem } from "./mink-text.js";
import { type LogprobsApi, ServerLogprobs, type ServerLogprobsOptions } from "./server-logprobs.js";

export interface ServerMinkOptions extends ServerLogprobsOptions {
  items: readonly TextItem[];
  k: number;
  labels?: ReadonlyMap<string, boolean>;
  /** Requests in flight at once. */
  concurrency: number;
  progress?: "auto" | "silent";
}

export async function runServerMink(
  opts: ServerMinkOptions,
): Promise<MinkResult & { api: LogprobsApi; endpoint: string }> {
  checkK(opts.k);
  const client = new ServerLogprobs(opts);
  const rows: MinkRow[] = new Array(opts.items.length);
  const progress = minkProgress(opts.items.length, opts.progress);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < opts.items.length) {
      const i = next++;
      const item = opts.items[i]!;
      const lp = await client.promptLogprobs(item.text);
      const member = opts.labels?.get(item.id) ?? item.member;
      rows[i] = minkRow(item.id, lp, Buffer.from(item.text, "utf8"), opts.k, member);
      progress.tick();
    }
  };
  try {
    // The first request detects the API (when auto); the others wait for it.
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  } finally {
    progress.finish();
  }
  return { ...minkResult(opts.k, rows), api: client.detectedApi!, endpoint: client.endpoint };
}
