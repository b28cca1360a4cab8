/**
 * The schema of a config-file eval (`assay eval -c eval.yaml`), in zod. Keys are snake_case like
 * promptfoo's and lm-eval's YAML; unknown keys are refused (a typo must not silently do nothing).
 * docs/tasks.md is the reference for every key.
 */
import { z } from "zod";

const text = z.string().min(1, "expected a non-empty string");

/** A model: "provider/model", or that with a server URL and the variable holding its key. */
const modelRef = z.union([
  text,
  z.strictObject({
    id: text,
    base_url: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).optional(),
    api_key_env: text.optional(),
  }),
]);

const prompt = z.union([text, z.strictObject({ label: text.optional(), template: text })]);

const fieldMap = z.union([
  text,
  z.strictObject({
    input: text.optional(),
    messages: text.optional(),
    images: text.optional(),
    target: text.optional(),
    id: text.optional(),
    choices: text.optional(),
    metadata: z.union([z.literal("*"), z.array(text)]).optional(),
  }),
]);

/**
 * A scorer: its registry name, or `{ scorer, threshold?, …its own arguments }` (its own `name` argument,
 * where it takes one, renames the scores: two `includes` with different arguments need two names).
 */
const scorerRef = z.union([text, z.looseObject({ scorer: text, threshold: z.number().optional() })]);

const generateOptions = z.strictObject({
  temperature: z.number().min(0).max(10).optional(),
  max_tokens: z.number().int().min(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().min(0).optional(),
  stop: z.array(z.string()).optional(),
});

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1, "expected at least one")]);

export const evalConfigSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][\w.-]*$/, "letters, digits, '.', '_' and '-' only, starting with a letter or digit")
    .optional(),
  description: z.string().optional(),
  version: z.union([text, z.number()]).optional(),
  dataset: z.union(
    [text, z.array(z.record(z.string(), z.unknown())).min(1, "expected at least one record")],
    {
      error: (issue) =>
        issue.input === undefined
          ? "missing: a file path, URL, hf: name or a list of records"
          : "expected a file path, URL, hf: name or a list of records",
    },
  ),
  fields: fieldMap.optional(),
  prompt: text.optional(),
  prompts: z.array(prompt).min(1, "expected at least one prompt").optional(),
  system: text.optional(),
  few_shot: z.array(z.strictObject({ input: text, output: text })).optional(),
  model: modelRef.optional(),
  models: z.array(modelRef).min(1, "expected at least one model").optional(),
  judge: modelRef.optional(),
  scorers: oneOrMany(scorerRef).optional(),
  epochs: z.number().int().min(1).max(10_000).optional(),
  epoch_reducer: text.optional(),
  group_by: oneOrMany(text).optional(),
  generate: generateOptions.optional(),
  limit: z.number().int().min(1).optional(),
  seed: z.number().int().min(0).optional(),
  fail_under: z.record(z.string(), z.number()).optional(),
});

export type EvalConfig = z.infer<typeof evalConfigSchema>;
export type ModelRef = z.infer<typeof modelRef>;
export type ScorerRef = z.infer<typeof scorerRef>;
export type PromptRef = z.infer<typeof prompt>;
