import { dirname, relative, resolve } from "node:path";
import { readDataset, writeFileAtomic } from "./io.js";
import { taskOfSample } from "./registry.js";
import { ANSWER_INSTRUCTION, optionString, resolveFormat } from "./scorer.js";
import type { AnswerFormat, GameQASample } from "./types.js";

export type ExportFormat = "sharegpt" | "llava" | "swift" | "grpo";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["sharegpt", "llava", "swift", "grpo"];

export interface ExportOptions {
  data: string;
  format: ExportFormat;
  out: string;
  absolutePaths?: boolean;
}

/** The assistant turn: the reasoning, then the answer on its own line (what the scorer extracts). */
export function assistantText(s: GameQASample): string {
  return `${s.analysis.trim()}\n\nThe answer is ${s.answer}.`;
}

/**
 * One GRPO prompt (TRL GRPOTrainer layout, see docs/gameqa.md "GRPO export"): a conversational
 * `prompt` whose user turn is an image placeholder plus the question and the answer instruction,
 * the `image` path, and the columns the reward reads — `solution` (the exact answer as a string),
 * `answer_format`, `options` (as strings; [] for fill-in) and `question`. Every record has the same
 * columns with the same types, as Arrow-backed dataset loaders require.
 */
export function toGrpoRecord(s: GameQASample, image: string): Record<string, unknown> {
  const found = taskOfSample(s);
  const format: AnswerFormat = resolveFormat(s, found?.task.answerFormat);
  return {
    id: s.data_id,
    prompt: [
      {
        role: "user",
        content: [{ type: "image" }, { type: "text", text: `${s.question}${ANSWER_INSTRUCTION}` }],
      },
    ],
    image,
    solution: String(s.answer),
    answer_format: format,
    options: (s.options ?? []).map(optionString),
    question: s.question,
    game: found?.game.name ?? s.data_id.split(/[-_]/)[0] ?? "",
    qa_type: s.qa_type,
    plot_level: s.plot_level,
    qa_level: s.qa_level,
  };
}

/**
 * Convert samples to a training format. Every format puts an `<image>` placeholder before the
 * question in the user turn:
 * - sharegpt (LLaMA-Factory multimodal): {conversations: [{from: "human"|"gpt", value}], images: [path]}
 * - llava: {id, image: path, conversations: [{from: "human"|"gpt", value}]}
 * - swift (ms-swift): {messages: [{role: "user"|"assistant", content}], images: [path]}
 * - grpo: prompt-only records with the reward's columns (toGrpoRecord)
 */
export function toRecord(s: GameQASample, format: ExportFormat, image: string): Record<string, unknown> {
  if (format === "grpo") return toGrpoRecord(s, image);
  const user = `<image>\n${s.question}`;
  const assistant = assistantText(s);
  switch (format) {
    case "sharegpt":
      return {
        id: s.data_id,
        conversations: [
          { from: "human", value: user },
          { from: "gpt", value: assistant },
        ],
        images: [image],
      };
    case "llava":
      return {
        id: s.data_id,
        image,
        conversations: [
          { from: "human", value: user },
          { from: "gpt", value: assistant },
        ],
      };
    case "swift":
      return {
        messages: [
          { role: "user", content: user },
          { role: "assistant", content: assistant },
        ],
        images: [image],
      };
  }
}

export function exportDataset(opts: ExportOptions): { out: string; records: number } {
  const { samples, baseDir } = readDataset(opts.data);
  const outDir = dirname(opts.out);
  const records = samples.map((s) => {
    const abs = resolve(baseDir, s.image);
    return toRecord(s, opts.format, opts.absolutePaths ? abs : relative(outDir, abs));
  });
  const text = opts.out.endsWith(".jsonl")
    ? records.map((r) => JSON.stringify(r)).join("\n") + "\n"
    : `${JSON.stringify(records, null, 2)}\n`;
  writeFileAtomic(opts.out, text);
  return { out: opts.out, records: records.length };
}
