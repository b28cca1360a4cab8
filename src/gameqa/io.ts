import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { UserError } from "../util/errors.js";
import type { GameQASample } from "./types.js";

let tmpCounter = 0;

/** Write a file atomically: write a sibling temp file, then rename over the target. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${tmpCounter++}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Read a dataset folder or file: DIR/data.json (array), DIR/data.jsonl, or a path to either.
 * Returns the samples and the folder their image/state paths are relative to.
 */
export function readDataset(pathOrDir: string): { samples: GameQASample[]; baseDir: string; file: string } {
  let file = pathOrDir;
  let text: string | undefined;
  for (const candidate of [pathOrDir, join(pathOrDir, "data.json"), join(pathOrDir, "data.jsonl")]) {
    try {
      text = readFileSync(candidate, "utf8");
      file = candidate;
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "EISDIR") throw err;
    }
  }
  if (text === undefined) throw new UserError(`${pathOrDir}: no data.json or data.jsonl found`);
  const samples: GameQASample[] = [];
  if (file.endsWith(".jsonl")) {
    text.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      samples.push(checkSample(parseJson(line, `${file}:${i + 1}`), `${file}:${i + 1}`));
    });
  } else {
    const data = parseJson(text, file);
    if (!Array.isArray(data)) throw new UserError(`${file}: expected a JSON array of samples`);
    data.forEach((s, i) => {
      samples.push(checkSample(s, `${file}[${i}]`));
    });
  }
  return { samples, baseDir: dirname(file), file };
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${where}: invalid JSON (${(err as Error).message})`);
  }
}

const REQUIRED: Array<[keyof GameQASample, "string" | "number" | "answer"]> = [
  ["data_id", "string"],
  ["qa_type", "string"],
  ["question_id", "number"],
  ["image", "string"],
  ["state", "string"],
  ["plot_level", "string"],
  ["question", "string"],
  ["answer", "answer"],
];

/** Validate the fields every consumer relies on; others are passed through. */
export function checkSample(value: unknown, where: string): GameQASample {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UserError(`${where}: sample is not an object`);
  }
  const rec = value as Record<string, unknown>;
  // The tetris example spells the field "Options"; accept it as options.
  if (rec.options === undefined && Array.isArray(rec.Options)) rec.options = rec.Options;
  for (const [key, kind] of REQUIRED) {
    const v = rec[key];
    const ok = kind === "answer" ? typeof v === "string" || typeof v === "number" : typeof v === kind;
    if (!ok)
      throw new UserError(
        `${where}: field "${key}" missing or not a ${kind === "answer" ? "string/number" : kind}`,
      );
  }
  if (rec.options !== undefined && !Array.isArray(rec.options)) {
    throw new UserError(`${where}: field "options" is not an array`);
  }
  return rec as unknown as GameQASample;
}
