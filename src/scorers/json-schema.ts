/**
 * A small JSON Schema subset, checked when the `json` scorer is built (unsupported keywords are a
 * UserError, never ignored) and compiled once (patterns become RegExps then). Supported: type (one or a
 * list; "integer" too), enum, const, properties, required, additionalProperties (boolean or schema),
 * items (one schema), minItems/maxItems, minLength/maxLength, pattern, minimum/maximum,
 * exclusiveMinimum/exclusiveMaximum (numbers), and the annotations title/description/$schema.
 */
import { UserError } from "../util/errors.js";

type JsonType = "string" | "number" | "integer" | "boolean" | "null" | "object" | "array";
const TYPES: readonly JsonType[] = ["string", "number", "integer", "boolean", "null", "object", "array"];
const ANNOTATIONS = new Set(["title", "description", "$schema", "$id", "examples", "default"]);
const KEYWORDS = new Set([
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
]);

export interface CompiledSchema {
  types?: JsonType[];
  enum?: unknown[];
  const?: { value: unknown };
  properties?: Map<string, CompiledSchema>;
  required?: string[];
  additional?: boolean | CompiledSchema;
  items?: CompiledSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

function fail(path: string, problem: string): never {
  throw new UserError(`scorer json: schema${path}: ${problem}`);
}

function count(schema: Record<string, unknown>, key: string, path: string): number | undefined {
  const v = schema[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) fail(path, `"${key}" must be a number`);
  return v;
}

/** Checks and compiles a schema; `path` names where in the schema an error is ("" for the root). */
export function compileSchema(schema: unknown, path = ""): CompiledSchema {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) fail(path, "must be an object");
  const s = schema as Record<string, unknown>;
  for (const key of Object.keys(s))
    if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key))
      fail(path, `keyword "${key}" is not supported (supported: ${[...KEYWORDS].join(", ")})`);
  const out: CompiledSchema = {};
  if (s.type !== undefined) {
    const types = ([] as unknown[]).concat(s.type);
    for (const t of types)
      if (!TYPES.includes(t as JsonType)) fail(path, `unknown type ${JSON.stringify(t)}`);
    out.types = types as JsonType[];
  }
  if (s.enum !== undefined) {
    if (!Array.isArray(s.enum)) fail(path, `"enum" must be a list`);
    out.enum = s.enum;
  }
  if ("const" in s) out.const = { value: s.const };
  if (s.properties !== undefined) {
    if (typeof s.properties !== "object" || s.properties === null)
      fail(path, `"properties" must be an object`);
    out.properties = new Map(
      Object.entries(s.properties).map(([k, v]) => [k, compileSchema(v, `${path}.properties.${k}`)]),
    );
  }
  if (s.required !== undefined) {
    if (!Array.isArray(s.required) || s.required.some((r) => typeof r !== "string"))
      fail(path, `"required" must be a list of names`);
    out.required = s.required as string[];
  }
  if (s.additionalProperties !== undefined)
    out.additional =
      typeof s.additionalProperties === "boolean"
        ? s.additionalProperties
        : compileSchema(s.additionalProperties, `${path}.additionalProperties`);
  if (s.items !== undefined) out.items = compileSchema(s.items, `${path}.items`);
  if (s.pattern !== undefined) {
    if (typeof s.pattern !== "string") fail(path, `"pattern" must be a string`);
    try {
      out.pattern = new RegExp(s.pattern, "u");
    } catch (e) {
      fail(path, `pattern ${JSON.stringify(s.pattern)} does not compile: ${(e as Error).message}`);
    }
  }
  for (const key of [
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
  ] as const) {
    const v = count(s, key, path);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function typeOf(v: unknown): JsonType {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v as JsonType;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Where a value breaks the schema, as "$.path: problem" lines (at most `limit`). */
export function validate(
  value: unknown,
  schema: CompiledSchema,
  path = "$",
  errors: string[] = [],
  limit = 10,
): string[] {
  const err = (problem: string) => {
    if (errors.length < limit) errors.push(`${path}: ${problem}`);
  };
  const t = typeOf(value);
  if (schema.types && !schema.types.some((want) => want === t || (want === "number" && t === "integer"))) {
    err(`expected ${schema.types.join(" or ")}, got ${t}`);
    return errors;
  }
  if (schema.enum && !schema.enum.some((e) => sameJson(e, value)))
    err(`not one of ${JSON.stringify(schema.enum)}`);
  if (schema.const && !sameJson(schema.const.value, value))
    err(`must equal ${JSON.stringify(schema.const.value)}`);
  if (typeof value === "string") {
    const n = [...value].length;
    if (schema.minLength !== undefined && n < schema.minLength) err(`shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && n > schema.maxLength) err(`longer than ${schema.maxLength}`);
    if (schema.pattern && !schema.pattern.test(value)) err(`does not match /${schema.pattern.source}/`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) err(`below the minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) err(`above the maximum ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      err(`not above ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      err(`not below ${schema.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      err(`fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      err(`more than ${schema.maxItems} items`);
    if (schema.items)
      for (const [i, v] of value.entries()) validate(v, schema.items, `${path}[${i}]`, errors, limit);
  }
  if (t === "object") {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) err(`missing required property "${r}"`);
    for (const [k, v] of Object.entries(obj)) {
      const child = schema.properties?.get(k);
      const at = `${path}.${k}`;
      if (child) validate(v, child, at, errors, limit);
      else if (schema.additional === false) err(`property "${k}" is not allowed`);
      else if (typeof schema.additional === "object") validate(v, schema.additional, at, errors, limit);
    }
  }
  return errors;
}
