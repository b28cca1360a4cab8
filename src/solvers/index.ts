/**
 * Solvers build the conversation and call the model. A task's solver chain runs in order on each
 * sample's TaskState; `generate` is injected, so a solver never needs to know which model it talks to.
 */
import type { ChatMessage, GenerateConfig, Solver, TaskState } from "../core/types.js";
import { textOf } from "../providers/scripted.js";

/** Call the model on the conversation so far and append its answer. */
export function generate(config?: GenerateConfig): Solver {
  return (state, gen) => gen(state, config);
}

/** Put a system message first. */
export function systemMessage(text: string): Solver {
  return async (state) => {
    state.messages = [
      { role: "system", content: text },
      ...state.messages.filter((m) => m.role !== "system"),
    ];
    return state;
  };
}

/**
 * Rewrite the last user message through a template: `{prompt}` is the original text, other `{name}`s
 * come from the sample's metadata. Image parts of the message are kept.
 */
export function promptTemplate(template: string): Solver {
  return async (state) => {
    const i = lastUserIndex(state.messages);
    if (i < 0) return state;
    const msg = state.messages[i]!;
    const text = fillTemplate(template, { prompt: textOf(msg), ...(state.sample.metadata ?? {}) });
    state.messages[i] =
      typeof msg.content === "string"
        ? { role: "user", content: text }
        : {
            role: "user",
            content: [...msg.content.filter((p) => p.type === "image"), { type: "text", text }],
          };
    return state;
  };
}

export function fillTemplate(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole,
  );
}

export function lastUserIndex(messages: ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") return i;
  return -1;
}

/** Option letters A, B, C, ... (up to 26). */
export function choiceLetter(i: number): string {
  return String.fromCharCode(65 + i);
}

export const DEFAULT_MCQ_TEMPLATE =
  "Answer the following multiple-choice question. Think briefly if you need to, then give your final answer " +
  'on the last line in the form "ANSWER: X", where X is the letter of one option.\n\n{question}\n\n{choices}';

/** Present the sample's choices as lettered options under the question. */
export function multipleChoice(template = DEFAULT_MCQ_TEMPLATE): Solver {
  return async (state: TaskState) => {
    const choices = state.sample.choices ?? [];
    const i = lastUserIndex(state.messages);
    if (i < 0) return state;
    const question = textOf(state.messages[i]!);
    const lines = choices.map((c, k) => `${choiceLetter(k)}) ${c}`).join("\n");
    state.messages[i] = { role: "user", content: fillTemplate(template, { question, choices: lines }) };
    return state;
  };
}
