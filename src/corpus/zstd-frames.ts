/**
 * Reads the frame structure of a zstd stream (RFC 8878) as its compressed bytes arrive, so a shard can be
 * checked as well as decompressed: fzstd decodes blocks but never verifies a frame's content checksum,
 * and a damaged shard then yields garbage lines (or, skipped, silently lost documents). Each zstd frame
 * is handed on as segments of its bytes, the last one marked with what the frame promises about its
 * content: the low 32 bits of its XXH64 (when the frame has a checksum) and its size (when declared).
 * Skippable frames are passed over; anything else, a stream that stops inside a frame, or a stream with
 * no frame at all is an error that names the byte offset.
 */

export const ZSTD_MAGIC = 0xfd2fb528;

/** What the end of a frame promises about the content it decompresses to. */
export interface FrameEnd {
  checksum?: number;
  contentSize?: number;
}

export class ZstdFrameError extends Error {}

/** States: reading a fixed-size field into `field`, or passing `left` bytes of block data through. */
const MAGIC = 0;
const DESCRIPTOR = 1;
const HEADER_REST = 2;
const BLOCK_HEADER = 3;
const BLOCK_DATA = 4;
const CHECKSUM = 5;
const SKIP_SIZE = 6;
const SKIP_DATA = 7;

export class ZstdFramer {
  private state = MAGIC;
  private readonly field = new Uint8Array(16);
  private have = 0;
  private need = 4;
  private left = 0;
  private offset = 0;
  private frameStart = 0;
  private descriptor = 0;
  private lastBlock = false;
  /** Complete frames seen (zstd and skippable). */
  frames = 0;

  /**
   * Feeds the next compressed bytes; `emit` gets each run of zstd-frame bytes, with `end` on the run
   * that completes a frame.
   */
  feed(chunk: Uint8Array, emit: (bytes: Uint8Array, end?: FrameEnd) => void): void {
    let i = 0;
    // Start in chunk of zstd-frame bytes not emitted yet (-1: none; 0 when a frame goes on from before).
    let from = this.state >= DESCRIPTOR && this.state <= CHECKSUM ? 0 : -1;
    const n = chunk.length;
    for (;;) {
      if (this.state === BLOCK_DATA || this.state === SKIP_DATA) {
        // An empty block ends at once, even at the end of the chunk.
        if (i >= n && this.left > 0) break;
        const take = Math.min(this.left, n - i);
        i += take;
        this.offset += take;
        this.left -= take;
        if (this.left === 0) {
          if (this.state === SKIP_DATA) {
            this.frames++;
            this.expect(MAGIC, 4);
            from = -1;
          } else if (this.lastBlock) {
            if (this.descriptor & 0x04) this.expect(CHECKSUM, 4);
            else {
              emit(chunk.subarray(from, i), this.frameEnd());
              from = -1;
            }
          } else this.expect(BLOCK_HEADER, 3);
        }
        continue;
      }
      if (i >= n) break;
      const take = Math.min(this.need - this.have, n - i);
      this.field.set(chunk.subarray(i, i + take), this.have);
      this.have += take;
      i += take;
      this.offset += take;
      if (this.have < this.need) break;
      switch (this.state) {
        case MAGIC:
          from = this.onMagic(emit, i);
          break;
        case DESCRIPTOR:
          this.onDescriptor();
          break;
        case HEADER_REST:
          this.contentSize = this.readContentSize();
          this.expect(BLOCK_HEADER, 3);
          break;
        case BLOCK_HEADER:
          this.onBlockHeader();
          break;
        case CHECKSUM:
          emit(chunk.subarray(from, i), { ...this.frameEnd(), checksum: this.u32(0) });
          from = -1;
          break;
        case SKIP_SIZE:
          this.left = this.u32(0);
          this.state = SKIP_DATA;
          if (this.left === 0) {
            this.frames++;
            this.expect(MAGIC, 4);
          }
          break;
      }
    }
    if (from >= 0 && from < n) emit(chunk.subarray(from, n));
  }

  /** Call at the end of the stream: an error unless it ended between frames, after at least one. */
  finish(): void {
    if (this.state !== MAGIC || this.have !== 0) {
      throw new ZstdFrameError(
        `truncated: the stream ends inside a frame (byte ${this.offset}, frame starting at byte ${this.frameStart})`,
      );
    }
    if (this.frames === 0) throw new ZstdFrameError("empty: no zstd frame in the file");
  }

  private contentSize: number | undefined;

  private frameEnd(): FrameEnd {
    this.frames++;
    const end: FrameEnd = this.contentSize === undefined ? {} : { contentSize: this.contentSize };
    this.expect(MAGIC, 4);
    return end;
  }

  private expect(state: number, need: number): void {
    this.state = state;
    this.need = need;
    this.have = 0;
  }

  private u32(at: number): number {
    const f = this.field;
    return (f[at]! | (f[at + 1]! << 8) | (f[at + 2]! << 16) | (f[at + 3]! << 24)) >>> 0;
  }

  /** A frame starts: zstd (its magic bytes go on, then the rest from `i`), skippable, or garbage. */
  private onMagic(emit: (bytes: Uint8Array) => void, i: number): number {
    const magic = this.u32(0);
    this.frameStart = this.offset - 4;
    if (magic === ZSTD_MAGIC) {
      emit(this.field.slice(0, 4));
      this.contentSize = undefined;
      this.expect(DESCRIPTOR, 1);
      return i;
    }
    if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) {
      this.expect(SKIP_SIZE, 4);
      return -1;
    }
    throw new ZstdFrameError(
      `not a zstd frame at byte ${this.frameStart} (magic 0x${magic.toString(16).padStart(8, "0")})`,
    );
  }

  private onDescriptor(): void {
    const d = this.field[0]!;
    if (d & 0x08)
      throw new ZstdFrameError(`corrupt frame header at byte ${this.frameStart} (reserved bit set)`);
    this.descriptor = d;
    const single = (d >> 5) & 1;
    const fcsFlag = d >> 6;
    const fcsBytes = fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag]!;
    const dictBytes = [0, 1, 2, 4][d & 3]!;
    const rest = (single ? 0 : 1) + dictBytes + fcsBytes;
    if (rest === 0) {
      this.contentSize = undefined;
      this.expect(BLOCK_HEADER, 3);
    } else this.expect(HEADER_REST, rest);
  }

  /** The declared content size, or undefined when the header has none. */
  private readContentSize(): number | undefined {
    const d = this.descriptor;
    const single = (d >> 5) & 1;
    const fcsFlag = d >> 6;
    const fcsBytes = fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag]!;
    if (fcsBytes === 0) return undefined;
    const at = this.need - fcsBytes;
    let v = 0;
    for (let k = fcsBytes - 1; k >= 0; k--) v = v * 256 + this.field[at + k]!;
    return fcsBytes === 2 ? v + 256 : v;
  }

  private onBlockHeader(): void {
    const f = this.field;
    const h = f[0]! | (f[1]! << 8) | (f[2]! << 16);
    this.lastBlock = (h & 1) === 1;
    const type = (h >> 1) & 3;
    if (type === 3) {
      throw new ZstdFrameError(`corrupt block header at byte ${this.offset - 3} (reserved block type)`);
    }
    // A raw or compressed block holds its size in bytes; an RLE block one byte, repeated.
    this.left = type === 1 ? 1 : h >>> 3;
    this.state = BLOCK_DATA;
  }
}
