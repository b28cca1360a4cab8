/**
 * Providers by name. A model id on the command line is "<provider>/<model>"; the part after the first
 * slash is the provider's own model name (it may contain more slashes, e.g. "openai/Qwen/Qwen2.5-7B").
 */
import type { Provider } from "../core/types.js";
import { UserError } from "../util/errors.js";
import { AnthropicProvider } from "./anthropic.js";
import { ggufProvider } from "./gguf-provider.js";
import { OpenAIProvider } from "./openai.js";
import { scriptedProvider } from "./scripted.js";

export interface ProviderOptions {
  baseUrl?: string;
  /** Environment variable holding the API key. */
  apiKeyEnv?: string;
}

export type ProviderFactory = (model: string, opts: ProviderOptions) => Provider;

const factories = new Map<string, { factory: ProviderFactory; description: string }>();

export function registerProvider(name: string, description: string, factory: ProviderFactory): void {
  factories.set(name, { factory, description });
}

export function listProviders(): Array<{ name: string; description: string }> {
  return [...factories].map(([name, { description }]) => ({ name, description }));
}

export function parseModelId(id: string): { provider: string; model: string } {
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1) {
    throw new UserError(`model "${id}" must look like <provider>/<model>, e.g. openai/gpt-4o-mini`);
  }
  return { provider: id.slice(0, slash), model: id.slice(slash + 1) };
}

export function createProvider(id: string, opts: ProviderOptions = {}): Provider {
  const { provider, model } = parseModelId(id);
  const entry = factories.get(provider);
  if (!entry) {
    throw new UserError(
      `unknown provider "${provider}" in "${id}" (known: ${[...factories.keys()].join(", ")})`,
    );
  }
  return entry.factory(model, opts);
}

/** A server kind's URL: the flag, else its environment variable (VLLM_BASE_URL, …), else its usual local address. */
const openaiCompatible =
  (name: string, defaultUrl?: string, urlEnv?: string): ProviderFactory =>
  (model, opts) => {
    const url = opts.baseUrl ?? (urlEnv ? process.env[urlEnv] : undefined) ?? defaultUrl;
    return new OpenAIProvider({
      model,
      name,
      ...(url ? { baseUrl: url } : {}),
      ...(opts.apiKeyEnv ? { apiKeyEnv: opts.apiKeyEnv } : {}),
    });
  };

registerProvider(
  "openai",
  "OpenAI-compatible Chat Completions; --model-base-url or OPENAI_BASE_URL, key in OPENAI_API_KEY",
  openaiCompatible("openai"),
);
registerProvider(
  "vllm",
  "vLLM server (default $VLLM_BASE_URL or http://localhost:8000/v1)",
  openaiCompatible("vllm", "http://localhost:8000/v1", "VLLM_BASE_URL"),
);
registerProvider(
  "ollama",
  "Ollama (default $OLLAMA_BASE_URL or http://localhost:11434/v1)",
  openaiCompatible("ollama", "http://localhost:11434/v1", "OLLAMA_BASE_URL"),
);
registerProvider(
  "llamacpp",
  "llama.cpp server (default $LLAMACPP_BASE_URL or http://localhost:8080/v1)",
  openaiCompatible("llamacpp", "http://localhost:8080/v1", "LLAMACPP_BASE_URL"),
);
registerProvider(
  "anthropic",
  "Anthropic Messages API; key in ANTHROPIC_API_KEY, base URL $ANTHROPIC_BASE_URL or api.anthropic.com",
  (model, opts) =>
    new AnthropicProvider({
      model,
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      ...(opts.apiKeyEnv ? { apiKeyEnv: opts.apiKeyEnv } : {}),
    }),
);
registerProvider("scripted", "answers from code, for tests (scripted/echo)", (model) =>
  scriptedProvider(model),
);
registerProvider(
  "gguf",
  "in-process GGUF model via llama.cpp: gguf/<path.gguf> or gguf/hf:<owner>/<repo>[@rev]/<file.gguf>",
  (model) => ggufProvider(model),
);
