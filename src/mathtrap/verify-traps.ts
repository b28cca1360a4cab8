/**
 * An automatic second look at generated traps: a verifier model is asked whether the edited problem is
 * really flawed and whether its flaw is of the labelled type. The answer is recorded on the record as
 * `auto_check`, beside (never instead of) the human approval: `assay mathtrap approve` shows it, and
 * evaluation still counts only records a person approved.
 */
import { readFileSync } from "node:fs";
import type { ModelHandle } from "../core/types.js";
import { errorMessage, UserError } from "../util/errors.js";
import { replyObject } from "./generate.js";
import { defaultVerifyPrompt, fillPlaceholders, type PromptSet } from "./prompts.js";
import { TRAP_TYPES, type TrapType } from "./trap-types.js";

export interface AutoCheck {
  model: string;
  /** The verifier's verdict: the problem cannot be answered as asked. */
  flawed: boolean | null;
  /** The kind of flaw it named, when one of the known types. */
  predicted_type: TrapType | null;
  /** flawed and of the labelled type. */
  passed: boolean;
  reason: string;
  /** Set when the reply could not be read or the call failed (then `passed` is false). */
  error?: string;
  checked_at: string;
}

/** Read a verifier reply: {"flawed": bool, "trap_type": "...", "reason": "..."}. */
export function parseVerifierReply(
  text: string,
  labelled: TrapType,
): Omit<AutoCheck, "model" | "checked_at"> {
  const o = replyObject(text);
  const flawed = o?.flawed;
  if (!o || typeof flawed !== "boolean")
    return {
      flawed: null,
      predicted_type: null,
      passed: false,
      reason: "",
      error: 'no JSON verdict with a boolean "flawed"',
    };
  const named = typeof o.trap_type === "string" ? o.trap_type.trim().toLowerCase() : "";
  const predicted = TRAP_TYPES.find((t) => t.toLowerCase() === named) ?? null;
  return {
    flawed,
    predicted_type: predicted,
    passed: flawed && predicted === labelled,
    reason: typeof o.reason === "string" ? o.reason.trim() : "",
  };
}

interface CheckableRecord {
  trap_problem: string;
  original_problem: string;
  human_annotation: string;
  trap_type: TrapType;
}

/** Check records (in place: each gets `auto_check`), `concurrency` at a time. */
export async function verifyTraps<R extends CheckableRecord>(
  records: R[],
  verifier: ModelHandle,
  prompts: PromptSet,
  opts: { concurrency: number; promptFile?: string; onDone?: () => void },
): Promise<Array<R & { auto_check: AutoCheck }>> {
  const file = opts.promptFile ?? defaultVerifyPrompt();
  let template: string;
  try {
    template = readFileSync(file, "utf8");
  } catch (err) {
    throw new UserError(`${file}: cannot read the verifier prompt (${errorMessage(err)})`);
  }
  const out = records as Array<R & { auto_check: AutoCheck }>;
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const r = out[next++]!;
      const prompt = fillPlaceholders(template, {
        original_problem: r.original_problem,
        trap_problem: r.trap_problem,
        trap_type: r.trap_type,
        trap_definition: prompts.trapDefinitions[r.trap_type],
        human_annotation: r.human_annotation,
        trap_types: TRAP_TYPES.join(", "),
      });
      const base = { model: verifier.id, checked_at: new Date().toISOString() };
      try {
        const reply = await verifier.generate([{ role: "user", content: prompt }], { temperature: 0 });
        r.auto_check = { ...base, ...parseVerifierReply(reply.text, r.trap_type) };
      } catch (err) {
        r.auto_check = {
          ...base,
          flawed: null,
          predicted_type: null,
          passed: false,
          reason: "",
          error: errorMessage(err),
        };
      }
      opts.onDone?.();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, records.length)) }, worker));
  return out;
}
