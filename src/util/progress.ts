/**
 * A progress line for long work. On a TTY it redraws one line on stderr at most `hz` times a
 * second; otherwise it prints a plain line every `plainEveryMs` (default 10 s), so logs stay readable.
 * Callers update counters cheaply (`tick`, `setDetail`); rendering happens on a timer, off the hot path.
 */
export interface ProgressOptions {
  label: string;
  total?: number;
  /** Unit shown after the counts, e.g. "samples" or "MB". */
  unit?: string;
  stream?: NodeJS.WriteStream;
  /** Force plain (non-TTY) mode, or silence entirely. */
  mode?: "auto" | "tty" | "plain" | "silent";
  hz?: number;
  plainEveryMs?: number;
}

export class Progress {
  private done = 0;
  private total: number | undefined;
  private detail = "";
  private readonly start = Date.now();
  private readonly stream: NodeJS.WriteStream;
  private readonly mode: "tty" | "plain" | "silent";
  private timer: NodeJS.Timeout | undefined;
  private lastLen = 0;

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.total = opts.total;
    const mode = opts.mode ?? "auto";
    this.mode = mode === "auto" ? (this.stream.isTTY ? "tty" : "plain") : mode;
    if (this.mode === "silent") return;
    const every = this.mode === "tty" ? 1000 / (opts.hz ?? 4) : (opts.plainEveryMs ?? 10_000);
    this.timer = setInterval(() => this.render(), every);
    this.timer.unref();
  }

  tick(n = 1): void {
    this.done += n;
  }
  set(done: number): void {
    this.done = done;
  }
  setTotal(total: number | undefined): void {
    this.total = total;
  }
  /** Free text shown after the counts (in flight, retries, bytes/s, ...). */
  setDetail(detail: string): void {
    this.detail = detail;
  }

  /** The current line, without terminal control characters. */
  line(): string {
    const elapsed = (Date.now() - this.start) / 1000;
    const unit = this.opts.unit ? ` ${this.opts.unit}` : "";
    let counts = `${this.done}${this.total !== undefined ? `/${this.total}` : ""}${unit}`;
    if (this.total !== undefined && this.total > 0) {
      counts += ` (${((100 * this.done) / this.total).toFixed(1)}%)`;
    }
    // Counts, ETA and elapsed time come before the detail, so a narrow terminal cuts the detail, not them.
    const parts = [`${this.opts.label}: ${counts}`];
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    if (this.total !== undefined && rate > 0 && this.done < this.total) {
      parts.push(`ETA ${formatDuration((this.total - this.done) / rate)}`);
    }
    parts.push(formatDuration(elapsed));
    if (this.detail) parts.push(this.detail);
    return parts.join(" · ");
  }

  render(): void {
    if (this.mode === "silent") return;
    const text = this.line();
    if (this.mode === "tty") {
      const width = this.stream.columns ?? 120;
      const clipped = text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text;
      const pad = this.lastLen > clipped.length ? " ".repeat(this.lastLen - clipped.length) : "";
      this.stream.write(`\r${clipped}${pad}`);
      this.lastLen = clipped.length;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Stop the timer and print the final state on its own line. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.mode === "silent") return;
    if (this.mode === "tty") {
      this.render();
      this.stream.write("\n");
    } else {
      this.render();
    }
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
