import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ImagePart, TaskState } from "../../src/core/types.js";
import { createGameqaTask, gameqaSamples } from "../../src/gameqa/eval.js";
import { getTaskDefinition } from "../../src/tasks/registry.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";

function stateFor(sample: TaskState["sample"], text: string): TaskState {
  return {
    sample,
    epoch: 1,
    messages: [],
    output: { text, latencyMs: 0 },
    store: {},
    usage: { inputTokens: 0, outputTokens: 0 },
    completed: true,
  };
}

describe("assay eval gameqa", () => {
  test("the task is registered", () => {
    assert.equal(getTaskDefinition("gameqa").name, "gameqa");
  });

  test("published examples become image + question samples, scored exactly", async (t) => {
    const dir = sharedPath("data", "code2logic", "maze", "maze_dataset_example");
    if (!dir) {
      t.skip(SHARED_MISSING);
      return;
    }
    const samples = await gameqaSamples(dir);
    assert.equal(samples.length, 18);
    const first = samples[0];
    assert.ok(first && Array.isArray(first.input));
    const content = first.input[0]?.content;
    assert.ok(Array.isArray(content));
    assert.equal(content[0]?.type, "image");
    assert.ok((content[0] as ImagePart).image.endsWith("images/image_00000.png"));
    assert.equal(first.metadata?.game, "maze");
    assert.equal(first.metadata?.plot_level, "Easy");

    const task = await createGameqaTask({ dataset: dir });
    assert.deepEqual(task.groupBy, ["game", "qa_type", "plot_level"]);
    const scorer = task.scorers[0];
    assert.ok(scorer);
    const ctx = { signal: new AbortController().signal, epoch: 1 };
    // maze_00000_01 answer E; maze_00000_04 (turn count) answer 2.
    const q1 = samples.find((s) => s.id === "maze_00000_01");
    const q4 = samples.find((s) => s.id === "maze_00000_04");
    assert.ok(q1 && q4);
    assert.equal(
      (await scorer.score(stateFor(q1, "The red circle is in row 4.\nThe answer is E"), ctx)).value,
      1,
    );
    assert.equal((await scorer.score(stateFor(q1, "The answer is (4, 5)"), ctx)).value, 1);
    assert.equal((await scorer.score(stateFor(q1, "The answer is A"), ctx)).value, 0);
    assert.equal(
      (await scorer.score(stateFor(q4, "Two turns: down→right, right→down. The answer is 2"), ctx)).value,
      1,
    );
    const miss = await scorer.score(stateFor(q4, "I am not sure."), ctx);
    assert.equal(miss.value, 0);
  });
});
