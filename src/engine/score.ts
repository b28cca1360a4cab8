/**
 * The scoring step shared by `runEval` and `rescoreRun`: run scorers on a solved state, with one judge
 * handle that carries the sample's epoch and counts the judge's tokens for the sample. A scorer that
 * throws becomes an error on the sample (errors are data); an abort makes the whole step return
 * undefined, so nothing half-scored is stored.
 */
import type { ModelHandle, Score, Scorer, TaskState } from "../core/types.js";
import type { Model } from "../providers/model.js";
import { errorMessage } from "../util/errors.js";
import { redact } from "../util/secrets.js";

export interface ScoringOutcome {
  scores: Record<string, Score>;
  /** One entry per scorer that threw, as `scorer <name>: <message>` (secrets redacted). */
  errors: string[];
  /** Tokens of judge calls really made (cache hits cost nothing). */
  judgeUsage: { input: number; output: number };
}

/** A sample error written by the scoring step starts with this; any other error came from solving. */
export const SCORER_ERROR_PREFIX = "scorer ";

/** The sample error for a list of scorer errors (undefined when there are none). */
export function scoringError(errors: string[]): string | undefined {
  return errors.length > 0 ? errors.join("\n") : undefined;
}

/**
 * The judge as scorers see it: calls carry the sample's epoch (a scorer's own options, such as a cache
 * scope, are added to it) and the run's signal, and add their tokens to `usage`.
 */
export function judgeHandle(
  judge: Model,
  epoch: number,
  signal: AbortSignal,
  usage: ScoringOutcome["judgeUsage"],
): ModelHandle {
  return {
    id: judge.id,
    async generate(messages, config, options) {
      const out = await judge.generate(messages, config, { epoch, signal, ...options });
      if (out.usage && !out.cached) {
        usage.input += out.usage.inputTokens;
        usage.output += out.usage.outputTokens;
      }
      return out;
    },
  };
}

/** Run `scorers` on a finished state. Undefined when the signal aborted the step. */
export async function scoreState(
  state: TaskState,
  scorers: Scorer[],
  judge: Model | undefined,
  signal: AbortSignal,
): Promise<ScoringOutcome | undefined> {
  const judgeUsage = { input: 0, output: 0 };
  const handle = judge ? judgeHandle(judge, state.epoch, signal, judgeUsage) : undefined;
  const scores: Record<string, Score> = {};
  const errors: string[] = [];
  for (const scorer of scorers) {
    try {
      scores[scorer.name] = await scorer.score(state, {
        ...(handle ? { judge: handle } : {}),
        signal,
        epoch: state.epoch,
      });
    } catch (err) {
      if (signal.aborted) return undefined;
      errors.push(`${SCORER_ERROR_PREFIX}${scorer.name}: ${redact(errorMessage(err))}`);
    }
  }
  return { scores, errors, judgeUsage };
}
