/**
 * `assay eval gameqa --dataset DIR`: evaluate a vision-language model on a GameQA folder (ours or the
 * published examples). Each sample becomes one user turn holding the image and the question; the
 * verifiable scorer (scorer.ts) reads the final answer from the reply. Accuracy is broken down by
 * game, qa_type and plot_level. Importing this module registers the task.
 */
import { basename, resolve } from "node:path";
import type { Sample, Scorer, Task, TaskArgs } from "../core/types.js";
import { memoryDataset } from "../dataset/index.js";
import { generate } from "../solvers/index.js";
import { registerTask } from "../tasks/registry.js";
import { readDataset } from "./io.js";
import { listGames, loadGames } from "./registry.js";
import { ANSWER_INSTRUCTION, inferFormat, resolveFormat, scoreResponse } from "./scorer.js";
import type { AnswerFormat, GameQASample } from "./types.js";

export { ANSWER_INSTRUCTION };

/** Game of a sample: the registered game whose name prefixes data_id, else the folder name. */
function gameOf(sample: GameQASample, names: string[], fallback: string): string {
  const id = sample.data_id.toLowerCase();
  const hit = names.filter((n) => id.startsWith(n.toLowerCase())).sort((a, b) => b.length - a.length)[0];
  return hit ?? fallback;
}

/** Our own samples carry the task's declared format; published ones have it inferred. */
function formatOf(sample: GameQASample, game: string, declared: Map<string, AnswerFormat>): AnswerFormat {
  return declared.get(`${game}#${sample.question_id}`) ?? inferFormat(sample);
}

export async function gameqaSamples(dir: string, gameOverride?: string): Promise<Sample[]> {
  await loadGames();
  const games = listGames();
  const declared = new Map<string, AnswerFormat>();
  for (const g of games) for (const t of g.tasks) declared.set(`${g.name}#${t.id}`, t.answerFormat);
  const { samples, baseDir } = readDataset(dir);
  const fallback = basename(resolve(baseDir)).replace(/_dataset_example$/, "");
  return samples.map((s) => {
    const game =
      gameOverride ??
      gameOf(
        s,
        games.map((g) => g.name),
        fallback,
      );
    // A sample with options is scored as multiple choice whatever the task declares (resolveFormat).
    const fmt = resolveFormat(s, formatOf(s, game, declared));
    return {
      id: s.data_id,
      input: [
        {
          role: "user",
          content: [
            { type: "image", image: resolve(baseDir, s.image) },
            { type: "text", text: `${s.question}${ANSWER_INSTRUCTION}` },
          ],
        },
      ],
      target: String(s.answer),
      metadata: {
        game,
        qa_type: s.qa_type,
        plot_level: s.plot_level,
        qa_level: s.qa_level,
        question_id: s.question_id,
        answer_format: fmt,
        answer: s.answer,
        ...(s.options ? { options: s.options, question: s.question } : {}),
      },
    };
  });
}

export function gameqaScorer(): Scorer {
  return {
    name: "gameqa",
    metrics: ["accuracy", "stderr"],
    async score(state) {
      const meta = state.sample.metadata ?? {};
      const answer = meta.answer as string | number | undefined;
      const options = meta.options as GameQASample["options"];
      const format = meta.answer_format as AnswerFormat | undefined;
      const question = meta.question as string | undefined;
      const r = scoreResponse(
        {
          answer: answer ?? String(state.sample.target ?? ""),
          ...(options ? { options } : {}),
          ...(question ? { question } : {}),
        },
        state.output?.text ?? "",
        format,
      );
      return {
        value: r.correct ? 1 : 0,
        answer: r.extracted ?? "",
        explanation:
          r.extracted === null
            ? `no ${r.format} answer found`
            : r.correct
              ? "exact match"
              : `read ${r.extracted}, expected ${r.expected}`,
        metadata: { format: r.format, expected: r.expected },
      };
    },
  };
}

export async function createGameqaTask(args: TaskArgs): Promise<Task> {
  const dir = String(args.dataset);
  const samples = await gameqaSamples(dir, typeof args.game === "string" ? args.game : undefined);
  return {
    name: "gameqa",
    version: "1",
    dataset: memoryDataset(dir, samples),
    solver: [generate()],
    scorers: [gameqaScorer()],
    groupBy: ["game", "qa_type", "plot_level"],
  };
}

registerTask({
  name: "gameqa",
  description:
    "GameQA visual reasoning (folder with data.json/data.jsonl + images/); exact, verifiable scoring",
  options: [
    {
      name: "dataset",
      description: "GameQA folder (from `assay gameqa generate` or a published example)",
      required: true,
    },
    { name: "game", description: "game name for every sample (default: from data_id or the folder name)" },
  ],
  create: createGameqaTask,
});
