/**
 * Items grouped by key, groups in order of first appearance, items in input order: the clusters of
 * a clustered bootstrap, or the strata of a stratified one.
 */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
