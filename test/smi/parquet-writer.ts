/**
 * A minimal Parquet writer for tests: one required UTF8 column, PLAIN encoding, no compression, one
 * data page per row group. Written from the Parquet format spec (thrift compact protocol) so the
 * reader under test (hyparquet) is checked against an independent encoder.
 */

class Compact {
  private bytes: number[] = [];
  private lastField: number[] = [0];

  private varint(n: bigint): void {
    let v = n;
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
  private zigzag(n: number | bigint): void {
    const v = BigInt(n);
    this.varint(v >= 0n ? v << 1n : (-v << 1n) - 1n);
  }
  private header(id: number, type: number): void {
    const last = this.lastField[this.lastField.length - 1]!;
    const delta = id - last;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.lastField[this.lastField.length - 1] = id;
  }
  i32(id: number, v: number): this {
    this.header(id, 5);
    this.zigzag(v);
    return this;
  }
  i64(id: number, v: number): this {
    this.header(id, 6);
    this.zigzag(v);
    return this;
  }
  string(id: number, s: string): this {
    this.header(id, 8);
    const b = Buffer.from(s, "utf8");
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
    return this;
  }
  struct(id: number, body: (c: Compact) => void): this {
    this.header(id, 12);
    this.lastField.push(0);
    body(this);
    this.bytes.push(0);
    this.lastField.pop();
    return this;
  }
  list(id: number, elemType: number, items: Array<(c: Compact) => void>): this {
    this.header(id, 9);
    if (items.length < 15) this.bytes.push((items.length << 4) | elemType);
    else {
      this.bytes.push(0xf0 | elemType);
      this.varint(BigInt(items.length));
    }
    for (const item of items) {
      if (elemType === 12) {
        this.lastField.push(0);
        item(this);
        this.bytes.push(0);
        this.lastField.pop();
      } else item(this);
    }
    return this;
  }
  rawI32(v: number): void {
    this.zigzag(v);
  }
  rawString(s: string): void {
    const b = Buffer.from(s, "utf8");
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
  }
  end(): Buffer {
    this.bytes.push(0);
    return Buffer.from(this.bytes);
  }
}

/** A Parquet file with one required UTF8 column `column`, split into row groups of `groupSize` rows. */
export function writeParquet(column: string, values: string[], groupSize: number): Buffer {
  const parts: Buffer[] = [Buffer.from("PAR1")];
  let offset = 4;
  const groups: Array<{ offset: number; size: number; rows: number }> = [];
  for (let start = 0; start < values.length; start += groupSize) {
    const rows = values.slice(start, start + groupSize);
    const data = Buffer.concat(
      rows.map((v) => {
        const b = Buffer.from(v, "utf8");
        const len = Buffer.alloc(4);
        len.writeUInt32LE(b.length);
        return Buffer.concat([len, b]);
      }),
    );
    const header = new Compact()
      .i32(1, 0) // DATA_PAGE
      .i32(2, data.length)
      .i32(3, data.length)
      .struct(5, (c) => {
        c.i32(1, rows.length).i32(2, 0).i32(3, 3).i32(4, 3); // PLAIN values, RLE levels
      })
      .end();
    groups.push({ offset, size: header.length + data.length, rows: rows.length });
    parts.push(header, data);
    offset += header.length + data.length;
  }
  const meta = new Compact()
    .i32(1, 1)
    .list(2, 12, [
      (c) => {
        c.string(4, "schema").i32(5, 1);
      },
      (c) => {
        c.i32(1, 6).i32(3, 0).string(4, column).i32(6, 0); // BYTE_ARRAY, REQUIRED, UTF8
      },
    ])
    .i64(3, values.length)
    .list(
      4,
      12,
      groups.map((g) => (c: Compact) => {
        c.list(1, 12, [
          (cc) => {
            cc.i64(2, g.offset).struct(3, (m) => {
              m.i32(1, 6)
                .list(2, 5, [(x) => x.rawI32(0)])
                .list(3, 8, [(x) => x.rawString(column)])
                .i32(4, 0)
                .i64(5, g.rows)
                .i64(6, g.size)
                .i64(7, g.size)
                .i64(9, g.offset);
            });
          },
        ])
          .i64(2, g.size)
          .i64(3, g.rows);
      }),
    )
    .end();
  const len = Buffer.alloc(4);
  len.writeUInt32LE(meta.length);
  parts.push(meta, len, Buffer.from("PAR1"));
  return Buffer.concat(parts);
}
