/**
 * Reading a config-file eval: YAML or JSON (parsed as YAML, which keeps every node's place), checked
 * against the zod schema. Each problem becomes one UserError "<file>:<line>: <key>: <problem>"; the
 * line is the offending key's, an unknown key's own, or the enclosing map's for a missing key.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { errorMessage, UserError } from "../util/errors.js";
import { type EvalConfig, evalConfigSchema } from "./config-schema.js";

export interface LoadedConfig {
  /** As given (for messages). */
  file: string;
  text: string;
  sha256: string;
  config: EvalConfig;
  /** 1-based line of a key path in the file (for later checks, e.g. an unknown scorer). */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

export function readConfigFile(file: string): LoadedConfig {
  if (!existsSync(file)) throw new UserError(`config ${file}: no such file`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UserError(`config ${file}: ${errorMessage(err)}`);
  }
  return parseConfigText(file, text);
}

/** Parse and validate a config's text (also used to rebuild a run's task from its manifest). */
export function parseConfigText(file: string, text: string): LoadedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ""), { lineCounter: lines, prettyErrors: false });
  const lineAt = (offset: number) => lines.linePos(offset).line;
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line ?? lineAt(first.pos[0]);
    throw new UserError(`${file}:${line}: not valid YAML or JSON: ${first.message.split("\n")[0]}`);
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new UserError(`${file}:1: expected a map of keys (dataset, prompts, models, scorers, …)`);
  const lineOf = (path: ReadonlyArray<string | number>): number | undefined => {
    const node = keyNodeAt(doc.contents, path) ?? nodeAt(doc.contents, path);
    return node?.range ? lineAt(node.range[0]) : undefined;
  };
  const parsed = evalConfigSchema.safeParse(value);
  if (!parsed.success)
    throw new UserError(describeIssue(file, parsed.error.issues[0]!, doc.contents, lineAt));
  const config = parsed.data;
  const both = (a: keyof EvalConfig, b: keyof EvalConfig) => {
    if (config[a] !== undefined && config[b] !== undefined)
      throw new UserError(`${file}:${lineOf([b]) ?? 1}: ${b}: give ${a} or ${b}, not both`);
  };
  both("prompt", "prompts");
  both("model", "models");
  return {
    file,
    text,
    sha256: createHash("sha256").update(text).digest("hex"),
    config,
    lineOf,
  };
}

/** The config's task name: its `name`, else the file's name ("eval.yaml" → "eval"). */
export function configTaskName(loaded: LoadedConfig): string {
  return loaded.config.name ?? (basename(loaded.file).split(".")[0] || "eval");
}

function describeIssue(
  file: string,
  issue: z.core.$ZodIssue,
  root: unknown,
  lineAt: (offset: number) => number,
): string {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const key = keyPath(path);
  if (issue.code === "unrecognized_keys") {
    // Point at the first unknown key itself.
    const unknown = issue.keys[0]!;
    const map = nodeAt(root, path);
    const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === unknown) : undefined;
    const offset = (isNode(pair?.key) ? pair.key.range?.[0] : undefined) ?? map?.range?.[0] ?? 0;
    const at = key ? `${key}.${unknown}` : unknown;
    return `${file}:${lineAt(offset)}: ${at}: unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(", ")}` : ""} (see docs/tasks.md for the keys)`;
  }
  // A missing key has no node: the nearest enclosing one that exists gives the line.
  let node: Node | undefined;
  for (let n = path.length; n >= 0 && !node; n--) node = nodeAt(root, path.slice(0, n));
  const line = node?.range ? lineAt(node.range[0]) : 1;
  return `${file}:${line}: ${key || "(top level)"}: ${issue.message}`;
}

/** ["scorers", 1, "rubric"] → "scorers[1].rubric". */
export function keyPath(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${p}` : p)).join("");
}

/** The key node of a path's last step when it is a map key (its line is the key's, not its value's). */
function keyNodeAt(root: unknown, path: ReadonlyArray<string | number>): Node | undefined {
  const last = path[path.length - 1];
  if (typeof last !== "string") return undefined;
  const parent = path.length > 1 ? nodeAt(root, path.slice(0, -1)) : isNode(root) ? root : undefined;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
  return isNode(pair?.key) ? pair.key : undefined;
}

/** The YAML node at a key path (map keys and list indexes). */
function nodeAt(root: unknown, path: ReadonlyArray<string | number>): Node | undefined {
  let node: unknown = root;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === step);
      node = pair?.value;
    } else if (isSeq(node) && typeof step === "number") node = node.items[step];
    else return undefined;
    if (node === undefined || node === null) return undefined;
  }
  return isNode(node) ? node : undefined;
}
