/**
 * Optional prices for the report's cost per role: a JSON object mapping a model id exactly as given on
 * the command line (e.g. "openai/gpt-4o") to US dollars per million tokens,
 * `{ "openai/gpt-4o": { "input": 2.5, "output": 10 } }`. Models without an entry get no cost.
 */
import { UserError } from "../util/errors.js";

export type Pricing = Map<string, { input: number; output: number }>;

export function parsePricing(text: string, source: string): Pricing {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${source}: not valid JSON: ${(err as Error).message}`);
  }
  if (root === null || typeof root !== "object" || Array.isArray(root)) {
    throw new UserError(
      `${source}: expected an object mapping model ids to { "input": $/Mtok, "output": $/Mtok }`,
    );
  }
  const out: Pricing = new Map();
  for (const [model, price] of Object.entries(root)) {
    const p = price as Record<string, unknown> | null;
    for (const field of ["input", "output"]) {
      const v = p?.[field];
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
        throw new UserError(
          `${source}: "${model}": field "${field}" must be a price ≥ 0 in $ per million tokens`,
        );
      }
    }
    out.set(model, { input: p?.input as number, output: p?.output as number });
  }
  return out;
}

/** Dollars for the given token counts, or undefined when the model has no price. */
export function costOf(
  pricing: Pricing | undefined,
  model: string | null,
  input: number,
  output: number,
): number | undefined {
  const p = model ? pricing?.get(model) : undefined;
  return p ? (input * p.input + output * p.output) / 1e6 : undefined;
}
