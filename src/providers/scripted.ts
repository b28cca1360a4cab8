/**
 * A provider that answers from code instead of a model: for tests and dry runs.
 * On the command line `scripted/echo` repeats the last user message; library users and tests pass
 * their own script function.
 */
import type { ChatMessage, ModelOutput, ModelRequest, Provider } from "../core/types.js";
import { UserError } from "../util/errors.js";

export type ScriptFn = (messages: ChatMessage[], request: ModelRequest) => string | Promise<string>;

export class ScriptedProvider implements Provider {
  readonly name = "scripted";
  readonly connectionKey: string;
  readonly endpoint = "local";
  constructor(
    readonly model: string,
    private readonly script: ScriptFn,
  ) {
    this.connectionKey = `scripted|${model}`;
  }

  async generate(request: ModelRequest, signal: AbortSignal): Promise<ModelOutput> {
    signal.throwIfAborted();
    const text = await this.script(request.messages, request);
    const inputTokens = request.messages.reduce((n, m) => n + textOf(m).split(/\s+/).length, 0);
    return { text, latencyMs: 0, usage: { inputTokens, outputTokens: text.split(/\s+/).length } };
  }
}

export function textOf(m: ChatMessage): string {
  return typeof m.content === "string"
    ? m.content
    : m.content.map((p) => (p.type === "text" ? p.text : "")).join("");
}

const builtins: Record<string, ScriptFn> = {
  echo: (messages) =>
    textOf([...messages].reverse().find((m) => m.role === "user") ?? { role: "user", content: "" }),
};

export function scriptedProvider(model: string): ScriptedProvider {
  const fn = builtins[model];
  if (!fn)
    throw new UserError(`unknown scripted model "${model}" (known: ${Object.keys(builtins).join(", ")})`);
  return new ScriptedProvider(model, fn);
}
