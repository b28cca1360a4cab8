/**
 * `--sample N --seed S`: a stratified random subset of a dataset. Each group (the task's first group-by
 * key, e.g. LLMEval-Med's category) gets a share of N in proportion to its size (largest remainders
 * first, ties to the larger group, then the group seen first), and its members are drawn by a seeded
 * shuffle, so the same seed and dataset always give the same subset whatever the order of work.
 * `--limit N` instead takes the first N records of the file, which for a file sorted by group is one group.
 */
import type { Dataset } from "../core/types.js";
import { deriveSeed, Rng } from "../stats/rng.js";
import { UserError } from "../util/errors.js";

export interface SubsetSpec {
  n: number;
  seed: number;
  /** Metadata key the subset is stratified by; absent = a plain random sample. */
  by?: string;
}

/** The ids of the chosen samples, and how many each group got. */
export async function stratifiedSubset(
  dataset: Dataset,
  spec: SubsetSpec,
): Promise<{ ids: Set<string>; perGroup: Map<string, number> }> {
  const groups = new Map<string, string[]>();
  for await (const s of dataset.samples()) {
    const g = spec.by === undefined ? "" : String(s.metadata?.[spec.by] ?? "");
    const list = groups.get(g);
    if (list) list.push(s.id);
    else groups.set(g, [s.id]);
  }
  const total = [...groups.values()].reduce((a, l) => a + l.length, 0);
  if (spec.n > total) throw new UserError(`--sample ${spec.n}: the dataset has only ${total} samples`);
  const entries = [...groups.entries()];
  const quota = entries.map(([, l]) => (spec.n * l.length) / total);
  const take = quota.map(Math.floor);
  let left = spec.n - take.reduce((a, b) => a + b, 0);
  const order = entries
    .map((_, i) => i)
    .sort(
      (a, b) =>
        quota[b]! - take[b]! - (quota[a]! - take[a]!) ||
        entries[b]![1].length - entries[a]![1].length ||
        a - b,
    );
  for (const i of order) {
    if (left === 0) break;
    take[i]!++;
    left--;
  }
  const ids = new Set<string>();
  const perGroup = new Map<string, number>();
  entries.forEach(([g, list], i) => {
    // One generator per group, seeded by the group's name: a group's draw does not depend on the others.
    const rng = new Rng(deriveSeed(spec.seed, g));
    for (const id of rng.shuffle([...list]).slice(0, take[i]!)) ids.add(id);
    perGroup.set(g, take[i]!);
  });
  return { ids, perGroup };
}
