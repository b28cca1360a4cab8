/**
 * The viewer's comparison of large runs: the first answer comes at once (`pending`), a worker thread
 * computes the comparison, and a later answer has exactly the interval a direct comparison gives.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { compareRuns } from "../../src/compare/runs.js";
import { RunStore } from "../../src/store/run-store.js";
import { compare } from "../../src/view/api.js";
import { writeViewerFixture } from "./fixture.js";

const dir = mkdtempSync(join(tmpdir(), "assay-view-pending-"));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Answer {
  pending: boolean;
  scorers?: Array<{ diff: { lower: number; upper: number } }>;
}

test("a large comparison answers at once and fills in its interval from a worker", async () => {
  const db = join(dir, "view.db");
  writeViewerFixture(db);
  const store = new RunStore(db, { readonly: true });
  try {
    const q = new URLSearchParams("a=qa-base&b=qa-new");
    // A limit of 5 shared samples makes this 12-sample pair "large".
    const first = compare(store, q, 5) as Answer;
    assert.equal(first.pending, true);
    assert.equal(first.scorers, undefined, "the first answer only names the runs");
    let later = first;
    for (let i = 0; i < 200 && later.pending; i++) {
      await sleep(25);
      later = compare(store, q, 5) as Answer;
    }
    assert.equal(later.pending, false);
    const direct = compareRuns(store, store.requireRun("qa-base"), store.requireRun("qa-new"), { seed: 0 });
    assert.deepEqual(later.scorers?.[0]?.diff, direct.scorers[0]!.diff);
  } finally {
    store.close();
  }
});
