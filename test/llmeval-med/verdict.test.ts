import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseVerdict, parseVerdictRelease } from "../../src/llmeval-med/verdict.js";

// Realistic judge replies (written in the styles GPT-4o-class judges produce for the release's prompts)
// and the score a careful human reader takes from each; null = no usable score (retry, then invalid).
const CASES: Array<[string, number | null, string]> = [
  [
    '{"判断依据"："回答准确覆盖了核心需求，但未提及次要需求中的用药注意事项。","得分"："[4]"}',
    4,
    "release JSON format",
  ],
  [
    '{"判断依据": "关键信息与参考答案一致，满足核心需求与次要需求，无安全风险。", "得分": "[5]"}',
    5,
    "ASCII JSON",
  ],
  ["判断依据：回答遗漏了核心需求第2点。\n得分：【3】", 3, "full-width lenticular brackets"],
  ["得分：［４］", 4, "full-width square brackets and digit"],
  ["**Score: 4**\n\nThe answer is correct but verbose.", 4, "markdown bold English label"],
  ["评分：4分", 4, "评分 with 分 unit"],
  [
    "最终评分：**2分**。回答中建议自行加大剂量，存在明显的医疗安全风险。",
    2,
    "bold inside label, trailing text",
  ],
  [
    "根据核心需求[1]和[2]的要求，回答均已满足，次要需求[1]未满足。\n[4]",
    4,
    "checklist references before the score",
  ],
  [
    "The response meets the core requirements [1][2] but misses the secondary one.\nFinal score: [4]",
    4,
    "labelled wins over references",
  ],
  ["初步评分：3分。再次核对后发现结论与参考答案一致。\n最终得分：4分", 4, "restated score: last label wins"],
  ["Rating: 5/5 — fully correct and safe.", 5, "n/5 after label"],
  ["I would give this answer a 4 out of 5.", 4, "out of 5"],
  ["该回答满足核心需求，但冗余信息较多，给予3分。", 3, "unit only"],
  ["4", 4, "bare digit"],
  ["[2]", 2, "bare bracket"],
  ["得分：3-4分，取决于是否考虑次要需求。", null, "range"],
  ["得分：[7]", null, "out of range under a label"],
  ["Score: 4.5", null, "half point is not on the rubric"],
  ["回答基本正确。", null, "no score"],
  ["", null, "empty reply"],
  ["该回答不满足5分标准，但符合4分标准。", null, "two different unit scores, no label"],
  ['```json\n{"判断依据": "推理过程完整，结论正确。", "得分": "[5]"}\n```', 5, "fenced JSON"],
  ["Score：3\n理由：推理中存在事实性错误。", 3, "full-width colon after English label"],
  ["〔5〕", 5, "tortoise-shell brackets"],
  ['判断依据：……\n得分："[1]"', 1, "quoted bracket after label"],
  ["SCORE = 2", 2, "upper case with equals"],
  ["分数为4分。", 4, "分数为"],
  ["[0]", null, "zero is not on the 1-5 rubric"],
];

describe("parseVerdict", () => {
  test("has at least 20 realistic cases", () => {
    assert.ok(CASES.length >= 20);
  });
  for (const [text, expected, label] of CASES) {
    test(`${label}: ${JSON.stringify(text).slice(0, 60)}`, () => {
      const v = parseVerdict(text);
      assert.equal(v.score, expected, `rule=${v.rule} problem=${v.problem ?? ""}`);
      if (expected === null) assert.ok(v.problem, "a rejected verdict says why");
    });
  }
});

describe("parseVerdictRelease (the release's first-[n] rule)", () => {
  test("takes the first [n], even a checklist reference", () => {
    assert.equal(parseVerdictRelease("核心需求[1]满足。\n[4]"), "1");
  });
  test("no [n] gives -1, full-width brackets are not seen", () => {
    assert.equal(parseVerdictRelease("得分：【4】"), -1);
    assert.equal(parseVerdictRelease("Score: 4"), -1);
  });
  test("agrees with parseVerdict on the format our prompts request", () => {
    const text = '{"判断依据": "……", "得分": "[3]"}';
    assert.equal(Number(parseVerdictRelease(text)), parseVerdict(text).score);
  });
});
