/** Positioned reads on an open file descriptor, in bounded chunks, with clear errors on short reads; atomic writes. */
import { readSync, renameSync, writeFileSync } from "node:fs";
import { UserError } from "../util/errors.js";

/** Largest single read; keeps every Buffer well below Node's 2 GiB per-call limit. */
const CHUNK = 1 << 30;

/** Read exactly `length` bytes at `position` into a new Buffer (or into `into`, from its start). */
export function readExactly(
  fd: number,
  position: number,
  length: number,
  file: string,
  into?: Uint8Array,
): Buffer {
  const buf = into ? Buffer.from(into.buffer, into.byteOffset, length) : Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const want = Math.min(CHUNK, length - done);
    const got = readSync(fd, buf, done, want, position + done);
    if (got === 0) {
      throw new UserError(
        `${file}: unexpected end of file at byte ${position + done} (wanted ${length} bytes from ${position})`,
      );
    }
    done += got;
  }
  return buf;
}

/** Write through `FILE.partial` and rename, so a failed write leaves no half file. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const partial = `${file}.partial`;
  writeFileSync(partial, data);
  renameSync(partial, file);
}
