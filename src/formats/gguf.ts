/**
 * GGUF (llama.cpp's model file), versions 2 and 3, little-endian, following the published specification
 * (ggml docs/gguf.md): magic "GGUF", u32 version, u64 tensor count, u64 metadata count, metadata key/values,
 * tensor infos (name, n_dims, dims fastest-first, ggml type, offset relative to the aligned data section),
 * padding to `general.alignment` (default 32), tensor data (each tensor aligned).
 *
 * Reading touches only the header; tensor bytes are read on demand by byte range. Writing streams: the
 * header is written from the specs, then tensor bytes in spec order with alignment padding in between.
 */
import { closeSync, fstatSync } from "node:fs";
import { UserError } from "../util/errors.js";
import { readExactly } from "./file.js";
import { openOrThrow, type StoredTensor } from "./safetensors.js";
import { SequentialTensorWriter, writeAll } from "./tensor-writer.js";

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_DEFAULT_ALIGNMENT = 32;
/** GGML_MAX_DIMS in ggml. */
const MAX_DIMS = 4;

/** Metadata value types, numbered as in the specification. */
export const GGUF_VALUE_TYPES = [
  "u8",
  "i8",
  "u16",
  "i16",
  "u32",
  "i32",
  "f32",
  "bool",
  "string",
  "array",
  "u64",
  "i64",
  "f64",
] as const;
export type GgufValueType = (typeof GGUF_VALUE_TYPES)[number];
export type GgufScalarType = Exclude<GgufValueType, "array">;

export type GgufItem = number | bigint | boolean | string | GgufItem[];
export type GgufMetaValue =
  | { type: "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "f64"; value: number }
  | { type: "u64" | "i64"; value: bigint }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "array"; itemType: GgufValueType; value: GgufItem[] };

/** Builders for typed metadata values (JS numbers do not say which integer width a key needs). */
export const gguf = {
  u32: (value: number): GgufMetaValue => ({ type: "u32", value }),
  i32: (value: number): GgufMetaValue => ({ type: "i32", value }),
  f32: (value: number): GgufMetaValue => ({ type: "f32", value }),
  u64: (value: number | bigint): GgufMetaValue => ({ type: "u64", value: BigInt(value) }),
  bool: (value: boolean): GgufMetaValue => ({ type: "bool", value }),
  str: (value: string): GgufMetaValue => ({ type: "string", value }),
  arr: (itemType: GgufScalarType, value: GgufItem[]): GgufMetaValue => ({ type: "array", itemType, value }),
};

/** ggml tensor types: block size (elements) and bytes per block. Only F32/F16/BF16 decode to float32 here. */
export const GGML_TYPES: Readonly<Record<number, { name: string; block: number; bytes: number }>> = {
  0: { name: "F32", block: 1, bytes: 4 },
  1: { name: "F16", block: 1, bytes: 2 },
  2: { name: "Q4_0", block: 32, bytes: 18 },
  3: { name: "Q4_1", block: 32, bytes: 20 },
  6: { name: "Q5_0", block: 32, bytes: 22 },
  7: { name: "Q5_1", block: 32, bytes: 24 },
  8: { name: "Q8_0", block: 32, bytes: 34 },
  9: { name: "Q8_1", block: 32, bytes: 36 },
  10: { name: "Q2_K", block: 256, bytes: 84 },
  11: { name: "Q3_K", block: 256, bytes: 110 },
  12: { name: "Q4_K", block: 256, bytes: 144 },
  13: { name: "Q5_K", block: 256, bytes: 176 },
  14: { name: "Q6_K", block: 256, bytes: 210 },
  15: { name: "Q8_K", block: 256, bytes: 292 },
  16: { name: "IQ2_XXS", block: 256, bytes: 66 },
  17: { name: "IQ2_XS", block: 256, bytes: 74 },
  18: { name: "IQ3_XXS", block: 256, bytes: 98 },
  19: { name: "IQ1_S", block: 256, bytes: 50 },
  20: { name: "IQ4_NL", block: 32, bytes: 18 },
  21: { name: "IQ3_S", block: 256, bytes: 110 },
  22: { name: "IQ2_S", block: 256, bytes: 82 },
  23: { name: "IQ4_XS", block: 256, bytes: 136 },
  24: { name: "I8", block: 1, bytes: 1 },
  25: { name: "I16", block: 1, bytes: 2 },
  26: { name: "I32", block: 1, bytes: 4 },
  27: { name: "I64", block: 1, bytes: 8 },
  28: { name: "F64", block: 1, bytes: 8 },
  29: { name: "IQ1_M", block: 256, bytes: 56 },
  30: { name: "BF16", block: 1, bytes: 2 },
  34: { name: "TQ1_0", block: 256, bytes: 54 },
  35: { name: "TQ2_0", block: 256, bytes: 66 },
  39: { name: "MXFP4", block: 32, bytes: 17 },
};

export function ggmlTypeId(name: string): number {
  for (const [id, t] of Object.entries(GGML_TYPES)) if (t.name === name) return Number(id);
  throw new Error(`unknown ggml type ${name}`);
}

/** A tensor as stored in GGUF. `dims` is ggml order (fastest-varying first); `shape` is row-major (reversed). */
export interface GgufTensor extends StoredTensor {
  dims: number[];
  ggmlType: number;
}

export interface GgufFile {
  file: string;
  fileSize: number;
  version: number;
  alignment: number;
  dataStart: number;
  metadata: Map<string, GgufMetaValue>;
  tensors: GgufTensor[];
}

/** Metadata value as a plain JS value (u64/i64 become numbers when exact). */
export function metaPlain(v: GgufMetaValue | undefined): unknown {
  if (!v) return undefined;
  if (v.type === "u64" || v.type === "i64") {
    return v.value <= BigInt(Number.MAX_SAFE_INTEGER) && v.value >= -BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v.value)
      : v.value;
  }
  return v.value;
}

/** Buffered little-endian reader over a file descriptor that refuses to read past the end of the file. */
class Cursor {
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;
  pos = 0;
  constructor(
    private readonly fd: number,
    readonly file: string,
    readonly size: number,
  ) {}

  private need(n: number, what: string): Buffer {
    if (this.pos + n > this.size) {
      throw new UserError(
        `${this.file}: truncated GGUF file: ${what} needs ${n} bytes at offset ${this.pos}, the file has ${this.size}`,
      );
    }
    const off = this.pos - this.bufStart;
    if (off < 0 || off + n > this.buf.byteLength) {
      const len = Math.min(Math.max(n, 1 << 20), this.size - this.pos);
      this.buf = readExactly(this.fd, this.pos, len, this.file);
      this.bufStart = this.pos;
    }
    const start = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(start, start + n);
  }
  remaining(): number {
    return this.size - this.pos;
  }
  u32(what: string): number {
    return this.need(4, what).readUInt32LE(0);
  }
  u64(what: string): bigint {
    return this.need(8, what).readBigUInt64LE(0);
  }
  /** A u64 count or size that must fit in a safe integer and be at most `max`. */
  count(what: string, max: number): number {
    const v = this.u64(what);
    if (v > BigInt(max)) {
      throw new UserError(
        `${this.file}: ${what} ${v} at offset ${this.pos - 8} is impossible for a ${this.size}-byte file (truncated or corrupt)`,
      );
    }
    return Number(v);
  }
  string(what: string): string {
    const len = this.count(`${what} length`, this.remaining());
    return this.need(len, what).toString("utf8");
  }
  scalar(type: GgufValueType, what: string): number | bigint | boolean | string {
    switch (type) {
      case "u8":
        return this.need(1, what).readUInt8(0);
      case "i8":
        return this.need(1, what).readInt8(0);
      case "u16":
        return this.need(2, what).readUInt16LE(0);
      case "i16":
        return this.need(2, what).readInt16LE(0);
      case "u32":
        return this.need(4, what).readUInt32LE(0);
      case "i32":
        return this.need(4, what).readInt32LE(0);
      case "f32":
        return this.need(4, what).readFloatLE(0);
      case "f64":
        return this.need(8, what).readDoubleLE(0);
      case "u64":
        return this.need(8, what).readBigUInt64LE(0);
      case "i64":
        return this.need(8, what).readBigInt64LE(0);
      case "bool": {
        const b = this.need(1, what).readUInt8(0);
        if (b > 1) throw new UserError(`${this.file}: ${what}: bool value ${b} is neither 0 nor 1`);
        return b === 1;
      }
      case "string":
        return this.string(what);
      case "array":
        throw new Error("arrays are read by readArray");
    }
  }
}

const MIN_ITEM_BYTES: Record<GgufValueType, number> = {
  u8: 1,
  i8: 1,
  bool: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  u64: 8,
  i64: 8,
  f64: 8,
  string: 8,
  array: 12,
};

function valueType(cur: Cursor, what: string): GgufValueType {
  const id = cur.u32(`${what} type`);
  const t = GGUF_VALUE_TYPES[id];
  if (!t) throw new UserError(`${cur.file}: ${what}: unknown metadata value type ${id}`);
  return t;
}

function readArray(cur: Cursor, what: string, depth: number): { itemType: GgufValueType; value: GgufItem[] } {
  if (depth > 4) throw new UserError(`${cur.file}: ${what}: arrays nested too deeply`);
  const itemType = valueType(cur, `${what} item`);
  const len = cur.count(`${what} array length`, Math.floor(cur.remaining() / MIN_ITEM_BYTES[itemType]));
  const value: GgufItem[] = new Array(len);
  for (let i = 0; i < len; i++) {
    value[i] = itemType === "array" ? readArray(cur, what, depth + 1).value : cur.scalar(itemType, what);
  }
  return { itemType, value };
}

/** Parse and validate a GGUF file's header (metadata and tensor infos) without reading tensor data. */
export function readGguf(file: string): GgufFile {
  const fd = openOrThrow(file);
  try {
    const size = fstatSync(fd).size;
    const cur = new Cursor(fd, file, size);
    if (size < 4 || cur.u32("magic") !== GGUF_MAGIC)
      throw new UserError(`${file}: not a GGUF file (bad magic)`);
    const version = cur.u32("version");
    if (version === 1) throw new UserError(`${file}: GGUF version 1 is obsolete and not supported`);
    if (version !== 2 && version !== 3) {
      const hint = version >= 0x01000000 ? " (a big-endian GGUF file?)" : "";
      throw new UserError(`${file}: unsupported GGUF version ${version}${hint}`);
    }
    const tensorCount = cur.count("tensor count", Math.floor(size / 24));
    const kvCount = cur.count("metadata count", Math.floor(size / 13));
    const metadata = new Map<string, GgufMetaValue>();
    for (let i = 0; i < kvCount; i++) {
      const key = cur.string(`metadata key #${i}`);
      const type = valueType(cur, `metadata "${key}"`);
      let entry: GgufMetaValue;
      if (type === "array") {
        const { itemType, value } = readArray(cur, `metadata "${key}"`, 0);
        entry = { type, itemType, value };
      } else {
        entry = { type, value: cur.scalar(type, `metadata "${key}"`) } as GgufMetaValue;
      }
      if (metadata.has(key)) throw new UserError(`${file}: metadata key "${key}" appears twice`);
      metadata.set(key, entry);
    }
    let alignment = GGUF_DEFAULT_ALIGNMENT;
    const alignEntry = metadata.get("general.alignment");
    if (alignEntry) {
      if (
        alignEntry.type !== "u32" ||
        alignEntry.value === 0 ||
        (alignEntry.value & (alignEntry.value - 1)) !== 0
      ) {
        throw new UserError(`${file}: general.alignment must be a u32 power of two`);
      }
      alignment = alignEntry.value;
    }
    const infos: { name: string; dims: number[]; ggmlType: number; offset: number }[] = [];
    for (let i = 0; i < tensorCount; i++) {
      const name = cur.string(`tensor #${i} name`);
      const where = `tensor "${name}"`;
      const nDims = cur.u32(`${where} n_dims`);
      if (nDims > MAX_DIMS)
        throw new UserError(`${file}: ${where}: ${nDims} dimensions (ggml allows at most ${MAX_DIMS})`);
      const dims: number[] = [];
      for (let d = 0; d < nDims; d++)
        dims.push(cur.count(`${where} dimension ${d}`, Number.MAX_SAFE_INTEGER));
      const ggmlType = cur.u32(`${where} type`);
      const offset = cur.count(`${where} offset`, size);
      infos.push({ name, dims, ggmlType, offset });
    }
    const dataStart = alignUp(cur.pos, alignment);
    const tensors: GgufTensor[] = [];
    const names = new Set<string>();
    for (const info of infos) {
      const where = `${file}: tensor "${info.name}"`;
      if (names.has(info.name)) throw new UserError(`${where} appears twice`);
      names.add(info.name);
      const t = GGML_TYPES[info.ggmlType];
      if (!t) throw new UserError(`${where}: unknown ggml type ${info.ggmlType}`);
      const elements = info.dims.reduce((a, b) => a * b, 1);
      if ((info.dims[0] ?? 1) % t.block !== 0) {
        throw new UserError(
          `${where}: row length ${info.dims[0]} is not a multiple of the ${t.name} block size ${t.block}`,
        );
      }
      const byteLength = (elements / t.block) * t.bytes;
      if (info.offset % alignment !== 0) {
        throw new UserError(
          `${where}: data offset ${info.offset} is not a multiple of the alignment ${alignment}`,
        );
      }
      const byteOffset = dataStart + info.offset;
      if (!Number.isSafeInteger(byteLength) || byteOffset + byteLength > size) {
        throw new UserError(
          `${where}: data [${byteOffset}, ${byteOffset + byteLength}) runs past the end of the file (${size} bytes): truncated or corrupt`,
        );
      }
      tensors.push({
        name: info.name,
        dtype: t.name,
        dims: info.dims,
        shape: [...info.dims].reverse(),
        ggmlType: info.ggmlType,
        byteOffset,
        byteLength,
      });
    }
    const sorted = [...tensors].sort((a, b) => a.byteOffset - b.byteOffset);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      const curT = sorted[i]!;
      if (curT.byteOffset < prev.byteOffset + prev.byteLength) {
        throw new UserError(`${file}: tensors "${prev.name}" and "${curT.name}" overlap in the data section`);
      }
    }
    return { file, fileSize: size, version, alignment, dataStart, metadata, tensors };
  } finally {
    closeSync(fd);
  }
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

/** A tensor to write: `shape` is row-major (outermost first), as in safetensors; the writer reverses it. */
export interface GgufTensorSpec {
  name: string;
  /** ggml type name, e.g. "F32", "F16", "BF16" (any known type may be written as raw bytes). */
  dtype: string;
  shape: number[];
}

class Writer {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.byteLength;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  u64(v: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  string(s: string): void {
    const bytes = Buffer.from(s, "utf8");
    this.u64(bytes.byteLength);
    this.push(bytes);
  }
  scalar(type: GgufValueType, v: GgufItem, key: string): void {
    const fail = (): never => {
      throw new Error(`GGUF metadata "${key}": value ${String(v)} does not fit type ${type}`);
    };
    const b8 = Buffer.alloc(8);
    switch (type) {
      case "u8":
      case "i8":
      case "u16":
      case "i16":
      case "u32":
      case "i32":
      case "f32":
      case "f64": {
        if (typeof v !== "number") fail();
        const n = v as number;
        const size = type === "f64" ? 8 : type.endsWith("8") ? 1 : type.endsWith("16") ? 2 : 4;
        if (type === "u8") b8.writeUInt8(n);
        else if (type === "i8") b8.writeInt8(n);
        else if (type === "u16") b8.writeUInt16LE(n);
        else if (type === "i16") b8.writeInt16LE(n);
        else if (type === "u32") b8.writeUInt32LE(n);
        else if (type === "i32") b8.writeInt32LE(n);
        else if (type === "f32") b8.writeFloatLE(n);
        else b8.writeDoubleLE(n);
        this.push(b8.subarray(0, size));
        return;
      }
      case "u64":
      case "i64":
        if (typeof v !== "bigint" && typeof v !== "number") fail();
        if (type === "u64") b8.writeBigUInt64LE(BigInt(v as number | bigint));
        else b8.writeBigInt64LE(BigInt(v as number | bigint));
        this.push(b8);
        return;
      case "bool":
        if (typeof v !== "boolean") fail();
        this.push(Buffer.from([v ? 1 : 0]));
        return;
      case "string":
        if (typeof v !== "string") fail();
        this.string(v as string);
        return;
      case "array":
        throw new Error(`GGUF metadata "${key}": nested arrays are not written`);
    }
  }
  concat(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/**
 * Streams a GGUF v3 file. The header (metadata, tensor infos with final offsets) is written up front;
 * then tensor bytes in spec order through `write` (any chunking), padded to the alignment between tensors.
 */
export class GgufWriter extends SequentialTensorWriter {
  private readonly offsets: number[];
  private readonly dataStart: number;
  readonly alignment: number;

  constructor(
    file: string,
    metadata: ReadonlyMap<string, GgufMetaValue> | Record<string, GgufMetaValue>,
    readonly specs: readonly GgufTensorSpec[],
  ) {
    const entries = metadata instanceof Map ? [...metadata.entries()] : Object.entries(metadata);
    const align = entries.find(([k]) => k === "general.alignment")?.[1];
    const alignment = align?.type === "u32" ? align.value : GGUF_DEFAULT_ALIGNMENT;
    if (alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
      throw new Error(`${file}: general.alignment must be a u32 power of two`);
    }
    const w = new Writer();
    w.u32(GGUF_MAGIC);
    w.u32(3);
    w.u64(specs.length);
    w.u64(entries.length);
    for (const [key, v] of entries) {
      w.string(key);
      w.u32(GGUF_VALUE_TYPES.indexOf(v.type));
      if (v.type === "array") {
        w.u32(GGUF_VALUE_TYPES.indexOf(v.itemType));
        w.u64(v.value.length);
        for (const item of v.value) w.scalar(v.itemType, item, key);
      } else {
        w.scalar(v.type, v.value, key);
      }
    }
    const sizes: number[] = [];
    const offsets: number[] = [];
    let offset = 0;
    const names = new Set<string>();
    for (const spec of specs) {
      if (names.has(spec.name)) throw new Error(`${file}: tensor "${spec.name}" given twice`);
      names.add(spec.name);
      const id = ggmlTypeId(spec.dtype);
      const t = GGML_TYPES[id]!;
      const dims = [...spec.shape].reverse();
      if (dims.length === 0) dims.push(1);
      if (dims.length > MAX_DIMS)
        throw new Error(`${file}: tensor "${spec.name}" has more than ${MAX_DIMS} dimensions`);
      const elements = dims.reduce((a, b) => a * b, 1);
      const bytes = (elements / t.block) * t.bytes;
      if (!Number.isInteger(bytes))
        throw new Error(`${file}: tensor "${spec.name}" is not a whole number of ${t.name} blocks`);
      w.string(spec.name);
      w.u32(dims.length);
      for (const d of dims) w.u64(d);
      w.u32(id);
      w.u64(offset);
      offsets.push(offset);
      sizes.push(bytes);
      offset = alignUp(offset + bytes, alignment);
    }
    const header = w.concat();
    super(
      file,
      specs.map((t) => t.name),
      sizes,
    );
    this.alignment = alignment;
    this.offsets = offsets;
    this.dataStart = alignUp(header.byteLength, alignment);
    writeAll(this.fd, header, 0);
    writeAll(this.fd, Buffer.alloc(this.dataStart - header.byteLength), header.byteLength);
  }

  protected positionOf(index: number, within: number): number {
    return this.dataStart + this.offsets[index]! + within;
  }

  /** Pad the last tensor so the file length is a multiple of the alignment (as llama.cpp's writer does). */
  protected override finish(): void {
    const last = this.specs.length - 1;
    const end = last >= 0 ? this.dataStart + this.offsets[last]! + this.sizes[last]! : this.dataStart;
    const padded = alignUp(end, this.alignment);
    if (padded > end) writeAll(this.fd, Buffer.alloc(padded - end), end);
  }
}
