/**
 * The data file, written while boards are built rather than from one array at the end, so that a
 * run's memory stays flat in the sample count (100,000 samples held as objects and then as one
 * JSON string took far more than the images did). Boards finish out of order with worker threads;
 * they are written in job order, holding only those that finished early. The bytes equal
 * `JSON.stringify(all, null, 2)` (json) or one `JSON.stringify(sample)` per line (jsonl).
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { GameQASample } from "./types.js";

export class DataWriter {
  private readonly fd: number;
  private readonly early = new Map<number, GameQASample[]>();
  private next = 0;
  private written = 0;
  /** Distinct images so far: counted per board (boards never share images), so nothing grows with the run. */
  private images = 0;

  constructor(
    readonly path: string,
    private readonly format: "json" | "jsonl",
  ) {
    this.fd = openSync(path, "w");
    if (format === "json") writeSync(this.fd, "[");
  }

  /** The samples of job `index` (every index from 0 must be given exactly once). */
  add(index: number, samples: GameQASample[]): void {
    this.early.set(index, samples);
    for (let s = this.early.get(this.next); s !== undefined; s = this.early.get(this.next)) {
      this.early.delete(this.next);
      this.next++;
      this.write(s);
    }
  }

  private write(samples: GameQASample[]): void {
    if (samples.length === 0) return;
    let text = "";
    const images = new Set<string>();
    for (const s of samples) {
      images.add(s.image);
      if (this.format === "jsonl") text += `${JSON.stringify(s)}\n`;
      else text += `${this.written > 0 ? "," : ""}\n${JSON.stringify(s, null, 2).replace(/^/gm, "  ")}`;
      this.written++;
    }
    this.images += images.size;
    writeSync(this.fd, text);
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
