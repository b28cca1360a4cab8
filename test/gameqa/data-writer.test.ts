import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { DataWriter } from "../../src/gameqa/data-writer.js";
import type { GameQASample } from "../../src/gameqa/types.js";

const tmp = mkdtempSync(join(tmpdir(), "gameqa-data-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const sample = (i: number, image = `images/b${i}.png`): GameQASample => ({
  data_id: `g-${i}`,
  qa_type: "Target Perception",
  question_id: i,
  question_description: "d",
  image,
  state: `states/b${i}.json`,
  plot_level: "Easy",
  qa_level: "Hard",
  question: `Q "${i}"\nline two`,
  answer: i % 2 ? i : `A${i}`,
  analysis: "why",
  ...(i % 3 === 0 ? { options: ["x", 2, [1, 2]] } : {}),
});

test("boards added out of order are written in order, byte-equal to stringifying the whole array", () => {
  const boards = [[sample(0), sample(1, "images/b0.png")], [], [sample(2)], [sample(3), sample(4)]];
  const all = boards.flat();
  for (const format of ["json", "jsonl"] as const) {
    const path = join(tmp, `data.${format}`);
    const w = new DataWriter(path, format);
    for (const i of [2, 0, 3, 1]) w.add(i, boards[i] as GameQASample[]);
    assert.deepEqual(w.close(), { samples: 5, images: 4 });
    const want =
      format === "json"
        ? `${JSON.stringify(all, null, 2)}\n`
        : all.map((s) => `${JSON.stringify(s)}\n`).join("");
    assert.equal(readFileSync(path, "utf8"), want);
  }
  const empty = join(tmp, "empty.json");
  const w = new DataWriter(empty, "json");
  w.add(0, []);
  w.close();
  assert.equal(readFileSync(empty, "utf8"), `${JSON.stringify([], null, 2)}\n`);
});

test("a missing board is an error, not a silently short file", () => {
  const w = new DataWriter(join(tmp, "gap.json"), "json");
  w.add(1, [sample(1)]);
  assert.throws(() => w.close(), /board 0 never arrived/);
  w.abandon();
});
