import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { listGames, loadGames } from "../../src/gameqa/registry.js";
import { repoRoot } from "../helpers/shared.js";

/** docs/gameqa.md's "Games at a glance" table lists every registered game as it is. */
test("the games table of docs/gameqa.md matches the registered games", async () => {
  await loadGames();
  const doc = readFileSync(join(repoRoot, "docs", "gameqa.md"), "utf8");
  const rows = new Map<string, string[]>();
  for (const m of doc.matchAll(/^\| `([^`]+)` \|(.*)\|\s*$/gm)) {
    rows.set(
      m[1] as string,
      (m[2] as string).split("|").map((c) => c.trim()),
    );
  }
  for (const g of listGames()) {
    const row = rows.get(g.name);
    assert.ok(row, `docs/gameqa.md has no row for ${g.name}`);
    const [, category, domain, tasks] = row;
    assert.equal(category, g.category, `${g.name}: category`);
    assert.equal(domain, g.domain, `${g.name}: domain`);
    assert.equal(Number(tasks), g.tasks.length, `${g.name}: number of tasks`);
  }
});
