/**
 * `json`: the answer is valid JSON and, when a `schema` is given, satisfies it (the subset in
 * json-schema.ts). With `extract` (default true) the content of the last ```json fenced block counts
 * (or of the last plain ``` block when there is no json one); without a fence, the whole output, trimmed.
 */
import type { Scorer } from "../core/types.js";
import { ScorerArgs } from "./args.js";
import { type CompiledSchema, compileSchema, validate } from "./json-schema.js";

const FENCE = /```[ \t]*([A-Za-z0-9_-]*)[^\n]*\n([\s\S]*?)```/g;

/** The JSON text of a response: its last ```json block, else its last ``` block, else all of it. */
export function extractJsonText(text: string): { text: string; from: "json-fence" | "fence" | "whole" } {
  let json: string | undefined;
  let plain: string | undefined;
  FENCE.lastIndex = 0;
  for (let m = FENCE.exec(text); m; m = FENCE.exec(text)) {
    if (m[1]!.toLowerCase() === "json") json = m[2];
    else if (m[1] === "") plain = m[2];
  }
  if (json !== undefined) return { text: json.trim(), from: "json-fence" };
  if (plain !== undefined) return { text: plain.trim(), from: "fence" };
  return { text: text.trim(), from: "whole" };
}

export interface JsonOptions {
  /** A JSON Schema (the supported subset); the answer must satisfy it. */
  schema?: Record<string, unknown>;
  /** Read a fenced ```json block when there is one (default true). */
  extract?: boolean;
  name?: string;
}

export function jsonScorer(opts: JsonOptions = {}): Scorer {
  const schema: CompiledSchema | undefined = opts.schema ? compileSchema(opts.schema) : undefined;
  const extract = opts.extract ?? true;
  return {
    name: opts.name ?? "json",
    metrics: ["accuracy", "stderr", "bootstrap_ci"],
    async score(state) {
      const output = state.output?.text ?? "";
      const found = extract ? extractJsonText(output) : { text: output.trim(), from: "whole" as const };
      let value: unknown;
      try {
        value = JSON.parse(found.text);
      } catch (e) {
        return {
          value: 0,
          answer: found.text,
          explanation: `not valid JSON: ${(e as Error).message}`,
          metadata: { valid_json: false, from: found.from },
        };
      }
      const errors = schema ? validate(value, schema) : [];
      return {
        value: errors.length === 0 ? 1 : 0,
        answer: found.text,
        explanation:
          errors.length === 0
            ? schema
              ? "valid JSON matching the schema"
              : "valid JSON"
            : errors.join("; "),
        metadata: { valid_json: true, from: found.from, ...(schema ? { schema_errors: errors } : {}) },
      };
    },
  };
}

export function jsonFromArgs(raw: Record<string, unknown>): Scorer {
  const a = new ScorerArgs("json", raw);
  const schema = a.object("schema");
  const extract = a.boolean("extract");
  const name = a.string("name");
  a.done();
  return jsonScorer({
    ...(schema ? { schema } : {}),
    ...(extract !== undefined ? { extract } : {}),
    ...(name ? { name } : {}),
  });
}
