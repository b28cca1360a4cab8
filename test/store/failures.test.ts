/**
 * The store when writing fails (a full disk, a result that cannot be serialised), when it is not a run
 * database, when a newer Assay wrote it, and one runner per run (the lease).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { RunStore, type SampleResult, type StoreWriteError } from "../../src/store/run-store.js";
import { SCHEMA_VERSION } from "../../src/store/schema.js";
import { UserError } from "../../src/util/errors.js";
import { tempDir } from "../helpers/cli.js";
import { repoRoot } from "../helpers/shared.js";
import { manifest, result } from "./fixtures.js";

/** A store whose commits fail like SQLite on a full disk once `full` is set (a test seam, no root needed). */
export class FullDiskStore extends RunStore {
  full = false;
  protected override writeBatch(results: SampleResult[], cache: Map<string, string>): void {
    if (this.full) throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    super.writeBatch(results, cache);
  }
}

/** An object nested `depth` levels deep, built without recursion. */
export function deepObject(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe("store write failures", () => {
  test("a full disk in the flush timer is reported, not thrown from the timer", async () => {
    const path = join(tempDir(), "full.db");
    const store = new FullDiskStore(path);
    store.createRun(manifest);
    const seen: StoreWriteError[] = [];
    store.onWriteFailure = (err) => seen.push(err);
    store.full = true;
    store.addResult("r", result("a"));
    await sleep(store.flushIntervalMs * 4);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.message, `disk full: ${path}`);
    assert.equal(seen[0]!.fatal, true);
    assert.throws(() => store.addResult("r", result("b")), /disk full/, "later results are refused");
    store.full = false;
    store.close();
  });

  test("without a listener, a failure in the flush timer is thrown by the next flush", async () => {
    const path = join(tempDir(), "unheard.db");
    const store = new FullDiskStore(path);
    store.createRun(manifest);
    store.full = true;
    store.addResult("r", result("a"));
    await sleep(store.flushIntervalMs * 4);
    assert.throws(() => store.flush(), /disk full/);
    store.flush();
    store.close();
  });

  test("one result that cannot be serialised does not take its batch with it", async () => {
    const store = new RunStore(join(tempDir(), "poison.db"));
    store.createRun(manifest);
    const seen: StoreWriteError[] = [];
    store.onWriteFailure = (err) => seen.push(err);
    store.addResult("r", result("a"));
    store.addResult("r", result("poison", { metadata: deepObject(1_000_000) }));
    store.addResult("r", result("c"));
    await sleep(store.flushIntervalMs * 4);
    assert.equal(seen.length, 1);
    assert.match(seen[0]!.message, /cannot store results in .*poison\.db: a result is too deeply nested/);
    assert.deepEqual(
      [...store.iterateSamples("r")].map((s) => s.sampleId).sort(),
      ["a", "c"],
      "the rest of the batch is written; the poison one is left missing (for resume)",
    );
    store.close();
  });
});

describe("opening a database", () => {
  test("a file that is not a database is a usage error naming it", () => {
    const path = join(tempDir(), "notes.db");
    writeFileSync(path, "these are my notes, not a database\n".repeat(50));
    assert.throws(
      () => new RunStore(path),
      (err: unknown) =>
        err instanceof UserError && err.message.startsWith(`${path} is not an Assay run database`),
    );
  });

  test("a database of a newer schema version is refused, naming both versions", () => {
    const path = join(tempDir(), "newer.db");
    const store = new RunStore(path);
    store.db
      .prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'")
      .run(String(SCHEMA_VERSION + 1));
    store.close();
    for (const readonly of [false, true])
      assert.throws(
        () => new RunStore(path, { readonly }),
        (err: unknown) =>
          err instanceof UserError &&
          err.message.includes(`schema version ${SCHEMA_VERSION + 1}`) &&
          err.message.includes(`this Assay's ${SCHEMA_VERSION}`),
      );
  });
});

describe("one runner per run", () => {
  test("a second lease on a running run is refused until the first is released", () => {
    const path = join(tempDir(), "lease.db");
    const a = new RunStore(path);
    const b = new RunStore(path);
    const lease = a.acquireLease("r");
    assert.throws(() => b.acquireLease("r"), /run r is already being run by process \d+/);
    b.acquireLease("other").release();
    lease.release();
    b.acquireLease("r").release();
    a.close();
    b.close();
  });

  test("a lease whose holder stopped beating expires after its time to live", async () => {
    const path = join(tempDir(), "ttl.db");
    const store = new RunStore(path);
    // A holder on another machine (so its pid cannot be checked) whose last heartbeat was 1 s ago.
    store.db
      .prepare("INSERT INTO run_leases VALUES ('r', 'someone', 1, 'elsewhere', '2026-01-01', ?)")
      .run(Date.now() + 300);
    assert.throws(() => store.acquireLease("r"), /process 1 on elsewhere/);
    await sleep(400);
    store.acquireLease("r").release();
    store.close();
  });

  test("a lease held by a process killed with kill -9 is free at once", async () => {
    const path = join(tempDir(), "killed.db");
    const storeUrl = pathToFileURL(join(repoRoot, "dist", "src", "store", "run-store.js")).href;
    const child = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { RunStore } = await import(${JSON.stringify(storeUrl)});
         const s = new RunStore(${JSON.stringify(path)});
         s.acquireLease("r");
         console.log("held");
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
    const store = new RunStore(path);
    assert.throws(() => store.acquireLease("r"), /already being run/);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    store.acquireLease("r").release();
    store.close();
  });
});
