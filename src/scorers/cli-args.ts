/**
 * `assay rescore --scorer NAME … --scorer-arg key=value …`: which argument goes to which scorer. With one
 * --scorer, `key=value` is its argument; with several, `NAME.key=value` names the scorer (the plain form
 * is then an error, since it would be unclear). Values stay strings; each scorer reads its own types.
 */
import type { Scorer } from "../core/types.js";
import { UserError } from "../util/errors.js";
import { createScorer } from "./registry.js";

export function scorerArgsByName(
  names: readonly string[],
  pairs: readonly string[],
): Map<string, Record<string, string>> {
  const out = new Map(names.map((n) => [n, {} as Record<string, string>]));
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UserError(`--scorer-arg ${pair}: expected key=value (or scorer.key=value)`);
    const left = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const dot = left.indexOf(".");
    const named = dot > 0 && out.has(left.slice(0, dot));
    let scorer: string;
    let key: string;
    if (named) {
      scorer = left.slice(0, dot);
      key = left.slice(dot + 1);
    } else if (names.length === 1) {
      scorer = names[0]!;
      key = left;
    } else {
      throw new UserError(
        `--scorer-arg ${pair}: with several --scorer, name the scorer (e.g. ${names[0] ?? "includes"}.${left}=${value})`,
      );
    }
    const args = out.get(scorer)!;
    if (key in args) throw new UserError(`--scorer-arg ${pair}: ${scorer}.${key} is given twice`);
    args[key] = value;
  }
  return out;
}

/** The scorers `--scorer` names, built with their `--scorer-arg` arguments. */
export function scorersFromFlags(names: readonly string[], pairs: readonly string[] = []): Scorer[] {
  if (pairs.length && names.length === 0) throw new UserError("--scorer-arg needs --scorer NAME");
  const args = scorerArgsByName(names, pairs);
  return names.map((n) => createScorer(n, args.get(n) ?? {}));
}
