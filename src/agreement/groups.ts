/** Per-group breakdown: run the same analysis on each group of items (e.g. per category). */

/** Groups items by key, groups sorted by key (code-point order), items in input order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return new Map([...groups.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

/** Applies `analyse` to each group; returns [{group, items, result}] in group order. */
export function breakdown<T, R>(
  items: readonly T[],
  key: (item: T) => string,
  analyse: (groupItems: T[], group: string) => R,
): { group: string; items: number; result: R }[] {
  return [...groupBy(items, key)].map(([group, groupItems]) => ({
    group,
    items: groupItems.length,
    result: analyse(groupItems, group),
  }));
}
