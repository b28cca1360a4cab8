import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

test("a group-by field that no sample has is refused before the run is created; a nested one is found", async () => {
  const dir = tempDir();
  const data = join(dir, "qa.jsonl");
  const rows = [
    { id: "a", input: "1", target: "x", topic: "geo", meta: { level: "easy" } },
    { id: "b", input: "2", target: "x", topic: "math" },
  ];
  writeFileSync(data, rows.map((r) => JSON.stringify(r)).join("\n"));
  const server = await startMockServer({ reply: () => "x" });
  const db = join(dir, "runs.db");
  const run = (groupBy: string, ...more: string[]) =>
    runCli(
      ...["eval", "qa", "--dataset", data, "-T", `group_by=${groupBy}`, "--model", "openai/m"],
      ...["--model-base-url", server.url, "--db", db, ...more],
    );
  try {
    const typo = await run("topc");
    assert.equal(typo.code, 2);
    assert.match(
      typo.stderr,
      /group-by field "topc": no sample of .*qa\.jsonl has it \(.*fields: topic, meta\)/,
    );
    assert.match((await runCli("runs", "--db", db)).stdout, /no runs/);
    // A stratified subset is checked the same way.
    const sampled = await run("topc", "--sample", "1", "--seed", "1");
    assert.equal(sampled.code, 2);
    assert.match(sampled.stderr, /group-by field "topc"/);
    const nested = await run("topic|meta.level");
    assert.equal(nested.code, 0, nested.stderr);
    assert.match(nested.stdout, /^easy +1 /m);
    assert.match(nested.stdout, /^\(none\) +1 /m);
  } finally {
    await server.close();
  }
});
