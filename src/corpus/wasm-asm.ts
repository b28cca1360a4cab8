/**
 * A very small WebAssembly assembler: just the i32 instructions, structured control flow and the
 * module sections that the SMI scanner needs. Branch targets are named labels, resolved to depths here,
 * so the scanner's code reads like structured code.
 */

export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function sleb64(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asIntN(64, n);
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const I32 = 0x7f;
const I64 = 0x7e;
const V128 = 0x7b;

/** Emits one function body. Locals are numbered after the parameters. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly labels: string[] = [];
  private localCount = 0;
  private readonly vectorLocals: number[] = [];
  private readonly longLocals: number[] = [];

  constructor(private readonly params: number) {}

  /** Declares an i32 local and returns its index. */
  local(): number {
    if (this.vectorLocals.length > 0 || this.longLocals.length > 0) {
      throw new Error("wasm-asm: declare i32 locals before i64 and v128 ones");
    }
    return this.params + this.localCount++;
  }

  /** Declares an i64 local (after all i32 locals, before v128 ones) and returns its index. */
  longLocal(): number {
    if (this.vectorLocals.length > 0) throw new Error("wasm-asm: declare i64 locals before v128 ones");
    const index = this.params + this.localCount + this.longLocals.length;
    this.longLocals.push(index);
    return index;
  }

  /** Declares a v128 local (after all i32 locals) and returns its index. */
  vectorLocal(): number {
    const index = this.params + this.localCount + this.longLocals.length + this.vectorLocals.length;
    this.vectorLocals.push(index);
    return index;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  get(l: number): this {
    return this.op(0x20, ...uleb(l));
  }
  set(l: number): this {
    return this.op(0x21, ...uleb(l));
  }
  tee(l: number): this {
    return this.op(0x22, ...uleb(l));
  }
  const(n: number): this {
    return this.op(0x41, ...sleb(n));
  }
  /** i32.load with a constant byte offset added to the address on the stack. */
  load(offset = 0): this {
    return this.op(0x28, 2, ...uleb(offset));
  }
  load8(offset = 0): this {
    return this.op(0x2d, 0, ...uleb(offset));
  }
  store(offset = 0): this {
    return this.op(0x36, 2, ...uleb(offset));
  }
  /** i32.load16_u (little-endian: the byte at the address is the low byte). */
  load16(offset = 0): this {
    return this.op(0x2f, 0, ...uleb(offset));
  }
  store8(offset = 0): this {
    return this.op(0x3a, 0, ...uleb(offset));
  }
  xor(): this {
    return this.op(0x73);
  }
  ctz(): this {
    return this.op(0x68);
  }
  gtU(): this {
    return this.op(0x4b);
  }
  leU(): this {
    return this.op(0x4d);
  }
  // SIMD (0xfd prefix; all opcodes used here are below 128, so one byte each).
  v128Load(offset = 0): this {
    return this.op(0xfd, 0x00, 0, ...uleb(offset));
  }
  v128Store(offset = 0): this {
    return this.op(0xfd, 0x0b, 0, ...uleb(offset));
  }
  i8x16Splat(): this {
    return this.op(0xfd, 0x0f);
  }
  i8x16Eq(): this {
    return this.op(0xfd, 0x23);
  }
  v128And(): this {
    return this.op(0xfd, 0x4e);
  }
  v128Or(): this {
    return this.op(0xfd, 0x50);
  }
  i8x16Bitmask(): this {
    return this.op(0xfd, 0x64);
  }
  i8x16Sub(): this {
    return this.op(0xfd, 0x71);
  }
  i8x16LtS(): this {
    return this.op(0xfd, 0x25);
  }
  i8x16LtU(): this {
    return this.op(0xfd, 0x26);
  }
  // i64 (numbers for constants that fit a double exactly, bigint otherwise).
  i64Const(n: number | bigint): this {
    return this.op(0x42, ...sleb64(BigInt(n)));
  }
  i64Load(offset = 0): this {
    return this.op(0x29, 3, ...uleb(offset));
  }
  i64Store(offset = 0): this {
    return this.op(0x37, 3, ...uleb(offset));
  }
  i64Add(): this {
    return this.op(0x7c);
  }
  i64Mul(): this {
    return this.op(0x7e);
  }
  i64And(): this {
    return this.op(0x83);
  }
  i64Or(): this {
    return this.op(0x84);
  }
  i64Xor(): this {
    return this.op(0x85);
  }
  i64ShrU(): this {
    return this.op(0x88);
  }
  i64Sub(): this {
    return this.op(0x7d);
  }
  i64Ctz(): this {
    return this.op(0x7a);
  }
  i64Eqz(): this {
    return this.op(0x50);
  }
  i64Shl(): this {
    return this.op(0x86);
  }
  i64Eq(): this {
    return this.op(0x51);
  }
  /** i32.wrap_i64: the low 32 bits. */
  wrap(): this {
    return this.op(0xa7);
  }
  /** i64.extend_i32_u. */
  extendU(): this {
    return this.op(0xad);
  }
  rotl(): this {
    return this.op(0x77);
  }
  add(): this {
    return this.op(0x6a);
  }
  sub(): this {
    return this.op(0x6b);
  }
  mul(): this {
    return this.op(0x6c);
  }
  and(): this {
    return this.op(0x71);
  }
  or(): this {
    return this.op(0x72);
  }
  shl(): this {
    return this.op(0x74);
  }
  shrU(): this {
    return this.op(0x76);
  }
  eq(): this {
    return this.op(0x46);
  }
  ne(): this {
    return this.op(0x47);
  }
  ltS(): this {
    return this.op(0x48);
  }
  ltU(): this {
    return this.op(0x49);
  }
  geS(): this {
    return this.op(0x4e);
  }
  geU(): this {
    return this.op(0x4f);
  }
  eqz(): this {
    return this.op(0x45);
  }
  select(): this {
    return this.op(0x1b);
  }
  call(f: number): this {
    return this.op(0x10, ...uleb(f));
  }
  block(label: string): this {
    this.labels.push(label);
    return this.op(0x02, 0x40);
  }
  loop(label: string): this {
    this.labels.push(label);
    return this.op(0x03, 0x40);
  }
  /** `if` without a result; its label can be the target of br as well. */
  if(label: string): this {
    this.labels.push(label);
    return this.op(0x04, 0x40);
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    this.labels.pop();
    return this.op(0x0b);
  }
  private depth(label: string): number {
    const i = this.labels.lastIndexOf(label);
    if (i < 0) throw new Error(`wasm-asm: unknown label ${label}`);
    return this.labels.length - 1 - i;
  }
  br(label: string): this {
    return this.op(0x0c, ...uleb(this.depth(label)));
  }
  brIf(label: string): this {
    return this.op(0x0d, ...uleb(this.depth(label)));
  }
  return(): this {
    return this.op(0x0f);
  }

  /** The encoded body: local declarations, code, final `end`. */
  body(): number[] {
    if (this.labels.length !== 0) throw new Error(`wasm-asm: unclosed ${this.labels.join(", ")}`);
    const groups: number[][] = [];
    if (this.localCount > 0) groups.push([...uleb(this.localCount), I32]);
    if (this.longLocals.length > 0) groups.push([...uleb(this.longLocals.length), I64]);
    if (this.vectorLocals.length > 0) groups.push([...uleb(this.vectorLocals.length), V128]);
    const decl = [groups.length, ...groups.flat()];
    const bytes = [...decl, ...this.code, 0x0b];
    return [...uleb(bytes.length), ...bytes];
  }
}

export interface FunctionSpec {
  params: number;
  results: number;
  builder: FunctionBuilder;
  /** Exported under this name when given. */
  export?: string;
}

function section(id: number, bytes: number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}

function name(s: string): number[] {
  const b = [...Buffer.from(s, "utf8")];
  return [...uleb(b.length), ...b];
}

/** A host function the module imports (i32 parameters and results), called by index before the module's own. */
export interface ImportSpec {
  module: string;
  name: string;
  params: number;
  results: number;
}

/**
 * A module with one exported memory ("memory", `pages` × 64 KiB, growable) and functions of i32
 * parameters and results. Imported functions (`imports`) take the first function indices, so the
 * module's own function i is called as imports.length + i.
 */
export function buildModule(
  functions: FunctionSpec[],
  pages: number,
  imports: ImportSpec[] = [],
): Uint8Array {
  const signature = (f: { params: number; results: number }): number[] => [
    0x60,
    ...uleb(f.params),
    ...Array(f.params).fill(I32),
    ...uleb(f.results),
    ...Array(f.results).fill(I32),
  ];
  const types = [...imports.map(signature), ...functions.map(signature)];
  const exports: number[][] = [[...name("memory"), 0x02, 0]];
  functions.forEach((f, i) => {
    if (f.export) exports.push([...name(f.export), 0x00, ...uleb(imports.length + i)]);
  });
  const importEntries = imports.map((im, i) => [...name(im.module), ...name(im.name), 0x00, ...uleb(i)]);
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [...uleb(types.length), ...types.flat()]),
    ...(imports.length > 0 ? section(2, [...uleb(imports.length), ...importEntries.flat()]) : []),
    ...section(3, [...uleb(functions.length), ...functions.flatMap((_, i) => uleb(imports.length + i))]),
    ...section(5, [1, 0x00, ...uleb(pages)]),
    ...section(7, [...uleb(exports.length), ...exports.flat()]),
    ...section(10, [...uleb(functions.length), ...functions.flatMap((f) => f.builder.body())]),
  ];
  return new Uint8Array(bytes);
}
