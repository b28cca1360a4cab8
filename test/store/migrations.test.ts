/** SQLite schema versions: a version-1 file (every store before versions were counted) is migrated in place. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import Database from "better-sqlite3";
import { RunStore } from "../../src/store/run-store.js";
import { SCHEMA_SQL, SCHEMA_VERSION, SQLITE_MIGRATIONS } from "../../src/store/schema.js";
import { tempDir } from "../helpers/cli.js";
import { manifest, result } from "./fixtures.js";

describe("SQLite schema migrations", () => {
  test("migrations are numbered 1, 2, … and the last is the version this Assay writes", () => {
    assert.deepEqual(
      SQLITE_MIGRATIONS.map((m) => m.version),
      SQLITE_MIGRATIONS.map((_, i) => i + 1),
    );
    assert.equal(SCHEMA_VERSION, SQLITE_MIGRATIONS.length);
  });

  test("a version-1 file keeps its runs and gains the unit-claims table", () => {
    const path = join(tempDir(), "v1.db");
    const old = new Database(path);
    old.exec(SCHEMA_SQL);
    old.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '1')").run();
    old.close();
    const v1 = new RunStore(path);
    v1.createRun(manifest);
    v1.addResult("r", result("a"));
    v1.close();
    // Back to version 1 without the new table, as an older Assay would have left it.
    const back = new Database(path);
    back.exec("DROP TABLE unit_claims; UPDATE meta SET value = '1' WHERE key = 'schema_version'");
    back.close();
    const store = new RunStore(path);
    assert.equal(store.countSamples("r").total, 1);
    assert.equal(
      store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get(),
      String(SCHEMA_VERSION),
    );
    assert.deepEqual(
      store.claimUnits("r", [
        { sampleId: "a", epoch: 1 },
        { sampleId: "b", epoch: 1 },
      ]),
      [{ sampleId: "b", epoch: 1 }],
    );
    store.close();
  });

  test("a file without any schema version (a new file) gets every migration", () => {
    const store = new RunStore(join(tempDir(), "new.db"));
    const tables = store.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    assert.ok(tables.includes("unit_claims") && tables.includes("samples"), String(tables));
    store.close();
  });
});
