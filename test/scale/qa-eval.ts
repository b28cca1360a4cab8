/** The QA eval the scale tests run (shards, merge, batch, Slurm): a numbered dataset and its command line. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** n records "question i" → "answer i", ids q0…, with a `level` for group-by; returns the file. */
export function writeQaData(dir: string, n: number): string {
  const path = join(dir, "qa.jsonl");
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `q${i}`, input: `question ${i}`, target: `answer ${i}`, level: `L${i % 4}` }),
  );
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** `qa` and its dataset and model flags: what follows `assay eval` (the Slurm script adds the rest). */
export const qaEvalTail = (data: string, url: string) => [
  "qa",
  "--dataset",
  data,
  "--model",
  "openai/mock",
  "--model-base-url",
  url,
];

/** `assay eval qa` of that dataset against an OpenAI-compatible server, into `db`, plus extra flags. */
export const qaEvalArgs = (data: string, url: string, db: string, ...extra: string[]) => [
  "eval",
  ...qaEvalTail(data, url),
  "--db",
  db,
  "--json",
  ...extra,
];
