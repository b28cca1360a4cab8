import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseDataset } from "../../src/llmeval-med/dataset.js";
import {
  builtinPromptDir,
  judgeMessages,
  loadPromptSet,
  renderJudgePrompt,
} from "../../src/llmeval-med/prompts.js";
import { parseVerdict, parseVerdictRelease } from "../../src/llmeval-med/verdict.js";
import { UserError } from "../../src/util/errors.js";
import { tempDir } from "../helpers/cli.js";

const ds = parseDataset(
  JSON.stringify({
    医疗文本生成: [{ round: 1, groupCode: 1, problem: "请总结以下病历。", category2: "总结/摘要" }],
    医疗知识: [{ round: 1, groupCode: 2, problem: "Q?", sanswer: "REF", checklist: "核心需求：\n1. X" }],
  }),
  "t.json",
);
const mtg = ds.items[0]!;
const mk = ds.items[1]!;

describe("built-in prompt sets", () => {
  for (const lang of ["zh", "en"] as const) {
    test(`${lang}: five templates load, fill and ask for a bracketed score`, async () => {
      const set = await loadPromptSet({ lang });
      assert.equal(set.label, `builtin:v1/${lang}`);
      assert.match(set.hash, /^[0-9a-f]{64}$/);
      const text = renderJudgePrompt(set, mk, "ANSWER {{checklist}}");
      assert.ok(text.includes("Q?") && text.includes("REF") && text.includes("核心需求：\n1. X"));
      assert.ok(text.includes("ANSWER {{checklist}}"), "the answer is inserted verbatim, not expanded");
      assert.equal(
        text.replace("ANSWER {{checklist}}", "").includes("{{"),
        false,
        "every placeholder is filled",
      );
      // Missing reference and checklist get the template's own fallback text, never "nan".
      const missing = renderJudgePrompt(set, mtg, "A");
      assert.doesNotMatch(missing, /\bnan\b|undefined/i);
      assert.match(missing, lang === "zh" ? /没有提供参考答案/ : /No reference answer is provided/);
      assert.match(missing, lang === "zh" ? /没有提供评分要点/ : /No checklist is provided/);
      // The example score line the prompt asks for parses under both rules.
      const example = lang === "zh" ? "最终得分：[4]" : "Final score: [4]";
      assert.ok(set.templates.MK.includes(example.replace("4", "n")));
      assert.equal(parseVerdict(`理由……\n${example}`).score, 4);
      assert.equal(parseVerdictRelease(example), "4");
      const msgs = judgeMessages(set, mk, "A");
      assert.deepEqual(
        msgs.map((m) => m.role),
        ["system", "user"],
      );
    });
  }

  test("the hash is sha256 over sorted names and contents, and changes with any edit", async () => {
    const set = await loadPromptSet({ lang: "zh" });
    const dir = builtinPromptDir("zh");
    const h = createHash("sha256");
    for (const name of ["MK.md", "MLU.md", "MR.md", "MSE.md", "MTG.md"].sort()) {
      const content = readFileSync(join(dir, name));
      h.update(`${name}\n${content.length}\n`);
      h.update(content);
    }
    assert.equal(set.hash, h.digest("hex"));

    const copy = tempDir("med-prompts-");
    cpSync(dir, join(copy, "zh"), { recursive: true });
    const same = await loadPromptSet({ dir: copy, lang: "zh" });
    assert.equal(same.hash, set.hash, "a copied set (found via its zh/ folder) hashes the same");
    writeFileSync(join(copy, "zh", "system.md"), "你是一名医生。\n");
    const withSystem = await loadPromptSet({ dir: copy, lang: "zh" });
    assert.notEqual(withSystem.hash, set.hash);
    assert.equal(withSystem.system, "你是一名医生。");
  });
});

describe("user prompt sets", () => {
  function dirWith(files: Record<string, string>): string {
    const dir = tempDir("med-prompts-");
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }
  const ok = "Q: {{question}}\nA: {{response}}\nRef: {{reference}}\n";

  test("release-style prompts (no fallbacks) get a neutral marker for missing values", async () => {
    const set = await loadPromptSet({
      dir: dirWith({ "MK.md": ok, "MLU.md": ok, "MR.md": ok, "MSE.md": ok, "MTG.md": ok }),
      lang: "en",
    });
    assert.equal(renderJudgePrompt(set, mtg, "x"), "Q: 请总结以下病历。\nA: x\nRef: (not provided)\n");
  });

  test("errors name the file and the problem", async () => {
    const base = { "MK.md": ok, "MLU.md": ok, "MR.md": ok, "MSE.md": ok };
    await assert.rejects(
      loadPromptSet({ dir: dirWith(base) }),
      (e: unknown) => e instanceof UserError && /MTG\.md is missing/.test(e.message),
    );
    await assert.rejects(
      loadPromptSet({ dir: dirWith({ ...base, "MTG.md": `${ok}\n{{answer}}` }) }),
      (e: unknown) =>
        e instanceof UserError && /MTG\.md, line 5: unknown placeholder \{\{answer\}\}/.test(e.message),
    );
    await assert.rejects(
      loadPromptSet({ dir: dirWith({ ...base, "MTG.md": "{{question}}" }) }),
      (e: unknown) => e instanceof UserError && /never uses \{\{response\}\}/.test(e.message),
    );
  });
});
