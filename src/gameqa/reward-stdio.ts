/**
 * `assay gameqa reward`: the reward as a line protocol, for trainers written in Python (TRL, ms-swift):
 * each input line is a JSON object `{"sample": <GameQA sample or grpo record>, "response": "..."}`,
 * each output line `{"reward": 0|1}` in the same order (or `{"reward": 0, "error": "..."}` for a
 * malformed line, so one bad line never stalls the trainer). A trainer keeps one process open.
 */
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { reward } from "./scorer.js";

export function rewardLine(line: string): string {
  try {
    const msg = JSON.parse(line) as { sample?: unknown; response?: unknown };
    const s = msg.sample as Record<string, unknown> | undefined;
    if (!s || typeof s !== "object") throw new Error('field "sample" must be an object');
    if (!("answer" in s) && !("solution" in s))
      throw new Error('field "sample" needs "answer" or "solution"');
    if (typeof msg.response !== "string") throw new Error('field "response" must be a string');
    return JSON.stringify({ reward: reward(s as Parameters<typeof reward>[0], msg.response) });
  } catch (err) {
    return JSON.stringify({ reward: 0, error: (err as Error).message });
  }
}

export async function serveRewards(input: Readable, output: Writable): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    output.write(`${rewardLine(line)}\n`);
  }
}
