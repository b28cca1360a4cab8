/**
 * Loading the LLMEval-Med release: `{ "<category>": [ {category1, category2, scene, round, problem,
 * groupCode, sanswer, difficulty, checklist}, ... ], ... }`, with Python `NaN` literals for missing
 * values. NaN, null, an absent key and a blank string all count as "missing"; missing optional fields
 * are counted per field and category so the CLI can say how many there were. Required fields
 * (problem, round, groupCode) must be present with the right type; every violation is a UserError
 * naming the file, category, item index and field.
 *
 * A conversation is identified by (category, groupCode): groupCode values repeat across categories.
 * Its turns are ordered by round and must be numbered 1..n without gaps or repeats.
 */
import { readFile } from "node:fs/promises";
import { UserError } from "../util/errors.js";
import { type CategoryInfo, findCategory } from "./categories.js";
import {
  isPyDict,
  isPyNaN,
  type PyDict,
  PyFloat,
  PyJsonSyntaxError,
  type PyValue,
  parsePyJson,
} from "./pyjson.js";
import { pyStr } from "./pynum.js";

export interface MedItem {
  /** The top-level key the item was listed under (the release's category; category1 may differ). */
  category: string;
  info: CategoryInfo;
  /** Position within its category's list (0-based), as in error messages. */
  index: number;
  /** Stable id: `<code>-<groupCode>-<round>`. */
  id: string;
  /** Conversation key: `<code>-<groupCode>`. */
  conversationId: string;
  groupCode: number | string;
  round: number;
  problem: string;
  category1?: string;
  category2?: string;
  scene?: string;
  sanswer?: string;
  difficulty?: string;
  checklist?: string;
  /** Optional fields that the release file gives as a `NaN` literal (not absent): written back as NaN. */
  nanFields?: OptionalField[];
}

export interface Conversation {
  id: string;
  category: string;
  info: CategoryInfo;
  groupCode: number | string;
  /** Turns in round order (round 1 first). */
  turns: MedItem[];
}

export const OPTIONAL_FIELDS = [
  "category1",
  "category2",
  "scene",
  "sanswer",
  "difficulty",
  "checklist",
] as const;
export type OptionalField = (typeof OPTIONAL_FIELDS)[number];

export interface MedDataset {
  source: string;
  items: MedItem[];
  conversations: Conversation[];
  /** Missing values per optional field, per category key. Fields with none missing are absent. */
  missing: Partial<Record<OptionalField, Record<string, number>>>;
}

/** How many values are missing for one field across all categories. */
export function missingTotal(ds: MedDataset, field: OptionalField): number {
  return Object.values(ds.missing[field] ?? {}).reduce((a, b) => a + b, 0);
}

/** One line such as "checklist 462 (MLU 173, MR 102, ...), sanswer 24 (MTG 24)". */
export function describeMissing(ds: MedDataset): string {
  const parts: string[] = [];
  for (const field of OPTIONAL_FIELDS) {
    const per = ds.missing[field];
    if (!per) continue;
    const detail = Object.entries(per)
      .map(([cat, n]) => `${findCategory(cat)?.code ?? cat} ${n}`)
      .join(", ");
    parts.push(`${field} ${missingTotal(ds, field)} (${detail})`);
  }
  return parts.length ? parts.join("; ") : "none";
}

export async function loadDatasetFile(path: string): Promise<MedDataset> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new UserError(`cannot read the LLMEval-Med dataset ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseDataset(text, path);
}

/** Read the release's JSON text (NaN literals allowed) into items and conversations. */
export function parseDataset(text: string, source: string): MedDataset {
  let root: PyValue;
  try {
    root = parsePyJson(text);
  } catch (err) {
    if (err instanceof PyJsonSyntaxError) throw new UserError(`${source}: not valid JSON: ${err.message}`);
    throw err;
  }
  if (!isPyDict(root)) {
    throw new UserError(`${source}: expected an object mapping each category to a list of items`);
  }
  const items: MedItem[] = [];
  const missing: MedDataset["missing"] = {};
  for (const [category, list] of root) {
    const info = findCategory(category);
    if (!info) {
      throw new UserError(
        `${source}: unknown category "${category}" (expected one of 医疗知识, 医疗语言理解, 医疗推理, 医疗安全伦理, 医疗文本生成)`,
      );
    }
    if (!Array.isArray(list))
      throw new UserError(`${source}: category "${category}" must hold a list of items`);
    list.forEach((raw, index) => {
      const where = `${source}: category "${category}", item ${index}`;
      if (!isPyDict(raw)) throw new UserError(`${where}: expected an object`);
      const item = readItem(raw, category, info, index, where);
      for (const field of OPTIONAL_FIELDS) {
        if (item[field] === undefined) {
          const per = missing[field] ?? {};
          per[category] = (per[category] ?? 0) + 1;
          missing[field] = per;
        }
      }
      items.push(item);
    });
  }
  return { source, items, conversations: groupConversations(items, source), missing };
}

/** Missing in the release's sense: absent, null, NaN, or blank text. */
function isMissing(v: PyValue | undefined): boolean {
  return v === undefined || v === null || isPyNaN(v) || (typeof v === "string" && v.trim() === "");
}

function optionalText(raw: PyDict, field: string, where: string): string | undefined {
  const v = raw.get(field);
  if (isMissing(v)) return undefined;
  // A bare number (one MLU reference answer is 131) reads as its text, as the release's f-strings do.
  if (typeof v === "number" || (v instanceof PyFloat && Number.isFinite(v.value))) return pyStr(v);
  if (typeof v !== "string")
    throw new UserError(`${where}: field "${field}" must be text, got ${pyStr(v ?? null)}`);
  return v;
}

function wholeNumber(v: PyValue | undefined): number | undefined {
  const n = typeof v === "number" ? v : v instanceof PyFloat ? v.value : undefined;
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

function readItem(raw: PyDict, category: string, info: CategoryInfo, index: number, where: string): MedItem {
  const problem = optionalText(raw, "problem", where);
  if (problem === undefined) throw new UserError(`${where}: field "problem" is missing`);

  const roundRaw = raw.get("round");
  if (isMissing(roundRaw)) throw new UserError(`${where}: field "round" is missing`);
  const round = wholeNumber(roundRaw);
  if (round === undefined || round < 1) {
    throw new UserError(`${where}: field "round" must be a whole number ≥ 1, got ${pyStr(roundRaw ?? null)}`);
  }

  const gcRaw = raw.get("groupCode");
  if (isMissing(gcRaw)) throw new UserError(`${where}: field "groupCode" is missing`);
  let groupCode: number | string;
  if (typeof gcRaw === "string") groupCode = gcRaw.trim();
  else {
    const n = wholeNumber(gcRaw);
    if (n === undefined) {
      throw new UserError(
        `${where}: field "groupCode" must be a whole number or text, got ${pyStr(gcRaw ?? null)}`,
      );
    }
    groupCode = n;
  }

  const item: MedItem = {
    category,
    info,
    index,
    id: `${info.code}-${groupCode}-${round}`,
    conversationId: `${info.code}-${groupCode}`,
    groupCode,
    round,
    problem,
  };
  for (const field of OPTIONAL_FIELDS) {
    const v = optionalText(raw, field, where);
    if (v !== undefined) item[field] = v;
    else if (isPyNaN(raw.get(field))) item.nanFields = [...(item.nanFields ?? []), field];
  }
  return item;
}

function groupConversations(items: MedItem[], source: string): Conversation[] {
  const byKey = new Map<string, Conversation>();
  for (const item of items) {
    let conv = byKey.get(item.conversationId);
    if (!conv) {
      conv = {
        id: item.conversationId,
        category: item.category,
        info: item.info,
        groupCode: item.groupCode,
        turns: [],
      };
      byKey.set(item.conversationId, conv);
    }
    conv.turns.push(item);
  }
  for (const conv of byKey.values()) {
    conv.turns.sort((a, b) => a.round - b.round || a.index - b.index);
    conv.turns.forEach((turn, i) => {
      if (turn.round !== i + 1) {
        const problem =
          turn.round === i
            ? `repeats round ${turn.round}`
            : `has round ${turn.round} but round ${i + 1} is absent`;
        throw new UserError(
          `${source}: category "${turn.category}", item ${turn.index}: field "round": conversation groupCode ${turn.groupCode} ${problem}`,
        );
      }
    });
  }
  return [...byKey.values()];
}
