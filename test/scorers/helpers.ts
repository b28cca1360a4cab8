/** A finished TaskState for scoring one output, and the context scorers get without a judge. */
import type { Sample, Score, Scorer, ScorerContext, TaskState } from "../../src/core/types.js";

export function stateOf(output: string, target?: string | string[], extra: Partial<Sample> = {}): TaskState {
  return {
    sample: { id: "s1", input: "question?", ...(target !== undefined ? { target } : {}), ...extra },
    epoch: 1,
    messages: [],
    output: { text: output, latencyMs: 0 },
    store: {},
    usage: { inputTokens: 0, outputTokens: 0 },
    completed: true,
  };
}

export const noJudge: ScorerContext = { signal: new AbortController().signal, epoch: 1 };

export function scoreOf(scorer: Scorer, output: string, target?: string | string[]): Promise<Score> {
  return scorer.score(stateOf(output, target), noJudge);
}
