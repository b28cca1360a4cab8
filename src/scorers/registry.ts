/** Scorers by name, so `assay rescore <run> --scorer NAME` can apply one to a stored run. */
import type { Scorer } from "../core/types.js";
import { UserError } from "../util/errors.js";
import { choiceScorer } from "./choice.js";
import { exactMatch } from "./match.js";

export type ScorerFactory = (args: Record<string, string>) => Scorer;

const scorers = new Map<string, { description: string; factory: ScorerFactory }>();

export function registerScorer(name: string, description: string, factory: ScorerFactory): void {
  scorers.set(name, { description, factory });
}

export function createScorer(name: string, args: Record<string, string> = {}): Scorer {
  const entry = scorers.get(name);
  if (!entry) throw new UserError(`unknown scorer "${name}" (known: ${[...scorers.keys()].join(", ")})`);
  return entry.factory(args);
}

export function listScorers(): Array<{ name: string; description: string }> {
  return [...scorers].map(([name, { description }]) => ({ name, description }));
}

registerScorer("exact", "exact match of the extracted final answer against the target", () => exactMatch());
registerScorer("choice", "option letter extracted from the response vs the target letter", () =>
  choiceScorer(),
);
