/**
 * Property-based tests of option parsing (src/cli-kit/options.ts) and run-id handling: any argument is
 * either accepted with the right value or refused with a message naming the option and the value; run
 * lookups never match by wildcard or by case, and no name joined to a folder leaves it.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { test } from "node:test";
import { InvalidArgumentError } from "commander";
import fc from "fast-check";
import { collectTaskArg, intOption, numberOption, parseIntIn } from "../../src/cli-kit/options.js";
import { RunStore } from "../../src/store/run-store.js";
import { UserError } from "../../src/util/errors.js";
import "./fuzz-helpers.js";
import { checkRunId, newRunId, runIdProblem } from "../../src/util/run-id.js";
import { pathInside } from "../../src/util/safe-path.js";
import { manifest } from "../store/fixtures.js";

const argText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom("1e9", "0x10", " 7 ", "", "-0", "Infinity", "NaN", "1_000", "９", "1e400", "07", "+3"),
);

test("integer and number options: a value in range, or an error naming the option and the value", () => {
  fc.assert(
    fc.property(
      argText,
      fc.integer({ min: -5, max: 5 }),
      fc.integer({ min: 0, max: 1000 }),
      (raw, min, span) => {
        const max = min + span;
        for (const [parse, integer] of [
          [intOption("--concurrency", min, max), true],
          [numberOption("--temperature", min, max), false],
        ] as const) {
          try {
            const v = parse(raw);
            assert.ok(Number.isFinite(v) && v >= min && v <= max, `${raw} gave ${v}`);
            if (integer) assert.ok(Number.isInteger(v));
            assert.equal(v, Number(raw));
          } catch (err) {
            assert.ok(err instanceof InvalidArgumentError, String(err));
            assert.match(err.message, /^--(concurrency|temperature) must be/);
            assert.ok(err.message.includes(`"${raw}"`), err.message);
          }
        }
        try {
          parseIntIn("ASSAY_X", raw, min, max);
        } catch (err) {
          assert.ok(err instanceof UserError && err.message.startsWith("ASSAY_X"), String(err));
        }
      },
    ),
    { numRuns: 500 },
  );
});

test("-T key=value: parsed into the object, or an error quoting the argument", () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 20 }),
      fc.string({ maxLength: 20 }),
      fc.boolean(),
      (key, value, withEq) => {
        const arg = withEq ? `${key}=${value}` : key;
        try {
          const out = collectTaskArg(arg, { keep: 1 });
          assert.equal(out.keep, 1);
          const k = arg.slice(0, arg.indexOf("=")).trim();
          assert.ok(Object.hasOwn(out, k));
        } catch (err) {
          assert.ok(err instanceof InvalidArgumentError, String(err));
          assert.match(err.message, /^-T expects key=value/);
        }
      },
    ),
    { numRuns: 500 },
  );
});

test("run ids: accepted exactly when they fit the documented set; generated ones always fit", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 140 }), (id) => {
      const ok = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/.test(id);
      assert.equal(runIdProblem(id) === undefined, ok, id);
      if (!ok) assert.throws(() => checkRunId(id, "--run-id"), /--run-id/);
      assert.equal(runIdProblem(newRunId(id)), undefined);
    }),
    { numRuns: 1000 },
  );
});

test("run lookup: exact ids always win; a prefix matches only literally, case-sensitively and uniquely", () => {
  const idChar = fc.constantFrom(..."aAbB1_%-.~");
  const runId = fc
    .array(idChar, { minLength: 1, maxLength: 6 })
    .map((cs) => `r${cs.join("")}`)
    .filter((id) => runIdProblem(id) === undefined);
  fc.assert(
    fc.property(
      fc.uniqueArray(runId, { minLength: 1, maxLength: 8 }),
      fc.string({ maxLength: 8 }),
      (ids, query) => {
        const store = new RunStore(":memory:");
        try {
          for (const id of ids) store.createRun({ ...manifest, runId: id });
          for (const id of ids) assert.equal(store.requireRun(id).id, id);
          const starting = ids.filter((id) => id.startsWith(query));
          try {
            const found = store.requireRun(query).id;
            assert.ok(ids.includes(query) ? found === query : starting.length === 1 && found === starting[0]);
          } catch (err) {
            assert.ok(err instanceof UserError, String(err));
            assert.ok(!ids.includes(query) && (starting.length !== 1 || query === ""));
          }
        } finally {
          store.close();
        }
      },
    ),
    { numRuns: 200 },
  );
});

test("pathInside: the result is strictly inside the folder, or a UserError", () => {
  const dir = mkdtempSync(join(tmpdir(), "assay-inside-fuzz-"));
  const segment = fc.oneof(
    fc.constantFrom("..", ".", "", "/", "a", "~", "%2e%2e", "\\.."),
    fc.string({ maxLength: 6 }),
  );
  fc.assert(
    fc.property(fc.array(segment, { maxLength: 6 }), (parts) => {
      const name = parts.join("/");
      try {
        const path = pathInside(dir, name);
        const rel = relative(dir, resolve(path));
        // ".. " or "..a" are ordinary names inside; only a ".." segment leaves the folder.
        assert.ok(rel !== "" && rel.split(sep)[0] !== ".." && !isAbsolute(rel), name);
      } catch (err) {
        assert.ok(err instanceof UserError, String(err));
      }
    }),
    { numRuns: 1000 },
  );
});
