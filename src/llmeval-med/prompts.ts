/**
 * Judge prompt sets: one Markdown template per category (`MK.md`, `MLU.md`, `MR.md`, `MSE.md`,
 * `MTG.md`) and an optional `system.md` (default: the release's generic assistant system message).
 * Built-in sets live in resources/llmeval-med/prompts/<version>/<lang>/; `--judge-prompts DIR` replaces
 * them (DIR holds the five files, or zh/ and en/ folders that do).
 *
 * Template syntax: `{{name}}` or `{{name|text used when the value is missing}}`, with names
 * question, response, reference, checklist, category, category2, scene, difficulty. Substitution is a
 * single pass, so an answer that happens to contain "{{...}}" is inserted verbatim.
 *
 * The prompt-set hash (stored in the run manifest) is sha256 over the files in name order, each as
 * `<name>\n<length in bytes>\n<content>`, so any edit, rename or added system.md changes it.
 */

import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ChatMessage } from "../core/types.js";
import { UserError } from "../util/errors.js";
import { packageRoot } from "../util/package-root.js";
import { CATEGORY_CODES, type CategoryCode } from "./categories.js";
import type { MedItem } from "./dataset.js";

/** What a judge prompt is filled from: a dataset item, or a turn read back from a stored run. */
export type JudgeInput = Pick<MedItem, "category" | "problem" | OptionalText> & {
  info: { code: CategoryCode };
};
type OptionalText = "category2" | "scene" | "sanswer" | "difficulty" | "checklist";

export const BUILTIN_PROMPT_VERSION = "v1";
export type PromptLang = "zh" | "en";
export const DEFAULT_SYSTEM = "You are a helpful assistant.";

export const PLACEHOLDERS = [
  "question",
  "response",
  "reference",
  "checklist",
  "category",
  "category2",
  "scene",
  "difficulty",
] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER_RE = /\{\{\s*([A-Za-z0-9_]+)\s*(?:\|([\s\S]*?))?\}\}/g;

/** Text for a missing value when the template gives no fallback of its own. */
const MISSING_TEXT: Record<PromptLang, string> = { zh: "（未提供）", en: "(not provided)" };

export interface PromptSet {
  /** Folder the templates were read from. */
  dir: string;
  /** "builtin:v1/zh" or the user's folder. */
  label: string;
  lang: PromptLang;
  system: string;
  templates: Record<CategoryCode, string>;
  hash: string;
}

export function builtinPromptDir(lang: PromptLang, version = BUILTIN_PROMPT_VERSION): string {
  return join(packageRoot(), "resources", "llmeval-med", "prompts", version, lang);
}

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** Load a prompt set: the built-in one for `lang`, or the user's folder. */
export async function loadPromptSet(opts: { dir?: string; lang?: PromptLang } = {}): Promise<PromptSet> {
  const lang = opts.lang ?? "zh";
  if (lang !== "zh" && lang !== "en") throw new UserError(`--judge-lang: expected zh or en, got "${lang}"`);
  let dir = opts.dir ?? builtinPromptDir(lang);
  const label = opts.dir ?? `builtin:${BUILTIN_PROMPT_VERSION}/${lang}`;
  if (!isDir(dir)) throw new UserError(`--judge-prompts ${dir}: not a folder`);
  if (!existsSync(join(dir, "MK.md")) && isDir(join(dir, lang))) dir = join(dir, lang);

  const files: Array<[string, string]> = [];
  const templates = {} as Record<CategoryCode, string>;
  for (const code of CATEGORY_CODES) {
    const path = join(dir, `${code}.md`);
    if (!existsSync(path)) {
      throw new UserError(
        `judge prompts in ${dir}: ${code}.md is missing (need ${CATEGORY_CODES.join(", ")} .md)`,
      );
    }
    const text = await readFile(path, "utf8");
    validateTemplate(text, path);
    templates[code] = text;
    files.push([`${code}.md`, text]);
  }
  let system = DEFAULT_SYSTEM;
  const systemPath = join(dir, "system.md");
  if (existsSync(systemPath)) {
    const text = await readFile(systemPath, "utf8");
    system = text.trim();
    files.push(["system.md", text]);
  }
  return { dir, label, lang, system, templates, hash: promptSetHash(files) };
}

export function promptSetHash(files: ReadonlyArray<readonly [string, string]>): string {
  const h = createHash("sha256");
  for (const [name, content] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    h.update(`${name}\n${Buffer.byteLength(content)}\n`);
    h.update(content);
  }
  return h.digest("hex");
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

/** Every placeholder must be known, and the question and the answer must both appear. */
export function validateTemplate(text: string, source: string): void {
  const seen = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER_RE)) {
    const name = m[1] ?? "";
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new UserError(
        `${source}, line ${lineOf(text, m.index ?? 0)}: unknown placeholder {{${name}}} (known: ${PLACEHOLDERS.join(", ")})`,
      );
    }
    seen.add(name);
  }
  for (const required of ["question", "response"]) {
    if (!seen.has(required)) throw new UserError(`${source}: the template never uses {{${required}}}`);
  }
}

function fieldValue(item: JudgeInput, name: Placeholder, response: string): string | undefined {
  switch (name) {
    case "question":
      return item.problem;
    case "response":
      return response;
    case "reference":
      return item.sanswer;
    case "category":
      return item.category;
    default:
      return item[name];
  }
}

/** Fill a category's template for one answer. */
export function renderJudgePrompt(set: PromptSet, item: JudgeInput, response: string): string {
  const template = set.templates[item.info.code];
  return template.replace(PLACEHOLDER_RE, (_all, name: string, fallback: string | undefined) => {
    const v = fieldValue(item, name as Placeholder, response);
    if (v !== undefined && v.trim() !== "") return v;
    return fallback ?? MISSING_TEXT[set.lang];
  });
}

/** The judge's messages: the set's system message, then the filled template as the user turn. */
export function judgeMessages(set: PromptSet, item: JudgeInput, response: string): ChatMessage[] {
  return [
    { role: "system", content: set.system },
    { role: "user", content: renderJudgePrompt(set, item, response) },
  ];
}
