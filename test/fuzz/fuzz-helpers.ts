/** Shared by the property-based tests: the poison corpus, temp files and the "clear error or result" check. */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { UserError } from "../../src/util/errors.js";
import { repoRoot } from "../helpers/shared.js";

/**
 * A fixed seed by default, so CI is reproducible; ASSAY_FUZZ_SEED=random (or a number) explores further.
 * A failure prints its seed and path: rerun with that seed to reproduce it.
 */
const seedText = process.env.ASSAY_FUZZ_SEED;
if (seedText !== "random") fc.configureGlobal({ seed: seedText ? Number(seedText) : 20261205 });

export const POISON_DIR = join(repoRoot, "test", "fixtures", "poison");

/** Poison files whose name ends with one of `exts`. */
export function poisonFiles(...exts: string[]): string[] {
  return readdirSync(POISON_DIR)
    .filter((f) => exts.some((e) => f.endsWith(e)))
    .map((f) => join(POISON_DIR, f));
}

const dir = mkdtempSync(join(tmpdir(), "assay-fuzz-"));
let n = 0;

/** Writes `content` to a fresh temp file named `<k>.<ext>`. */
export function tempFile(ext: string, content: string | Uint8Array): string {
  const path = join(dir, `${n++}.${ext}`);
  writeFileSync(path, content);
  return path;
}

/**
 * Runs `fn`; it must either return (the result goes to `check`) or throw a UserError whose message
 * names `place` — never another error (a bug: "internal error") and never take longer than `maxMs`.
 */
export async function clearErrorOrResult<T>(
  place: string,
  fn: () => T | Promise<T>,
  check: (result: T) => void = () => {},
  maxMs = 10_000,
): Promise<void> {
  const started = performance.now();
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    assert.ok(
      err instanceof UserError,
      `not a UserError for ${place}: ${(err as Error)?.stack ?? String(err)}`,
    );
    assert.ok(err.message.includes(place), `the error does not name ${place}: ${err.message}`);
    assert.ok(!err.message.includes("\n    at "), `stack trace in the message: ${err.message}`);
    return;
  } finally {
    const ms = performance.now() - started;
    assert.ok(ms < maxMs, `${place} took ${ms.toFixed(0)} ms`);
  }
  check(result);
}
