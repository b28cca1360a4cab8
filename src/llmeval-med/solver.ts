/**
 * The answering protocol of the release's Answer.py: a system message, then for round r the earlier
 * rounds of the same conversation as user/assistant pairs holding the model's OWN earlier answers,
 * then the current question. Turns are strictly sequential (each needs the previous answer); the
 * engine runs different conversations concurrently.
 */
import type { Solver } from "../core/types.js";
import { conversationMeta } from "./samples.js";

export interface TurnAnswer {
  id: string;
  round: number;
  answer: string;
}

/** `state.store.answers`: one entry per turn, in round order. */
export function storedAnswers(store: Record<string, unknown>): TurnAnswer[] {
  const a = store.answers;
  return Array.isArray(a) ? (a as TurnAnswer[]) : [];
}

export function conversationSolver(): Solver {
  return async (state, generate) => {
    const meta = conversationMeta(state.sample.metadata);
    const answers: TurnAnswer[] = [];
    // The sample's input already holds the system message and the first question.
    for (const [i, turn] of meta.turns.entries()) {
      if (i > 0) state.messages.push({ role: "user", content: turn.problem });
      state = await generate(state);
      // Answer.py strips the generated text, and the stripped answer is what later turns see.
      const answer = (state.output?.text ?? "").trim();
      state.messages[state.messages.length - 1] = { role: "assistant", content: answer };
      answers.push({ id: turn.id, round: turn.round, answer });
      state.store.answers = answers;
    }
    return state;
  };
}
