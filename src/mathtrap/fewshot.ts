/**
 * Prompting variants from the paper: plain, a natural-language hint that the problem may be flawed,
 * and 1-shot / 5-shot demonstrations. Demonstrations are trap problems from the loaded public data,
 * each followed by a response that identifies its flaw (the data's gpt4_annotation field). They are
 * chosen by code for each evaluated item, never stored in the repo, and never come from the item's own
 * group (the same original problem or a trap built on it), so no answer leaks into its own prompt.
 */
import type { ChatMessage } from "../core/types.js";
import { Rng } from "../stats/rng.js";
import { UserError } from "../util/errors.js";
import { sha256 } from "../util/hash.js";
import type { ConceptualProblem, OriginalProblem, TrapProblem, TrapType } from "./data.js";
import { type PromptSet, renderPrompt } from "./prompts.js";

export const VARIANTS = ["plain", "hint", "1-shot", "5-shot"] as const;
export type PromptVariant = (typeof VARIANTS)[number];

export function parseVariant(value: string, where = "variant"): PromptVariant {
  const v = VARIANTS.find((x) => x === value.trim().toLowerCase());
  if (!v)
    throw new UserError(`${where}: unknown prompting variant "${value}" (one of ${VARIANTS.join(", ")})`);
  return v;
}

export function shotsOf(variant: PromptVariant): number {
  return variant === "1-shot" ? 1 : variant === "5-shot" ? 5 : 0;
}

export interface Demonstration {
  /** Id of the trap problem the demonstration was taken from. */
  id: string;
  problem: string;
  response: string;
  trapType: TrapType;
}

/**
 * `k` demonstrations for the item with id `itemId` in `group`: drawn deterministically (seeded by the
 * item id) from the pool minus that group, spreading over trap types before repeating one.
 */
export function selectDemonstrations(
  pool: readonly TrapProblem[],
  item: { id: string; group: string },
  k: number,
  seed = 0,
): Demonstration[] {
  if (k <= 0) return [];
  const eligible = pool.filter((p) => p.group !== item.group && p.id !== item.id && p.demoResponse);
  if (eligible.length < k) {
    throw new UserError(
      `few-shot: only ${eligible.length} demonstrations available for ${item.id}, ${k} needed (trap records need a gpt4_annotation)`,
    );
  }
  const rng = new Rng(Number.parseInt(sha256(`${seed}:${item.id}`).slice(0, 8), 16));
  const shuffled = rng.shuffle([...eligible]);
  // Round-robin over trap types (in order of first appearance) so five shots show several kinds of flaw.
  const byType = new Map<TrapType, TrapProblem[]>();
  for (const p of shuffled) {
    const list = byType.get(p.trapType) ?? [];
    list.push(p);
    byType.set(p.trapType, list);
  }
  const picked: TrapProblem[] = [];
  const usedGroups = new Set<string>();
  while (picked.length < k) {
    let progressed = false;
    for (const list of byType.values()) {
      if (picked.length >= k) break;
      // Prefer demonstrations from different originals; fall back when the pool runs short.
      const idx = list.findIndex((p) => !usedGroups.has(p.group));
      const next = idx >= 0 ? list.splice(idx, 1)[0] : list.shift();
      if (!next) continue;
      picked.push(next);
      usedGroups.add(next.group);
      progressed = true;
    }
    if (!progressed) break;
  }
  return picked.map((p) => ({
    id: p.id,
    problem: p.question,
    response: p.demoResponse ?? "",
    trapType: p.trapType,
  }));
}

/** The conversation sent to the model under test for one item. Conceptual questions are always plain. */
export function buildMessages(
  prompts: PromptSet,
  item: ConceptualProblem | OriginalProblem | TrapProblem,
  variant: PromptVariant,
  demos: readonly Demonstration[] = [],
): ChatMessage[] {
  if (item.kind === "conceptual")
    return [{ role: "user", content: renderPrompt(prompts, "conceptual.txt", { question: item.question }) }];
  const messages: ChatMessage[] = [];
  for (const d of demos) {
    messages.push({ role: "user", content: renderPrompt(prompts, "solve.txt", { problem: d.problem }) });
    messages.push({ role: "assistant", content: d.response });
  }
  const template = variant === "hint" ? "hint.txt" : "solve.txt";
  messages.push({ role: "user", content: renderPrompt(prompts, template, { problem: item.question }) });
  return messages;
}
