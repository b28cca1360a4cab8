/**
 * Scorers by name, so task files, YAML configs (`createScorer(name, args)`) and
 * `assay rescore <run> --scorer NAME [--scorer-arg k=v]` can all build one. Arguments arrive as strings
 * from the CLI and as numbers, lists and objects from YAML; each factory reads them through ScorerArgs,
 * which accepts both and rejects unknown names, so a mistake is a UserError before any run is created.
 */
import type { Scorer } from "../core/types.js";
import { UserError } from "../util/errors.js";
import { ScorerArgs } from "./args.js";
import { choiceScorer } from "./choice.js";
import { f1FromArgs } from "./f1.js";
import { includesFromArgs } from "./includes.js";
import { jsonFromArgs } from "./json.js";
import { exactMatch } from "./match.js";
import { mathFromArgs } from "./math.js";
import { numericFromArgs } from "./numeric.js";
import { regexFromArgs } from "./regex.js";
import { rubricFromArgs } from "./rubric.js";

export type ScorerFactory = (args: Record<string, unknown>) => Scorer;

const scorers = new Map<string, { description: string; factory: ScorerFactory }>();

export function registerScorer(name: string, description: string, factory: ScorerFactory): void {
  scorers.set(name, { description, factory });
}

export function createScorer(name: string, args: Record<string, unknown> = {}): Scorer {
  const entry = scorers.get(name);
  if (!entry) throw new UserError(`unknown scorer "${name}" (known: ${[...scorers.keys()].join(", ")})`);
  return entry.factory(args);
}

export function listScorers(): Array<{ name: string; description: string }> {
  return [...scorers].map(([name, { description }]) => ({ name, description }));
}

registerScorer("exact", "exact match of the extracted final answer against the target", (raw) => {
  const a = new ScorerArgs("exact", raw);
  const extract = a.boolean("extract");
  a.done();
  return exactMatch(extract !== undefined ? { extract } : {});
});
registerScorer("choice", "option letter extracted from the response vs the target letter", (raw) => {
  new ScorerArgs("choice", raw).done();
  return choiceScorer();
});
registerScorer(
  "includes",
  "the output contains the target text (args: target, ignore_case, mode=any|all)",
  includesFromArgs,
);
registerScorer(
  "regex",
  "a pattern matches the output, or its capture group equals the target (args: pattern, flags, group, match)",
  regexFromArgs,
);
registerScorer("f1", "SQuAD token F1 against the best target (args: extract)", f1FromArgs);
registerScorer(
  "numeric",
  "the last number of the answer within tolerance of the target (args: abs_tol, rel_tol, extract)",
  numericFromArgs,
);
registerScorer(
  "math",
  "LaTeX-aware equivalence of the final answer; undecided cases are left out (args: undecided=skip|incorrect)",
  mathFromArgs,
);
registerScorer(
  "json",
  "valid JSON, optionally matching a JSON-schema subset (args: schema, extract)",
  jsonFromArgs,
);
registerScorer(
  "rubric",
  "an LLM judge grades the answer against a rubric and/or the reference (args: rubric, scale, runs, aggregate, …)",
  rubricFromArgs,
);
