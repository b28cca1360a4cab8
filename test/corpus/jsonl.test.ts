/**
 * The JSONL field scanner (jsonl.ts) against JSON.parse: random objects with keys and values full of
 * quotes and backslashes, short and long (the string-end search switches method at 48 bytes).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  FIELD_MISSING,
  FIELD_OTHER,
  FIELD_STRING,
  LineError,
  scanFields,
  stringEnd,
} from "../../src/corpus/jsonl.js";

function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

describe("JSONL field scanner", () => {
  test("stringEnd finds the closing quote JSON.stringify wrote, for strings of any length", () => {
    const rnd = random(3);
    const chars = ['"', "\\", "a", " ", "é", "\n", "/"];
    for (let n = 0; n < 3000; n++) {
      const len = rnd(n % 5 === 0 ? 200 : 60);
      const value = Array.from({ length: len }, () => chars[rnd(chars.length)]!).join("");
      const json = Buffer.from(`${JSON.stringify(value)},"x":1}`, "utf8");
      const close = stringEnd(json, 1, json.length);
      assert.equal(close, Buffer.byteLength(JSON.stringify(value)) - 1, JSON.stringify(value));
      assert.equal(JSON.parse(json.toString("utf8", 0, close + 1)), value);
    }
  });

  test("an unterminated string is a LineError, also when it ends in a backslash", () => {
    for (const text of ['"abc', '"ab\\"', '"ab\\', `"${"a".repeat(60)}\\"`]) {
      const buf = Buffer.from(text);
      assert.throws(() => stringEnd(buf, 1, buf.length), LineError, text);
    }
  });

  test("scanFields gives the ranges of the fields JSON.parse sees (last key wins)", () => {
    const rnd = random(11);
    const keys = [Buffer.from("text"), Buffer.from("content")];
    const out = new Int32Array(6);
    const pieces = ['"', "\\", "q", "text", " "];
    const str = (): string => Array.from({ length: rnd(70) }, () => pieces[rnd(pieces.length)]!).join("");
    for (let n = 0; n < 2000; n++) {
      const entries: [string, unknown][] = [];
      for (let k = rnd(5); k >= 0; k--) {
        const key = ["text", "content", "meta", str()][rnd(4)]!;
        const value = [str(), 7, null, { a: str() }, [str()]][rnd(5)];
        entries.push([key, value]);
      }
      const line = `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ")}}`;
      const buf = Buffer.from(line, "utf8");
      scanFields(buf, 0, buf.length, keys, out);
      const parsed = JSON.parse(line) as Record<string, unknown>;
      keys.forEach((key, k) => {
        const want = Object.hasOwn(parsed, key.toString()) ? parsed[key.toString()] : undefined;
        if (want === undefined) assert.equal(out[3 * k], FIELD_MISSING, line);
        else if (typeof want === "string") {
          assert.equal(out[3 * k], FIELD_STRING, line);
          assert.equal(JSON.parse(`"${buf.toString("utf8", out[3 * k + 1]!, out[3 * k + 2]!)}"`), want, line);
        } else {
          assert.equal(out[3 * k], FIELD_OTHER, line);
          assert.deepEqual(JSON.parse(buf.toString("utf8", out[3 * k + 1]!, out[3 * k + 2]!)), want, line);
        }
      });
    }
  });
});
