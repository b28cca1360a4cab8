import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { generateDataset } from "../../src/gameqa/generate.js";
import { readDataset } from "../../src/gameqa/io.js";
import { registerGame } from "../../src/gameqa/registry.js";
import { buildBoard, MAX_ATTEMPTS, NO_REASON } from "../../src/gameqa/sample.js";
import { describeCounts } from "../../src/gameqa/skips.js";
import { type GameDefinition, skipTask } from "../../src/gameqa/types.js";

const tmp = mkdtempSync(join(tmpdir(), "gameqa-skips-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A game whose tasks turn states down: "odd" wants an odd number and says why, "nonzero" returns a
 * bare null for 0, and "never" suits no state at all (an original that would loop forever).
 */
const picky: GameDefinition<{ n: number }> = {
  name: "test-picky",
  title: "Picky",
  category: "Multi-step Reasoning",
  domain: "OOD",
  generateState: (rng) => ({ n: rng.int(0, 9) }),
  renderSvg: () => '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
  parseState: (json) => json as { n: number },
  tasks: [
    {
      id: 0,
      name: "odd",
      description: "an odd number",
      qaType: "Target Perception",
      qaLevel: "Easy",
      answerFormat: "number",
      generate: ({ state }) =>
        state.n % 2 === 0
          ? skipTask("the number is even")
          : { question: "Which?", answer: state.n, analysis: "Read it." },
    },
    {
      id: 1,
      name: "nonzero",
      description: "a non-zero number",
      qaType: "Target Perception",
      qaLevel: "Easy",
      answerFormat: "number",
      generate: ({ state }) =>
        state.n === 0 ? null : { question: "Which?", answer: state.n, analysis: "Read it." },
    },
    {
      id: 2,
      name: "never",
      description: "no state suits it",
      qaType: "State Prediction",
      qaLevel: "Hard",
      answerFormat: "number",
      generate: () => skipTask("nothing ever fits"),
    },
  ],
};
registerGame(picky);

describe("bounded generation with reasons", () => {
  test("a board lists every state turned down, and a task that never fits is dropped after the bound", () => {
    const built = buildBoard(
      picky as unknown as Parameters<typeof buildBoard>[0],
      { game: "test-picky", plotLevel: "Easy", index: 0, taskIds: [0, 1, 2], share: true },
      3,
      false,
    );
    const never = built.skips.filter((s) => s.taskId === 2);
    // The shared board, then MAX_ATTEMPTS states of its own, then the give-up note.
    assert.equal(never.filter((s) => s.reason === "nothing ever fits").length, MAX_ATTEMPTS + 1);
    assert.deepEqual(never.at(-1), {
      taskId: 2,
      reason: `no suitable state at Easy after ${MAX_ATTEMPTS} attempts`,
      dropped: true,
    });
    assert.deepEqual(built.samples.map((s) => s.question_id).sort(), [0, 1]);
    for (const s of built.skips.filter((x) => x.taskId === 0)) assert.equal(s.reason, "the number is even");
    for (const s of built.skips.filter((x) => x.taskId === 1)) assert.equal(s.reason, NO_REASON);
  });

  test("generate finishes, reports per game/task/reason counts, and the counts match the data", async () => {
    const dir = join(tmp, "picky");
    const res = await generateDataset({
      games: ["test-picky"],
      perTask: 6,
      plotLevels: ["Easy", "Hard"],
      seed: 11,
      outDir: dir,
      progress: "silent",
    });
    const { samples } = readDataset(dir);
    assert.equal(res.samples, samples.length);
    assert.equal(samples.length, 24, "odd and nonzero on each of 12 boards; never on none");
    // One entry per level (the reason names it), 6 boards each.
    assert.deepEqual(
      res.dropped.map((d) => [d.task, d.count, d.reason]),
      ["Easy", "Hard"].map((l) => ["never", 6, `no suitable state at ${l} after ${MAX_ATTEMPTS} attempts`]),
    );
    const never = res.skipped.find((s) => s.task === "never");
    assert.equal(never?.count, 12 * (MAX_ATTEMPTS + 1));
    assert.equal(never?.reason, "nothing ever fits");
    const odd = res.skipped.find((s) => s.task === "odd");
    assert.ok(odd && odd.count > 0 && odd.reason === "the number is even");
    assert.ok(res.skipped.every((s) => s.game === "test-picky"));
    const line = describeCounts("samples not made", res.dropped);
    assert.match(
      line,
      /^12 samples not made \(test-picky\/never: no suitable state at Easy after \d+ attempts ×6; /,
    );
  });

  test("worker threads report the same skips as one thread", async () => {
    const run = (workers: number) =>
      generateDataset({
        games: ["tetris", "3DReconstruction"],
        perTask: 3,
        plotLevels: ["Easy", "Hard"],
        seed: 5,
        outDir: join(tmp, `w${workers}`),
        workers,
        threadsAfterMs: 0,
        progress: "silent",
      });
    const one = await run(1);
    const two = await run(2);
    assert.ok(one.skipped.length > 0, "these games turn some states down");
    assert.deepEqual(two.skipped, one.skipped);
    assert.deepEqual(two.dropped, one.dropped);
  });
});
