/**
 * The data file, written while boards are built rather than from one array at the end, so that a
 * run's memory stays flat in the sample count (100,000 samples held as objects and then as one
 * JSON string took far more than the images did). Boards finish out of order with worker threads;
 * they are written in job order, holding only those that finished early. The bytes equal
 * `JSON.stringify(all, null, 2)` (json) or one `JSON.stringify(sample)` per line (jsonl).
 */
import { closeSync, openSync, truncateSync, writeSync } from "node:fs";
import type { DataMark } from "./run-journal.js";
import type { GameQASample } from "./types.js";

/** One board's samples as data-file text: worker threads send this instead of the sample objects. */
export interface BoardText {
  /** The samples' text (json: each sample on its own lines, separated by commas, none leading). */
  text: string;
  samples: number;
  /** Distinct images the samples name (boards never share images, so counts add up over a run). */
  images: number;
}

/** A board's samples as the data file holds them. */
export function formatBoard(samples: readonly GameQASample[], format: "json" | "jsonl"): BoardText {
  const parts = samples.map((s) =>
    format === "jsonl" ? `${JSON.stringify(s)}\n` : `\n${JSON.stringify(s, null, 2).replace(/^/gm, "  ")}`,
  );
  const text = format === "jsonl" ? parts.join("") : parts.join(",");
  return { text, samples: samples.length, images: new Set(samples.map((s) => s.image)).size };
}

export class DataWriter {
  private readonly fd: number;
  private readonly early = new Map<number, BoardText>();
  private next = 0;
  private written = 0;
  private images = 0;
  private bytes = 0;
  /** Where each board written since the last `markAt` ends (for the journal). */
  private marks: DataMark[] = [];

  /**
   * `from`: continue a data file whose boards before `from.boards` end at byte `from.bytes`
   * (anything after it, a killed run's unjournaled boards, is cut off first).
   */
  constructor(
    readonly path: string,
    private readonly format: "json" | "jsonl",
    from?: DataMark,
  ) {
    if (from) {
      truncateSync(path, from.bytes);
      this.fd = openSync(path, "a");
      this.next = from.boards;
      this.written = from.samples;
      this.images = from.images;
      this.bytes = from.bytes;
    } else {
      this.fd = openSync(path, "w");
      if (format === "json") this.bytes = writeSync(this.fd, "[");
    }
  }

  /** Boards 0..n-1 are in the file. */
  get boards(): number {
    return this.next;
  }

  /**
   * The furthest point, at or before board `limit`, where the file ends after a whole board
   * (undefined when no board was written since the last call that returned one).
   */
  markAt(limit: number): DataMark | undefined {
    let i = this.marks.length;
    while (i > 0 && (this.marks[i - 1] as DataMark).boards > limit) i--;
    if (i === 0) return undefined;
    const mark = this.marks[i - 1];
    this.marks = this.marks.slice(i);
    return mark;
  }

  /** The samples of job `index` (every index from 0 must be given exactly once). */
  add(index: number, samples: readonly GameQASample[]): void {
    this.addText(index, formatBoard(samples, this.format));
  }

  /** Job `index` already formatted by `formatBoard` with this writer's format. */
  addText(index: number, board: BoardText): void {
    this.early.set(index, board);
    for (let b = this.early.get(this.next); b !== undefined; b = this.early.get(this.next)) {
      this.early.delete(this.next);
      this.next++;
      this.write(b);
      this.marks.push({ boards: this.next, bytes: this.bytes, samples: this.written, images: this.images });
    }
  }

  private write(board: BoardText): void {
    if (board.samples === 0) return;
    this.bytes += writeSync(
      this.fd,
      this.format === "json" && this.written > 0 ? `,${board.text}` : board.text,
    );
    this.written += board.samples;
    this.images += board.images;
  }

  /** Finish the file; returns the number of samples and of distinct images written. */
  close(): { samples: number; images: number } {
    if (this.early.size > 0) throw new Error(`data file: board ${this.next} never arrived`);
    if (this.format === "json") writeSync(this.fd, this.written > 0 ? "\n]\n" : "]\n");
    closeSync(this.fd);
    return { samples: this.written, images: this.images };
  }

  /** Close without finishing (the run failed; the caller removes the file). */
  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
