import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FileThread } from "../../src/gameqa/file-thread.js";
import { tempDir } from "../helpers/cli.js";

test("the file thread writes every file, in batches, before drain() resolves", async () => {
  const dir = tempDir("gameqa-files-");
  mkdirSync(join(dir, "states"));
  const thread = new FileThread(dir);
  for (let i = 0; i < 50; i++)
    thread.write([
      { path: `states/s${i}.json`, data: `{"i":${i}}\n` },
      { path: `b${i}.bin`, data: Buffer.from([i, i + 1]) },
    ]);
  await thread.drain();
  await thread.close();
  for (let i = 0; i < 50; i++) {
    assert.equal(readFileSync(join(dir, "states", `s${i}.json`), "utf8"), `{"i":${i}}\n`);
    assert.deepEqual([...readFileSync(join(dir, `b${i}.bin`))], [i, i + 1]);
  }
});

test("a failed write surfaces from drain() with its code, and close() still returns", async () => {
  const dir = tempDir("gameqa-files-");
  const thread = new FileThread(dir);
  for (let i = 0; i < 40; i++) thread.write([{ path: `missing-folder/f${i}.json`, data: "{}" }]);
  await assert.rejects(thread.drain(), (err: NodeJS.ErrnoException) => err.code === "ENOENT");
  await thread.close();
});
