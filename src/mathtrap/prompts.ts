/**
 * Versioned, replaceable prompt files. A prompt set is a folder of text templates with {{name}}
 * placeholders (resources/mathtrap/prompts/v1 is the default). `--prompts <dir>` swaps in another
 * folder; it must hold the same files with the same placeholders. The set's hash is recorded with
 * every result so runs with different prompts are never mixed up.
 */

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../util/errors.js";
import { sha256 } from "../util/hash.js";
import { packageRoot } from "../util/package-root.js";
import { TRAP_TYPES, type TrapType } from "./data.js";

/** Template files and the placeholders each must use (no others are allowed). */
export const PROMPT_TEMPLATES = {
  "solve.txt": ["problem"],
  "hint.txt": ["problem"],
  "conceptual.txt": ["question"],
  "judge-trap.txt": ["problem", "annotation", "response"],
  "judge-original.txt": ["problem", "reference", "response"],
  "judge-conceptual.txt": ["question", "reference", "response"],
  "generate.txt": ["trap_type", "trap_definition", "problem", "solution"],
} as const satisfies Record<string, readonly string[]>;

export type PromptName = keyof typeof PROMPT_TEMPLATES;
export type PromptVars<N extends PromptName> = Record<(typeof PROMPT_TEMPLATES)[N][number], string>;

export interface PromptSet {
  /** Folder the files came from. */
  dir: string;
  /** sha256 over every file name and content, in name order. */
  hash: string;
  templates: Record<PromptName, string>;
  /** Definition of each trap type, given to the trap generator. */
  trapDefinitions: Record<TrapType, string>;
}

const PLACEHOLDER_RE = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

/** The trap verifier's prompt (kept outside the prompt sets, whose hash versions evaluation runs). */
export function defaultVerifyPrompt(): string {
  return join(packageRoot(), "resources", "mathtrap", "verify-trap.txt");
}

/** Fill `{{name}}` placeholders of a free-standing template (unknown names become empty). */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER_RE, (_m, key: string) => values[key] ?? "").trimEnd();
}

export function defaultPromptDir(): string {
  return join(packageRoot(), "resources", "mathtrap", "prompts", "v1");
}

function readPromptFile(dir: string, name: string): string {
  const path = join(dir, name);
  if (!existsSync(path))
    throw new UserError(
      `${path}: prompt file missing (a prompt set needs ${[...Object.keys(PROMPT_TEMPLATES), "trap-types.json"].join(", ")})`,
    );
  return readFileSync(path, "utf8");
}

export function loadPromptSet(dir: string = defaultPromptDir()): PromptSet {
  const root = resolve(dir);
  const templates = {} as Record<PromptName, string>;
  const hashed: string[] = [];
  for (const [name, required] of Object.entries(PROMPT_TEMPLATES) as [PromptName, readonly string[]][]) {
    const text = readPromptFile(root, name);
    const used = new Set([...text.matchAll(PLACEHOLDER_RE)].map((m) => m[1]!));
    for (const p of required) {
      if (!used.has(p)) throw new UserError(`${join(root, name)}: placeholder {{${p}}} is missing`);
    }
    for (const p of used) {
      if (!required.includes(p))
        throw new UserError(
          `${join(root, name)}: unknown placeholder {{${p}}} (allowed: ${required.join(", ")})`,
        );
    }
    templates[name] = text;
    hashed.push(name, text);
  }
  const defsPath = join(root, "trap-types.json");
  const defsText = readPromptFile(root, "trap-types.json");
  let defs: unknown;
  try {
    defs = JSON.parse(defsText);
  } catch (err) {
    throw new UserError(`${defsPath}: invalid JSON (${(err as Error).message})`);
  }
  const trapDefinitions = {} as Record<TrapType, string>;
  for (const t of TRAP_TYPES) {
    const v = (defs as Record<string, unknown> | null)?.[t];
    if (typeof v !== "string" || v.trim().length === 0)
      throw new UserError(`${defsPath}: field "${t}" must be a non-empty string`);
    trapDefinitions[t] = v;
  }
  hashed.push("trap-types.json", defsText);
  return { dir: root, hash: sha256(hashed.join("\u0000")), templates, trapDefinitions };
}

/** Fill a template. Values are inserted verbatim (no recursive expansion of {{...}} inside them). */
export function renderPrompt<N extends PromptName>(set: PromptSet, name: N, vars: PromptVars<N>): string {
  const values = vars as Record<string, string>;
  return set.templates[name].replace(PLACEHOLDER_RE, (_m, key: string) => values[key] ?? "").trimEnd();
}
