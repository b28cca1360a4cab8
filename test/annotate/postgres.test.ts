/**
 * Annotations on a PostgreSQL run store: the ratings and annotator tables live beside the runs there as
 * they do in SQLite, and import, export, agreement and annotator links give the same results on both.
 * Against a throwaway cluster (test/helpers/postgres.ts); skipped with the reason without PostgreSQL.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { tempDir } from "../helpers/cli.js";
import { SKIP_POSTGRES, startPostgres } from "../helpers/postgres.js";
import { ALICE, BOB, QUESTIONS, writeFixtureRun } from "./fixture.js";
import { cli } from "./helpers.js";

const cluster = await startPostgres();
after(() => cluster?.stop());

/** Export rows without the time each was written. */
const rowsOf = (jsonl: string) =>
  jsonl
    .trim()
    .split("\n")
    .map((l) => {
      const { updated_at: _t, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return rest;
    });

describe("annotations on PostgreSQL", { skip: cluster ? false : SKIP_POSTGRES }, () => {
  test("import, export, agreement and annotator links work as on SQLite", async () => {
    const dir = tempDir("assay-annotate-pg-");
    const sqlite = join(dir, "assay.db");
    const pg = cluster!.freshUrl();
    await writeFixtureRun(sqlite);
    await writeFixtureRun(pg);
    const csv = ["item_id,annotator,score"];
    for (const [i, q] of QUESTIONS.entries()) csv.push(`${q.id},alice,${ALICE[i]}`, `${q.id},bob,${BOB[i]}`);
    writeFileSync(join(dir, "ratings.csv"), `${csv.join("\n")}\n`);

    const results = [];
    for (const db of [sqlite, pg]) {
      const imp = await cli(["annotate", "import", join(dir, "ratings.csv"), "--run", "med-run", "--db", db]);
      assert.equal(imp.code, 0, imp.stderr);
      // Importing again replaces the same (item, annotator) rows instead of adding.
      assert.equal(
        (await cli(["annotate", "import", join(dir, "ratings.csv"), "--run", "med-run", "--db", db])).code,
        0,
      );
      const exp = await cli(["annotate", "export", "--run", "med-run", "--db", db, "--format", "jsonl"]);
      const agree = await cli(["agreement", "--run", "med-run", "--db", db, "--json", "--rounds", "50"]);
      assert.equal(agree.code, 0, agree.stderr);
      const link = await cli(["annotate", "add-annotator", "carol", "--db", db, "--json"]);
      assert.equal(link.code, 0, link.stderr);
      const twice = await cli(["annotate", "add-annotator", "carol", "--db", db]);
      assert.equal(twice.code, 2);
      assert.match(twice.stderr, /annotator "carol" already exists; use --rotate/);
      assert.equal((await cli(["annotate", "add-annotator", "carol", "--rotate", "--db", db])).code, 0);
      const names = await cli(["annotate", "annotators", "--db", db, "--json"]);
      results.push({
        rows: rowsOf(exp.stdout),
        agreement: JSON.parse(agree.stdout).report,
        annotators: (JSON.parse(names.stdout) as Array<{ name: string }>).map((a) => a.name),
      });
    }
    const [a, b] = results;
    assert.equal(a!.rows.length, 2 * QUESTIONS.length);
    assert.deepEqual(b!.rows, a!.rows);
    assert.deepEqual(b!.agreement, a!.agreement);
    assert.deepEqual(b!.annotators, ["carol"]);
  });
});
