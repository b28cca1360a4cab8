/**
 * What the streaming safetensors and GGUF writers share: after the subclass has written its header,
 * tensor bytes arrive in spec order, in any chunking, into `<file>.partial`; the file gets its final
 * name only when `close` finds every tensor complete, and `abort` removes it. Subclasses say where the
 * bytes of tensor i go (`positionOf`) and may pad the end (`finish`).
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";

export function writeAll(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.byteLength) {
    done += writeSync(fd, data, done, data.byteLength - done, position + done);
  }
}

export abstract class SequentialTensorWriter {
  protected readonly fd: number;
  private readonly partial: string;
  private index = 0;
  private writtenInTensor = 0;
  private closed = false;

  /** Specs must be validated before this runs: it creates the partial file. */
  protected constructor(
    readonly file: string,
    private readonly names: readonly string[],
    protected readonly sizes: readonly number[],
  ) {
    this.partial = `${file}.partial`;
    this.fd = openSync(this.partial, "w");
    this.skipEmpty();
  }

  /** File position of byte `within` of tensor `index`. */
  protected abstract positionOf(index: number, within: number): number;

  /** Called once every tensor is written, before the rename (e.g. to pad the file). */
  protected finish(): void {}

  /** Name of the tensor the next bytes belong to (undefined when all are written). */
  get current(): string | undefined {
    return this.names[this.index];
  }

  /** Append bytes to the current tensor; may complete it and continue into the next ones. */
  write(data: Uint8Array): void {
    let at = 0;
    while (at < data.byteLength) {
      const size = this.sizes[this.index];
      if (size === undefined) throw new Error(`${this.file}: more tensor data than the specs declare`);
      const take = Math.min(size - this.writtenInTensor, data.byteLength - at);
      writeAll(this.fd, data.subarray(at, at + take), this.positionOf(this.index, this.writtenInTensor));
      this.writtenInTensor += take;
      at += take;
      if (this.writtenInTensor === size) {
        this.index++;
        this.writtenInTensor = 0;
        this.skipEmpty();
      }
    }
  }

  /** Write one whole tensor; it must be the next one in spec order. */
  writeTensor(name: string, data: Uint8Array): void {
    // Empty tensors have no bytes to wait for; the writer has already moved past them.
    const empty = this.names.findIndex((n, i) => n === name && this.sizes[i] === 0);
    if (empty >= 0 && data.byteLength === 0) return;
    if (name !== this.current || this.writtenInTensor !== 0) {
      throw new Error(`${this.file}: expected data for "${this.current}", got "${name}"`);
    }
    if (data.byteLength !== this.sizes[this.index]) {
      throw new Error(
        `${this.file}: tensor "${name}" needs ${this.sizes[this.index]} bytes, got ${data.byteLength}`,
      );
    }
    this.write(data);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.index < this.names.length) {
      closeSync(this.fd);
      rmSync(this.partial, { force: true });
      throw new Error(`${this.file}: closed before tensor "${this.current}" was written`);
    }
    this.finish();
    closeSync(this.fd);
    renameSync(this.partial, this.file);
  }

  // Positioned use (the streaming MoE builder): the caller writes every tensor's bytes at
  // `tensorPosition(i)` + offset through `descriptor`, in any order, then calls `commitPositioned`.

  get descriptor(): number {
    return this.fd;
  }

  tensorPosition(index: number): number {
    return this.positionOf(index, 0);
  }

  /** Every byte was written at its position by the caller: pad, close and give the file its name. */
  commitPositioned(): void {
    if (this.closed) return;
    this.closed = true;
    this.finish();
    closeSync(this.fd);
    renameSync(this.partial, this.file);
  }

  /** Give up: remove the partial file. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.partial, { force: true });
  }

  private skipEmpty(): void {
    while (this.index < this.names.length && this.sizes[this.index] === 0) this.index++;
  }
}
