/**
 * The shards (files) of a corpus that one job reads: selection by `--shard i/N`, the part files named on
 * a merge command line, and one progress line for shards read in parallel.
 */
import { statSync } from "node:fs";
import { resolve, sep } from "node:path";
import { UserError } from "../util/errors.js";
import { formatBytes, Progress } from "../util/progress.js";
import { parseShardSpec } from "../util/shard-spec.js";
import { expandCorpus } from "./glob.js";
import type { ShardId } from "./parts.js";

function shardId(name: string): ShardId {
  const st = statSync(name);
  return { name, size: st.size, mtimeMs: st.mtimeMs };
}

/**
 * The shards of this job (`shard`: "i/N"), in sorted order, never counting the parts folder itself
 * should it sit inside the corpus folder. `command` names the command in errors.
 */
export function selectShards(command: string, corpus: string[], partsDir: string, shard?: string): ShardId[] {
  const partsPrefix = `${resolve(partsDir)}${sep}`;
  const all = expandCorpus(corpus).filter((f) => !resolve(f).startsWith(partsPrefix));
  if (all.length === 0)
    throw new UserError(`${command}: the corpus holds no shards outside the parts folder`);
  const spec = shard ? parseShardSpec(shard) : { index: 1, total: 1 };
  return all.filter((_, k) => k % spec.total === spec.index - 1).map(shardId);
}

/** Partial result files named by merge arguments: files, or folders of *.json files. */
export function partialFiles(inputs: string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    let isDir = false;
    try {
      isDir = statSync(input).isDirectory();
    } catch {
      throw new UserError(`${input}: no such file or directory`);
    }
    if (isDir) files.push(...expandCorpus([`${input.replace(/\/+$/, "")}/*.json`]));
    else files.push(input);
  }
  return files;
}

/**
 * Progress of shards read in parallel: the latest byte counts of each shard, summed into one line
 * (MB read, rates, shards done). Also used by `contamination scan`.
 */
export class ShardMeter {
  private readonly raw = new Map<string, number>();
  private readonly text = new Map<string, number>();
  private done = 0;
  private readonly progress: Progress;

  constructor(
    label: string,
    private readonly todo: readonly ShardId[],
    private readonly resumed: number,
    private readonly started: number,
    mode: "auto" | "silent" = "auto",
  ) {
    const totalRaw = todo.reduce((a, s) => a + s.size, 0);
    this.progress = new Progress({ label, total: Math.max(1, Math.round(totalRaw / 1e6)), unit: "MB", mode });
  }

  /** `finished`: the shard is done (its final counts). */
  update(name: string, rawBytes: number, textBytes: number, finished = false): void {
    this.raw.set(name, rawBytes);
    this.text.set(name, textBytes);
    if (finished) this.done++;
    const { rawBytes: raw, textBytes: text } = this.totals();
    const secs = Math.max(1e-3, (Date.now() - this.started) / 1000);
    this.progress.set(Math.round(raw / 1e6));
    this.progress.setDetail(
      `${formatBytes(raw / secs)}/s read · ${formatBytes(text / secs)}/s text · shards ${this.done}/${this.todo.length}` +
        (this.resumed > 0 ? ` (+${this.resumed} resumed)` : ""),
    );
  }

  totals(): { rawBytes: number; textBytes: number } {
    let rawBytes = 0;
    let textBytes = 0;
    for (const v of this.raw.values()) rawBytes += v;
    for (const v of this.text.values()) textBytes += v;
    return { rawBytes, textBytes };
  }

  finish(): void {
    this.progress.finish();
  }
}
