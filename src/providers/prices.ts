/**
 * Prices of hosted models in US dollars per million tokens, for the cost shown on the progress line and
 * in summaries, `--cost-limit` and `--dry-run`. Providers change their prices: the table is dated,
 * and `--price in=X,out=Y` (or a JSON file of entries, see `readPriceFile`) overrides it. A model that
 * is not in the table (any local model) has no price, and its cost is not shown rather than shown as 0.
 */
import { readFileSync } from "node:fs";
import { errorMessage, UserError } from "../util/errors.js";

/** When the table was last checked against the providers' published prices. */
export const PRICES_AS_OF = "2025-11";

export interface Price {
  /** USD per 1M input (prompt) tokens. */
  input: number;
  /** USD per 1M output tokens (reasoning tokens are billed as output). */
  output: number;
}

/** Keys are model-name prefixes: "gpt-4o-mini-2024-07-18" uses "gpt-4o-mini", the longest that matches. */
export const PRICES: Readonly<Record<string, Price>> = {
  // OpenAI
  "gpt-5": { input: 1.25, output: 10 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4-turbo": { input: 10, output: 30 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  o1: { input: 15, output: 60 },
  "o1-mini": { input: 1.1, output: 4.4 },
  o3: { input: 2, output: 8 },
  "o3-mini": { input: 1.1, output: 4.4 },
  "o4-mini": { input: 1.1, output: 4.4 },
  // Anthropic
  "claude-opus-4-5": { input: 5, output: 25 },
  "claude-opus-4-1": { input: 15, output: 75 },
  "claude-opus-4": { input: 15, output: 75 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-sonnet-4": { input: 3, output: 15 },
  "claude-3-7-sonnet": { input: 3, output: 15 },
  "claude-3-5-sonnet": { input: 3, output: 15 },
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-3-5-haiku": { input: 0.8, output: 4 },
  "claude-3-opus": { input: 15, output: 75 },
  "claude-3-haiku": { input: 0.25, output: 1.25 },
};

/**
 * The price of a model id ("provider/model" or a bare model name): an exact entry of `extra`, then the
 * longest table (or `extra`) prefix followed by "-" or the end of the name.
 */
export function priceOf(modelId: string, extra: Readonly<Record<string, Price>> = {}): Price | undefined {
  const slash = modelId.indexOf("/");
  const name = slash >= 0 ? modelId.slice(slash + 1) : modelId;
  const direct = extra[modelId] ?? extra[name];
  if (direct) return direct;
  let best: string | undefined;
  for (const table of [extra, PRICES])
    for (const key of Object.keys(table))
      if ((name === key || name.startsWith(`${key}-`)) && (!best || key.length > best.length)) best = key;
  return best === undefined ? undefined : (extra[best] ?? PRICES[best]);
}

/** Dollars for a token count at a price. */
export function costOf(price: Price, inputTokens: number, outputTokens: number): number {
  return (inputTokens * price.input + outputTokens * price.output) / 1e6;
}

/** `in=2.5,out=10` (USD per 1M tokens). */
export function parsePrice(flag: string, value: string): Price {
  const fields = new Map(
    value.split(",").map((kv) => {
      const eq = kv.indexOf("=");
      return [kv.slice(0, eq).trim(), Number(kv.slice(eq + 1))] as const;
    }),
  );
  const input = fields.get("in");
  const output = fields.get("out");
  const ok = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x) && x >= 0;
  if (!ok(input) || !ok(output) || fields.size !== 2)
    throw new UserError(
      `${flag} ${value}: expected in=<USD per 1M input tokens>,out=<USD per 1M output tokens>`,
    );
  return { input, output };
}

/** A JSON file `{ "<model or prefix>": { "input": X, "output": Y }, … }` (USD per 1M tokens). */
export function readPriceFile(file: string): Record<string, Price> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserError(`price file ${file}: ${errorMessage(err)}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new UserError(`price file ${file}: expected an object of model → {"input": USD, "output": USD}`);
  const out: Record<string, Price> = {};
  for (const [model, p] of Object.entries(value as Record<string, unknown>)) {
    const { input, output } = (p ?? {}) as { input?: unknown; output?: unknown };
    if (typeof input !== "number" || typeof output !== "number" || input < 0 || output < 0)
      throw new UserError(
        `price file ${file}: field "${model}": expected {"input": USD, "output": USD} per 1M tokens`,
      );
    out[model] = { input, output };
  }
  return out;
}

/** "$0.0123" with enough digits to be useful for small sums. */
export function formatUsd(usd: number): string {
  return `$${usd >= 100 ? usd.toFixed(0) : usd >= 1 ? usd.toFixed(2) : usd.toFixed(4)}`;
}
