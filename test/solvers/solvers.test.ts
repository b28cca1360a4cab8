import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ChatMessage, Generate, Solver, SolverContext, TaskState } from "../../src/core/types.js";
import { generate, promptTemplate, systemMessage } from "../../src/solvers/index.js";

function stateOf(messages: ChatMessage[]): TaskState {
  return {
    sample: { id: "s1", input: "What is 2 + 2?", metadata: { topic: "arithmetic" } },
    epoch: 1,
    messages,
    store: {},
    usage: { inputTokens: 0, outputTokens: 0 },
    completed: false,
  };
}

/** Runs a solver chain the way the engine does, with a model stand-in that records what it was sent. */
async function runChain(
  chain: Solver[],
  state: TaskState,
): Promise<{ state: TaskState; sent: ChatMessage[][] }> {
  const sent: ChatMessage[][] = [];
  const gen: Generate = async (s) => {
    sent.push(structuredClone(s.messages));
    s.messages.push({ role: "assistant", content: "4" });
    return s;
  };
  const ctx = { signal: new AbortController().signal } as SolverContext;
  let s = state;
  for (const solver of chain) s = await solver(s, gen, ctx);
  return { state: s, sent };
}

describe("systemMessage", () => {
  test("the model receives the system message first, before the (templated) user turn", async () => {
    const { sent } = await runChain(
      [systemMessage("You are terse."), promptTemplate("[{topic}] {prompt}"), generate()],
      stateOf([{ role: "user", content: "What is 2 + 2?" }]),
    );
    assert.deepEqual(sent, [
      [
        { role: "system", content: "You are terse." },
        { role: "user", content: "[arithmetic] What is 2 + 2?" },
      ],
    ]);
  });

  test("replaces an existing system message instead of adding a second one, keeping the turn order", async () => {
    const history: ChatMessage[] = [
      { role: "user", content: "Hi" },
      { role: "system", content: "old instructions" },
      { role: "assistant", content: "Hello" },
      { role: "user", content: "What is 2 + 2?" },
    ];
    const { state } = await runChain([systemMessage("new instructions")], stateOf(history));
    assert.deepEqual(state.messages, [
      { role: "system", content: "new instructions" },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
      { role: "user", content: "What is 2 + 2?" },
    ]);
  });
});
