/** Small corpora for the counting tests, and an independent naive counter (the original's rule, literally). */
import { gzipSync } from "node:zlib";
import type { CountRow, Triple } from "../../src/smi/rows.js";

export const TRIPLES: Triple[] = [
  { idx: 1, subj: "John Cage", rel: "plays", obj: "opera" },
  { idx: 2, subj: "John", rel: "plays", obj: "jazz" },
  { idx: 3, subj: "Herbie Mann", rel: "plays", obj: "jazz" },
  { idx: 4, subj: "Zürich", rel: "capital", obj: "Switzerland" },
  { idx: 5, subj: "Paris", rel: "capital", obj: "France" },
  { idx: 6, subj: "Q", rel: "found", obj: "art" },
  { idx: 7, subj: "São Paulo", rel: "is-locate", obj: "Brazil" },
  { idx: 8, subj: "Emoji 😀 Band", rel: "plays", obj: "rock" },
  { idx: 9, subj: 'The "Quoted" Ones', rel: "plays", obj: "rock" },
  { idx: 10, subj: "Royal Malaysian Navy", rel: "citizen", obj: "Malaysia" },
];

const FRAGMENTS = [
  "John Cage",
  "John",
  "Johnny",
  "opera",
  "operation",
  "jazz",
  "Herbie Mann",
  "Zürich",
  "Switzerland",
  "Paris",
  "France",
  "Q",
  "art",
  "artist",
  "São Paulo",
  "Brazil",
  "Emoji 😀 Band",
  "rock",
  'The "Quoted" Ones',
  "Royal Malaysian Navy",
  "Malaysia",
  "the",
  "of",
  "and",
  "(Paris)",
  "\nParis",
  "\tjazz",
  "é",
  "\\",
];

/** Deterministic pseudo-random documents mixing names, near-misses, separators and escapes. */
export function makeDocuments(count: number, seed = 7): string[] {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const seps = [" ", " ", " ", "", "\n", ", ", "  "];
  const docs: string[] = [];
  for (let d = 0; d < count; d++) {
    const n = 1 + Math.floor(rnd() * 25);
    let text = "";
    for (let k = 0; k < n; k++) {
      text += seps[Math.floor(rnd() * seps.length)]! + FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)]!;
    }
    docs.push(text);
  }
  return docs;
}

/** JSONL lines; every third line escapes all non-ASCII (like Python's ensure_ascii), fields in varying order. */
export function toJsonl(docs: string[]): string {
  return docs
    .map((text, i) => {
      let json = JSON.stringify(text);
      if (i % 3 === 0)
        json = json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
      if (i % 4 === 1) json = json.replace(/ /g, "\\u0020");
      return i % 2 === 0
        ? `{"text": ${json}, "meta": {"pile_set_name": "Pile-CC", "n": [1, {"x": "}"}]}}`
        : `{"id":${i},"meta":{"text":"not this one"},"text":${json}}`;
    })
    .join("\n");
}

/** The original's rule, literally: `' ' + name in text` per triple per document. */
export function naiveCounts(triples: Triple[], docs: string[]): CountRow[] {
  return triples.map((t) => {
    let subj = 0;
    let obj = 0;
    let both = 0;
    for (const text of docs) {
      const s = text.includes(` ${t.subj}`);
      const o = text.includes(` ${t.obj}`);
      if (s) subj++;
      if (o) obj++;
      if (s && o) both++;
    }
    const n = docs.length;
    return {
      ...t,
      time_seqs: n,
      time_subj: subj,
      time_obj: obj,
      time_s1j1: both,
      time_s1j0: subj - both,
      time_s0j1: obj - both,
      time_s0j0: n - subj - obj + both,
    };
  });
}

export function gzip(text: string): Buffer {
  return gzipSync(Buffer.from(text, "utf8"));
}

/** A valid zstd frame made of raw (stored) blocks: enough to test the streaming decoder without a compressor. */
export function zstdStored(text: string): Buffer {
  const data = Buffer.from(text, "utf8");
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])]; // magic, descriptor, window 128 KiB
  const block = 1 << 16;
  for (let off = 0; off < data.length || off === 0; off += block) {
    const chunk = data.subarray(off, Math.min(data.length, off + block));
    const last = off + block >= data.length ? 1 : 0;
    const header = (chunk.length << 3) | last; // block type 0 = raw
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), chunk);
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}
