import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { readDataset } from "../../src/gameqa/io.js";
import { listGames, loadGames } from "../../src/gameqa/registry.js";
import { createRng, hashSeed } from "../../src/gameqa/rng.js";
import { buildSample } from "../../src/gameqa/sample.js";
import { resolveFormat, reward, scoreResponse } from "../../src/gameqa/scorer.js";
import { type AnswerFormat, type GameQASample, LEVELS } from "../../src/gameqa/types.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { correctForms, reasoning, wrappers, wrongForms } from "./reward-forms.js";

/**
 * The reward is an RL signal: it must give 1 to the true answer in every form the prompt allows and
 * 0 to every wrong one. For EVERY registered game (games added later are covered automatically) and
 * task, samples at every plot level and several seeds are answered in every form, inside reasoning
 * that contains other numbers, coordinates and option-like strings (seeded enumeration with the
 * project's own generator, so a failure reproduces exactly).
 */
const SEEDS = ["reward-a", "reward-b", "reward-c"];
const INDICES = [0, 1];

await loadGames();

describe("reward property: every game, task, level and answer form", () => {
  for (const game of listGames()) {
    test(game.name, (t) => {
      let checked = 0;
      for (const task of game.tasks) {
        for (const plotLevel of LEVELS) {
          for (const seed of SEEDS) {
            for (const index of INDICES) {
              const { sample } = buildSample(
                game,
                { game: game.name, taskId: task.id, plotLevel, index },
                seed,
                false,
              );
              checked += checkSample(sample, task.answerFormat);
            }
          }
        }
      }
      assert.ok(checked > 0);
      t.diagnostic(`${checked} responses scored`);
    });
  }
});

/**
 * The published examples of all 30 original games (../shared), scored with the inferred convention:
 * covers answer conventions of games not ported yet (0-based snake options, pacman's option-text
 * answers, tents' [r, c] options, hue's numbered palette).
 */
describe("reward property: published examples of every original game", () => {
  const root = sharedPath("data", "code2logic");
  for (const name of root ? readdirSync(root).sort() : []) {
    test(name, (t) => {
      const dir = readdirSync(join(root as string, name)).find((d) =>
        existsSync(join(root as string, name, d, "data.json")),
      );
      if (!dir) return t.skip("no example folder");
      const { samples } = readDataset(join(root as string, name, dir));
      let checked = 0;
      for (const sample of samples) checked += checkSample(sample, undefined);
      t.diagnostic(`${samples.length} samples, ${checked} responses scored`);
    });
  }
  if (!root) test("published examples", (t) => t.skip(SHARED_MISSING));
});

/** Every correct rendering scores 1, every wrong one 0; returns the number of responses checked. */
function checkSample(sample: GameQASample, declared: AnswerFormat | undefined): number {
  const format = resolveFormat(sample, declared);
  const scorable = {
    answer: sample.answer,
    question: sample.question,
    ...(sample.options ? { options: sample.options } : {}),
    ...(declared ? { answer_format: declared } : {}),
  };
  const rng = createRng(hashSeed("reward-property", sample.data_id));
  const right = correctForms(sample, format, sample.question);
  const wrong = wrongForms(sample, format, sample.question);
  assert.ok(right.length > 0 && wrong.length > 0, `${sample.data_id}: no forms`);
  let n = 0;
  for (const [forms, expect] of [
    [right, 1],
    [wrong, 0],
  ] as const) {
    for (const form of forms) {
      for (const [how, ending] of wrappers(form)) {
        // A first guess of the other kind (a wrong guess before a right answer and vice versa).
        const guess = rng.chance(0.4) ? (expect === 1 ? rng.pick(wrong) : rng.pick(right)) : undefined;
        const response = `${reasoning(rng, sample.analysis, guess)}\n\n${ending}`;
        const got = reward(scorable, response);
        if (got !== expect) {
          const r = scoreResponse(scorable, response, declared);
          assert.fail(
            `${sample.data_id} (${format}, ${how}): "${form}" scored ${got}, want ${expect}; read ${r.extracted}, expected ${r.expected}\n--- response ---\n${response}`,
          );
        }
        n++;
      }
    }
  }
  return n;
}
