/** Per-group breakdown: run the same analysis on each group of items (e.g. per category). */
import { groupBy } from "../stats/group.js";

/** Groups items by key, groups sorted by key (code-point order), items in input order. */
export function groupBySorted<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = groupBy(items, key);
  return new Map([...groups.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

/** Applies `analyse` to each group; returns [{group, items, result}] in group order. */
export function breakdown<T, R>(
  items: readonly T[],
  key: (item: T) => string,
  analyse: (groupItems: T[], group: string) => R,
): { group: string; items: number; result: R }[] {
  return [...groupBySorted(items, key)].map(([group, groupItems]) => ({
    group,
    items: groupItems.length,
    result: analyse(groupItems, group),
  }));
}
