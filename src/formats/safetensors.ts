/**
 * safetensors: an 8-byte little-endian header length N, N bytes of JSON
 * ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}), then the tensor bytes.
 * Offsets are relative to the first byte after the header. Reading never loads more than the header and the
 * tensors asked for; writing streams tensor data in the order the specs were given.
 */
import { closeSync, fstatSync, openSync } from "node:fs";
import { UserError } from "../util/errors.js";
import { readExactly } from "./file.js";
import { SequentialTensorWriter, writeAll } from "./tensor-writer.js";

export { writeAll };

/** Element sizes of every dtype the safetensors specification defines. */
export const SAFETENSORS_DTYPE_SIZES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** The reference implementation refuses headers above 100 MB; so do we, before allocating anything. */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor in a file: byteOffset is absolute (from the start of the file). */
export interface StoredTensor {
  name: string;
  dtype: string;
  shape: number[];
  byteOffset: number;
  byteLength: number;
}

export interface SafetensorsHeader {
  file: string;
  fileSize: number;
  /** Absolute offset of the data section. */
  dataStart: number;
  tensors: StoredTensor[];
  metadata: Record<string, string>;
}

export function numElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Read and validate the header of a safetensors file (reads only the header bytes). */
export function readSafetensorsHeader(file: string): SafetensorsHeader {
  const fd = openOrThrow(file);
  try {
    const fileSize = fstatSync(fd).size;
    if (fileSize < 8) {
      throw new UserError(
        `${file}: truncated safetensors file (${fileSize} bytes; the 8-byte header length is missing)`,
      );
    }
    const lenBytes = readExactly(fd, 0, 8, file);
    const headerLength = lenBytes.readBigUInt64LE(0);
    if (headerLength > BigInt(MAX_HEADER_BYTES)) {
      throw new UserError(
        `${file}: safetensors header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupt or not a safetensors file)`,
      );
    }
    const n = Number(headerLength);
    if (8 + n > fileSize) {
      throw new UserError(
        `${file}: safetensors header length ${n} runs past the end of the file (${fileSize} bytes): truncated or corrupt`,
      );
    }
    const headerBytes = readExactly(fd, 8, n, file);
    return parseSafetensorsHeader(file, fileSize, headerBytes);
  } finally {
    closeSync(fd);
  }
}

/** Validate the JSON header against the file size: known dtypes, sizes matching shapes, no overlaps. */
export function parseSafetensorsHeader(
  file: string,
  fileSize: number,
  headerBytes: Uint8Array,
): SafetensorsHeader {
  const dataStart = 8 + headerBytes.byteLength;
  const dataSize = fileSize - dataStart;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(headerBytes));
  } catch (err) {
    throw new UserError(`${file}: safetensors header is not valid UTF-8 JSON (${(err as Error).message})`);
  }
  if (!isRecord(json)) throw new UserError(`${file}: safetensors header must be a JSON object`);
  const metadata: Record<string, string> = {};
  const tensors: StoredTensor[] = [];
  for (const [name, entry] of Object.entries(json)) {
    if (name === "__metadata__") {
      if (!isRecord(entry)) throw new UserError(`${file}: "__metadata__" must be an object of strings`);
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== "string")
          throw new UserError(`${file}: "__metadata__" field "${k}" must be a string`);
        metadata[k] = v;
      }
      continue;
    }
    const where = `${file}: tensor "${name}"`;
    if (!isRecord(entry)) throw new UserError(`${where}: entry must be an object`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== "string" || !(dtype in SAFETENSORS_DTYPE_SIZES)) {
      throw new UserError(`${where}: unknown dtype ${JSON.stringify(dtype)}`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new UserError(`${where}: shape must be an array of non-negative integers`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
    ) {
      throw new UserError(`${where}: data_offsets must be [begin, end] with non-negative integers`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) throw new UserError(`${where}: data_offsets end ${end} is before begin ${begin}`);
    if (end > dataSize) {
      throw new UserError(
        `${where}: data_offsets [${begin}, ${end}] run past the end of the data (${dataSize} bytes): truncated or corrupt file`,
      );
    }
    const expected = numElements(shape as number[]) * SAFETENSORS_DTYPE_SIZES[dtype]!;
    if (end - begin !== expected) {
      throw new UserError(
        `${where}: holds ${end - begin} bytes but ${dtype} shape [${shape.join(", ")}] needs ${expected}`,
      );
    }
    tensors.push({
      name,
      dtype,
      shape: shape as number[],
      byteOffset: dataStart + begin,
      byteLength: end - begin,
    });
  }
  const sorted = [...tensors].sort((a, b) => a.byteOffset - b.byteOffset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.byteOffset < prev.byteOffset + prev.byteLength) {
      throw new UserError(`${file}: tensors "${prev.name}" and "${cur.name}" overlap in the data section`);
    }
  }
  return { file, fileSize, dataStart, tensors, metadata };
}

export interface TensorSpec {
  name: string;
  dtype: string;
  shape: number[];
}

/**
 * Streams a safetensors file: the header (with every offset) is written first from the specs, then tensor
 * bytes in spec order, in as many `write` calls as the caller likes. The file appears under its final name
 * only when `close` finds every tensor complete.
 */
export class SafetensorsWriter extends SequentialTensorWriter {
  private readonly dataStart: number;
  private readonly offsets: number[];

  constructor(
    file: string,
    readonly specs: readonly TensorSpec[],
    metadata: Record<string, string> = {},
  ) {
    const header: Record<string, unknown> = {};
    if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
    const names = new Set<string>();
    let offset = 0;
    const sizes: number[] = [];
    const offsets: number[] = [];
    for (const spec of specs) {
      if (names.has(spec.name)) throw new UserError(`${file}: tensor "${spec.name}" given twice`);
      names.add(spec.name);
      const size = SAFETENSORS_DTYPE_SIZES[spec.dtype];
      if (size === undefined)
        throw new UserError(`${file}: tensor "${spec.name}": unknown dtype ${spec.dtype}`);
      const bytes = numElements(spec.shape) * size;
      header[spec.name] = { dtype: spec.dtype, shape: spec.shape, data_offsets: [offset, offset + bytes] };
      sizes.push(bytes);
      offsets.push(offset);
      offset += bytes;
    }
    let json = Buffer.from(JSON.stringify(header), "utf8");
    // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
    const pad = (8 - (json.byteLength % 8)) % 8;
    if (pad > 0) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
    const lenBytes = Buffer.alloc(8);
    lenBytes.writeBigUInt64LE(BigInt(json.byteLength));
    super(
      file,
      specs.map((t) => t.name),
      sizes,
    );
    this.offsets = offsets;
    writeAll(this.fd, lenBytes, 0);
    writeAll(this.fd, json, 8);
    this.dataStart = 8 + json.byteLength;
  }

  protected positionOf(index: number, within: number): number {
    return this.dataStart + this.offsets[index]! + within;
  }
}

/** Convenience: write whole in-memory tensors. */
export function writeSafetensors(
  file: string,
  tensors: readonly (TensorSpec & { data: Uint8Array })[],
  metadata: Record<string, string> = {},
): void {
  const writer = new SafetensorsWriter(file, tensors, metadata);
  try {
    for (const t of tensors) writer.writeTensor(t.name, t.data);
    writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  }
}

export function openOrThrow(file: string): number {
  try {
    return openSync(file, "r");
  } catch (err) {
    throw new UserError(
      `${file}: cannot open (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
