import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { after, describe, test } from "node:test";
import { exportDataset } from "../../src/gameqa/export.js";
import { generateDataset } from "../../src/gameqa/generate.js";
import { readDataset } from "../../src/gameqa/io.js";
import { loadGames } from "../../src/gameqa/registry.js";
import { rewardLine, serveRewards } from "../../src/gameqa/reward-stdio.js";
import { reward } from "../../src/gameqa/scorer.js";
import type { AnswerFormat } from "../../src/gameqa/types.js";

const tmp = mkdtempSync(join(tmpdir(), "gameqa-grpo-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface GrpoRecord {
  id: string;
  prompt: Array<{ role: string; content: Array<{ type: string; text?: string }> }>;
  image: string;
  solution: string;
  answer_format: AnswerFormat;
  options: string[];
  question: string;
  game: string;
}

describe("grpo export and the reward", () => {
  test("records: image prompt, exact solution, answer form, same columns everywhere; reward 1/0", async () => {
    await loadGames();
    const dir = join(tmp, "data");
    await generateDataset({
      games: ["space_invaders", "word_search", "maze", "tetris"],
      perTask: 2,
      plotLevels: ["Easy", "Hard"],
      seed: 7,
      outDir: dir,
      progress: "silent",
    });
    const { samples } = readDataset(dir);
    const out = join(tmp, "grpo.jsonl");
    assert.equal(exportDataset({ data: dir, format: "grpo", out }).records, samples.length);
    const recs = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as GrpoRecord);
    const keys = JSON.stringify(Object.keys(recs[0] ?? {}));
    for (const [i, r] of recs.entries()) {
      const s = samples[i];
      assert.ok(s);
      assert.equal(JSON.stringify(Object.keys(r)), keys, "every record has the same columns");
      assert.equal(r.id, s.data_id);
      assert.equal(r.solution, String(s.answer));
      assert.equal(typeof r.solution, "string");
      assert.ok(r.options.every((o) => typeof o === "string"));
      assert.equal(r.options.length, s.options?.length ?? 0);
      const [turn] = r.prompt;
      assert.equal(turn?.role, "user");
      assert.deepEqual(turn?.content[0], { type: "image" });
      assert.ok(turn?.content[1]?.text?.startsWith(s.question));
      assert.ok(turn?.content[1]?.text?.includes("The answer is"));
      assert.ok(existsSync(resolve(dirname(out), r.image)), r.image);
      // Multiple choice whatever the task declares for its fill-in variant (space_invaders).
      if (s.options) assert.match(r.answer_format, /^option-|^text$/);
      assert.equal(r.game, s.data_id.slice(0, r.game.length));
      assert.equal(reward(r, `${s.analysis}\n\nThe answer is ${r.solution}.`), 1, r.id);
      const wrong = r.options.length
        ? String(((Number(r.solution) || 0) % r.options.length) + 1)
        : `${r.solution}9`;
      if (wrong !== r.solution)
        assert.equal(reward(r, `The answer is ${wrong}`), 0, `${r.id} wrong ${wrong}`);
    }
    assert.ok(recs.some((r) => r.answer_format === "option-index" && r.game === "space_invaders"));
    assert.ok(recs.some((r) => r.answer_format === "number"));
  });

  test("reward line protocol: one output line per input line, errors give 0 with a reason", async () => {
    const sample = { solution: "3", answer_format: "option-index" as const, options: ["3", "4", "5", "6"] };
    assert.deepEqual(JSON.parse(rewardLine(JSON.stringify({ sample, response: "The answer is 3" }))), {
      reward: 1,
    });
    assert.deepEqual(JSON.parse(rewardLine(JSON.stringify({ sample, response: "The answer is 5" }))), {
      reward: 0,
    });
    const bad = JSON.parse(rewardLine("{not json")) as { reward: number; error: string };
    assert.equal(bad.reward, 0);
    assert.ok(bad.error.length > 0);
    assert.match(
      (JSON.parse(rewardLine(JSON.stringify({ sample: {}, response: "x" }))) as { error: string }).error,
      /answer.*solution/,
    );
    const input = new PassThrough();
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on("data", (c: Buffer) => chunks.push(c.toString()));
    input.end(
      `${JSON.stringify({ sample, response: "\\boxed{3}" })}\n\n${JSON.stringify({ sample: { answer: 7 }, response: "7" })}\n`,
    );
    await serveRewards(input, output);
    assert.deepEqual(
      chunks
        .join("")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
      [{ reward: 1 }, { reward: 1 }],
    );
  });
});
