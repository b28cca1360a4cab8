import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { loadTrapRecords, problemsFromRecords, type TrapProblem } from "../../src/mathtrap/data.js";
import { buildMessages, parseVariant, selectDemonstrations } from "../../src/mathtrap/fewshot.js";
import { defaultPromptDir, loadPromptSet, renderPrompt } from "../../src/mathtrap/prompts.js";
import { UserError } from "../../src/util/errors.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";

const ROOT = mkdtempSync(join(tmpdir(), "mathtrap-prompts-"));
after(() => rmSync(ROOT, { recursive: true, force: true }));
let counter = 0;

function copyPrompts(): string {
  const dir = join(ROOT, String(counter++));
  cpSync(defaultPromptDir(), dir, { recursive: true });
  return dir;
}

describe("prompt sets", () => {
  test("v1 loads, renders and has a stable hash", () => {
    const a = loadPromptSet();
    const b = loadPromptSet();
    assert.match(a.hash, /^[0-9a-f]{64}$/);
    assert.equal(a.hash, b.hash);
    const text = renderPrompt(a, "judge-trap.txt", {
      problem: "P?",
      annotation: "A.",
      response: "R {{problem}}",
    });
    assert.match(text, /P\?/);
    assert.match(text, /R \{\{problem\}\}/); // values are not expanded again
    assert.match(text, /VERDICT: YES\nor\nVERDICT: NO$/);
    assert.equal(Object.keys(a.trapDefinitions).length, 5);
  });
  test("a replaced file changes the hash", () => {
    const dir = copyPrompts();
    const before = loadPromptSet(dir).hash;
    writeFileSync(join(dir, "hint.txt"), `${readFileSync(join(dir, "hint.txt"), "utf8")}\nBe careful.\n`);
    assert.notEqual(loadPromptSet(dir).hash, before);
  });
  test("missing or unknown placeholders are user errors naming the file", () => {
    const dir = copyPrompts();
    writeFileSync(join(dir, "judge-trap.txt"), "{{problem}} {{response}}");
    assert.throws(
      () => loadPromptSet(dir),
      (e: unknown) =>
        e instanceof UserError &&
        /judge-trap\.txt: placeholder \{\{annotation\}\} is missing/.test(e.message),
    );
    const dir2 = copyPrompts();
    writeFileSync(join(dir2, "solve.txt"), "{{problem}} {{answer}}");
    assert.throws(() => loadPromptSet(dir2), /solve\.txt: unknown placeholder \{\{answer\}\}/);
  });
  test("variants parse", () => {
    assert.equal(parseVariant("5-shot"), "5-shot");
    assert.throws(() => parseVariant("3-shot"), UserError);
  });
});

describe("few-shot demonstrations", () => {
  test("never from the evaluated item's group; deterministic; spread over trap types", (t) => {
    const p = sharedPath("data", "mathtrap", "MathTrap_Public.json");
    if (!p) {
      t.skip(SHARED_MISSING);
      return;
    }
    const { originals, traps } = problemsFromRecords(loadTrapRecords(p));
    for (const target of [...traps, ...originals]) {
      const demos = selectDemonstrations(traps, target, 5);
      assert.equal(demos.length, 5);
      const groups = new Set(demos.map((d) => traps.find((x) => x.id === d.id)?.group));
      assert.ok(!groups.has(target.group), `${target.id} got a demonstration from its own group`);
      assert.ok(!demos.some((d) => d.id === target.id));
      assert.ok(
        new Set(demos.map((d) => d.trapType)).size >= 3,
        `${target.id}: demonstrations cover too few trap types`,
      );
    }
    const first = traps[0] as TrapProblem;
    assert.deepEqual(selectDemonstrations(traps, first, 5, 0), selectDemonstrations(traps, first, 5, 0));
    assert.notDeepEqual(selectDemonstrations(traps, first, 5, 0), selectDemonstrations(traps, first, 5, 1));

    const prompts = loadPromptSet();
    const messages = buildMessages(prompts, first, "1-shot", selectDemonstrations(traps, first, 1));
    assert.deepEqual(
      messages.map((m) => m.role),
      ["user", "assistant", "user"],
    );
    assert.equal(messages[2]?.content, first.question);
    const hinted = buildMessages(prompts, first, "hint");
    assert.equal(hinted.length, 1);
    assert.ok(String(hinted[0]?.content).startsWith(first.question));
    assert.ok(String(hinted[0]?.content).length > first.question.length + 50);
  });
});
