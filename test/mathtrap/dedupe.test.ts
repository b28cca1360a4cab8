import assert from "node:assert/strict";
import { test } from "node:test";
import { dedupeProblems } from "../../src/mathtrap/data.js";
import { loadItems, optionsFromArgs, repeatsNote } from "../../src/mathtrap/task.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";

test("dedupeProblems keeps the first of problems that differ only in whitespace", () => {
  const items = [
    { id: "a", question: "What is 1 + 1?" },
    { id: "b", question: "What is  1 + 1?\n" },
    { id: "c", question: "What is 2 + 2?" },
    { id: "d", question: "What is 1 + 1?" },
  ];
  const { kept, repeats } = dedupeProblems(items);
  assert.deepEqual(
    kept.map((k) => k.id),
    ["a", "c"],
  );
  assert.deepEqual(repeats, [
    { id: "b", sameAs: "a" },
    { id: "d", sameAs: "a" },
  ]);
  assert.match(repeatsNote(repeats, true), /2 repeated original problem\(s\) counted once.*b = a, d = a/);
  assert.equal(repeatsNote([], true), "");
});

test("-T originals=files counts the files' repeated problems once by default, as listed with dedupe=false", (t) => {
  const dir = sharedPath("data", "mathtrap");
  if (!dir) return t.skip(SHARED_MISSING);
  const base = { dataset: dir, kinds: "original", originals: "files" };
  const deduped = loadItems(optionsFromArgs(base));
  const listed = loadItems(optionsFromArgs({ ...base, dedupe: false }));
  // GSM8K-ori.jsonl has 24 rows and MATH-ori.jsonl 96; 9 rows repeat an earlier problem.
  assert.equal(listed.items.length, 120);
  assert.equal(deduped.repeats.length, 9);
  assert.equal(deduped.items.length, 111);
  assert.equal(new Set(deduped.items.map((i) => i.question.replace(/\s+/g, " ").trim())).size, 111);
});
