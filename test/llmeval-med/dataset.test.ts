import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  describeMissing,
  loadDatasetFile,
  missingTotal,
  parseDataset,
} from "../../src/llmeval-med/dataset.js";
import { UserError } from "../../src/util/errors.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";

describe("the real release (../shared)", () => {
  test("667 questions, 571 conversations, NaN fields counted as missing", async (t) => {
    const p = sharedPath("data", "llmeval-med", "dataset.json");
    if (!p) {
      t.skip(SHARED_MISSING);
      return;
    }
    const ds = await loadDatasetFile(p);
    // Counts from the research notes.
    assert.equal(ds.items.length, 667);
    const perCode = (code: string) => ds.items.filter((i) => i.info.code === code).length;
    assert.deepEqual(["MK", "MLU", "MR", "MSE", "MTG"].map(perCode), [141, 213, 102, 109, 102]);
    assert.equal(ds.conversations.length, 571);
    assert.equal(ds.conversations.filter((c) => c.turns.length > 1).length, 74);
    assert.equal(ds.items.filter((i) => i.round > 1).length, 96);
    assert.equal(Math.max(...ds.conversations.map((c) => c.turns.length)), 5);
    // 275 NaN literals: 173 MLU checklists, 102 MTG sanswer/checklist values.
    assert.equal(ds.missing.checklist?.医疗语言理解, 173);
    assert.equal((ds.missing.checklist?.医疗文本生成 ?? 0) + (ds.missing.sanswer?.医疗文本生成 ?? 0), 102);
    // difficulty is absent in MR and MTG.
    assert.equal(missingTotal(ds, "difficulty"), 204);
    assert.match(describeMissing(ds), /difficulty 204 \(MR 102, MTG 102\)/);
    // The top-level key is the category even where category1 differs (MLU: 一般语言理解).
    const mlu = ds.items.find((i) => i.info.code === "MLU");
    assert.equal(mlu?.category, "医疗语言理解");
    assert.equal(mlu?.category1, "一般语言理解");
  });
});

function item(extra: Record<string, unknown>): Record<string, unknown> {
  return { category2: "c2", round: 1, problem: "p", groupCode: 1, sanswer: "s", ...extra };
}

function load(data: Record<string, unknown[]>): ReturnType<typeof parseDataset> {
  return parseDataset(JSON.stringify(data), "test.json");
}

function throwsNaming(fn: () => unknown, ...parts: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, String(e));
    for (const p of parts) assert.match(e.message, p);
    return true;
  });
}

describe("parseDataset", () => {
  test("conversations are (category, groupCode) with turns in round order", () => {
    const ds = load({
      医疗知识: [
        item({ groupCode: 7, round: 2, problem: "second" }),
        item({ groupCode: 7, round: 1, problem: "first" }),
      ],
      医疗推理: [item({ groupCode: 7, round: 1, problem: "other category" })],
    });
    assert.equal(ds.conversations.length, 2);
    assert.deepEqual(
      ds.conversations[0]?.turns.map((t) => t.problem),
      ["first", "second"],
    );
    assert.equal(ds.conversations[0]?.id, "MK-7");
    assert.equal(ds.conversations[1]?.id, "MR-7");
  });

  test("NaN, null, absent and blank values are missing and counted", () => {
    const text =
      '{"医疗文本生成": [{"round": 1, "problem": "p", "groupCode": 1, "sanswer": NaN, "checklist": "  "}, {"round": 1, "problem": "q", "groupCode": 2, "sanswer": null}]}';
    const ds = parseDataset(text, "t.json");
    assert.equal(ds.items[0]?.sanswer, undefined);
    assert.equal(ds.items[0]?.checklist, undefined);
    assert.equal(missingTotal(ds, "sanswer"), 2);
    assert.equal(missingTotal(ds, "checklist"), 2);
    assert.equal(missingTotal(ds, "difficulty"), 2);
  });

  test("a number where text is expected reads as its text (one MLU answer is 131)", () => {
    assert.equal(load({ 医疗语言理解: [item({ sanswer: 131 })] }).items[0]?.sanswer, "131");
  });

  test("malformed items name category, index and field", () => {
    throwsNaming(
      () => load({ 医疗知识: [item({}), item({ problem: undefined })] }),
      /"医疗知识"/,
      /item 1/,
      /"problem"/,
    );
    throwsNaming(() => load({ 医疗推理: [item({ round: 0 })] }), /"医疗推理"/, /item 0/, /"round"/);
    throwsNaming(() => load({ 医疗推理: [item({ round: "two" })] }), /item 0/, /"round"/);
    throwsNaming(() => load({ 医疗推理: [item({ groupCode: 1.5 })] }), /item 0/, /"groupCode"/);
    throwsNaming(() => load({ 医疗推理: [item({ checklist: ["a"] })] }), /item 0/, /"checklist"/);
    throwsNaming(() => load({ 医疗推理: ["not an object"] }), /item 0/, /expected an object/);
    throwsNaming(() => load({ Unknown: [] }), /unknown category "Unknown"/);
    throwsNaming(() => parseDataset('{\n  "医疗知识": [\n    {bad}\n  ]\n}', "x.json"), /x\.json/, /line 3/);
  });

  test("gaps and repeats in a conversation's rounds are errors naming the item", () => {
    throwsNaming(
      () => load({ 医疗知识: [item({ groupCode: 3, round: 1 }), item({ groupCode: 3, round: 3 })] }),
      /item 1/,
      /"round"/,
      /round 2 is absent/,
    );
    throwsNaming(
      () => load({ 医疗知识: [item({ groupCode: 3, round: 1 }), item({ groupCode: 3, round: 1 })] }),
      /item 1/,
      /repeats round 1/,
    );
  });

  test("categories may be named by code or English name", () => {
    const ds = load({ MK: [item({})], "Medical Reasoning": [item({})] });
    assert.deepEqual(
      ds.items.map((i) => i.info.code),
      ["MK", "MR"],
    );
  });
});
