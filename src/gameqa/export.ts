import { dirname, relative, resolve } from "node:path";
import { readDataset, writeFileAtomic } from "./io.js";
import type { GameQASample } from "./types.js";

export type ExportFormat = "sharegpt" | "llava" | "swift";

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
 * Convert samples to a training format. Every format puts an `<image>` placeholder before the
 * question in the user turn:
 * - sharegpt (LLaMA-Factory multimodal): {conversations: [{from: "human"|"gpt", value}], images: [path]}
 * - llava: {id, image: path, conversations: [{from: "human"|"gpt", value}]}
 * - swift (ms-swift): {messages: [{role: "user"|"assistant", content}], images: [path]}
 */
export function toRecord(s: GameQASample, format: ExportFormat, image: string): Record<string, unknown> {
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
