/**
 * One Assay Sample per LLMEval-Med conversation: a multi-turn group (same category and groupCode) is
 * one unit of work, so its turns run in order inside one conversation while different groups run
 * concurrently. Everything the judge needs later (reference answers, checklists) travels in the
 * sample's metadata, so a stored run can be re-judged without the dataset file.
 */
import type { Dataset, Sample } from "../core/types.js";
import { memoryDataset } from "../dataset/index.js";
import { type CategoryCode, findCategory } from "./categories.js";
import type { Conversation, MedDataset, MedItem } from "./dataset.js";

export const TASK_NAME = "llmeval-med";

/** The release's answering system message. */
export const ANSWER_SYSTEM = "You are a helpful assistant.";

/** One question of a conversation, as stored in sample metadata. */
export interface TurnMeta {
  /** `<code>-<groupCode>-<round>`. */
  id: string;
  round: number;
  problem: string;
  category1?: string;
  category2?: string;
  scene?: string;
  sanswer?: string;
  checklist?: string;
  difficulty?: string;
  /** Fields the release gives as NaN (see MedItem.nanFields). */
  nanFields?: string[];
}

export interface ConversationMeta {
  /** The release's top-level key (Chinese). */
  category: string;
  code: CategoryCode;
  groupCode: number | string;
  turns: TurnMeta[];
  [key: string]: unknown;
}

function turnMeta(item: MedItem): TurnMeta {
  const t: TurnMeta = { id: item.id, round: item.round, problem: item.problem };
  for (const f of ["category1", "category2", "scene", "sanswer", "checklist", "difficulty"] as const) {
    const v = item[f];
    if (v !== undefined) t[f] = v;
  }
  if (item.nanFields) t.nanFields = [...item.nanFields];
  return t;
}

export function conversationSample(conv: Conversation, system = ANSWER_SYSTEM): Sample {
  const first = conv.turns[0];
  const metadata: ConversationMeta = {
    category: conv.category,
    code: conv.info.code,
    groupCode: conv.groupCode,
    turns: conv.turns.map(turnMeta),
  };
  return {
    id: conv.id,
    input: [
      { role: "system", content: system },
      { role: "user", content: first?.problem ?? "" },
    ],
    metadata,
  };
}

/** Read the conversation metadata back (from a live sample or a stored one). */
export function conversationMeta(metadata: Record<string, unknown> | undefined): ConversationMeta {
  const m = metadata as Partial<ConversationMeta> | undefined;
  if (!m || typeof m.category !== "string" || !Array.isArray(m.turns)) {
    throw new Error("sample metadata is not an LLMEval-Med conversation (category and turns missing)");
  }
  const info = findCategory(m.category);
  if (!info) throw new Error(`sample metadata names an unknown category "${m.category}"`);
  return { ...m, category: m.category, code: info.code, groupCode: m.groupCode ?? "", turns: m.turns };
}

/** The dataset as Samples, optionally restricted to some categories, in file order. */
export function conversationDataset(
  ds: MedDataset,
  opts: { codes?: CategoryCode[]; system?: string } = {},
): Dataset {
  const convs = ds.conversations.filter((c) => !opts.codes || opts.codes.includes(c.info.code));
  return memoryDataset(
    ds.source,
    convs.map((c) => conversationSample(c, opts.system)),
  );
}
