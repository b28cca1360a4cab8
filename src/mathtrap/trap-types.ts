/** The five trap types of MathTrap and the `--types` parser (a module of its own: the CLI needs it to define options). */
import { UserError } from "../util/errors.js";

export const TRAP_TYPES = [
  "Concept Undefined",
  "Missing Condition",
  "Direct Contradiction",
  "Indirect Contradiction",
  "Violating Common Sense",
] as const;
export type TrapType = (typeof TRAP_TYPES)[number];

/** "all" or a comma list of trap types (case, spaces, "-" and "_" ignored), without repeats. */
export function parseTrapTypes(text: string): TrapType[] {
  if (text.trim().toLowerCase() === "all") return [...TRAP_TYPES];
  const out: TrapType[] = [];
  for (const part of text
    .split(/[,|]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const key = part.toLowerCase().replace(/[\s_-]+/g, "");
    const t = TRAP_TYPES.find((x) => x.toLowerCase().replace(/\s+/g, "") === key);
    if (!t)
      throw new UserError(`--types: unknown trap type "${part}" (one of ${TRAP_TYPES.join(", ")}, or all)`);
    if (!out.includes(t)) out.push(t);
  }
  if (out.length === 0) throw new UserError("--types: give at least one trap type");
  return out;
}
