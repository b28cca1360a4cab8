/**
 * The agreement figure papers report: per category, the share of items on which the judge's usable verdict
 * equals the experts' (plain percent agreement on the binary view), and the mean of those shares over the
 * categories the task names (LLMEval-Med: the four non-MTG categories, whose mean is its 92.47%). The
 * judge's verdict uses the benchmark's own rule on its raw value (LLMEval-Med: mean of the judge runs ≥ 4,
 * never a rounded mean); the experts' verdict is their mean rating ≥ the same threshold. CIs: bootstrap
 * over items within each category (stratified), so every category keeps its size.
 */
import { bootstrapItems } from "../stats/bootstrap.js";

export interface HeadlineItem {
  group: string;
  judgeUsable: boolean;
  humanUsable: boolean;
}

export interface HeadlineEstimate {
  value: number;
  lower: number;
  upper: number;
  items: number;
}

export interface Headline {
  /** Percent agreement per category. */
  byGroup: Record<string, HeadlineEstimate>;
  /** Mean of the per-category agreements over `groups`. */
  mean: HeadlineEstimate & { groups: string[] };
}

export function headlineAgreement(
  items: readonly HeadlineItem[],
  opts: { exclude?: readonly string[]; rounds?: number; seed?: number } = {},
): Headline | undefined {
  const groups = [...new Set(items.map((it) => it.group))].sort();
  if (groups.length === 0) return undefined;
  // Items laid out group after group: each group is a stratum of the bootstrap.
  const ordered = groups.flatMap((g) => items.filter((it) => it.group === g));
  const sizes = groups.map((g) => items.filter((it) => it.group === g).length);
  const start = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const included = groups.filter((g) => !(opts.exclude ?? []).includes(g));
  const est = bootstrapItems(
    sizes,
    (idx) => {
      const hits = new Array<number>(groups.length).fill(0);
      const count = new Array<number>(groups.length).fill(0);
      for (const i of idx) {
        const g = start.findLastIndex((s) => s <= i);
        count[g]!++;
        if (ordered[i]!.judgeUsable === ordered[i]!.humanUsable) hits[g]!++;
      }
      const out: Record<string, number> = {};
      groups.forEach((g, k) => {
        out[`g:${g}`] = count[k]! ? hits[k]! / count[k]! : Number.NaN;
      });
      const means = included.map((g) => out[`g:${g}`]!);
      out.mean = means.length ? means.reduce((a, b) => a + b, 0) / means.length : Number.NaN;
      return out;
    },
    { rounds: opts.rounds ?? 1000, seed: opts.seed ?? 0 },
  );
  const byGroup: Record<string, HeadlineEstimate> = {};
  groups.forEach((g, k) => {
    const e = est[`g:${g}`]!;
    byGroup[g] = { value: e.value, lower: e.lower, upper: e.upper, items: sizes[k]! };
  });
  const m = est.mean!;
  return {
    byGroup,
    mean: {
      value: m.value,
      lower: m.lower,
      upper: m.upper,
      items: included.reduce((s, g) => s + byGroup[g]!.items, 0),
      groups: included,
    },
  };
}

export function formatHeadline(h: Headline, label: string): string {
  const pct = (e: HeadlineEstimate) =>
    `${(100 * e.value).toFixed(2)}% [${(100 * e.lower).toFixed(1)}, ${(100 * e.upper).toFixed(1)}]`;
  const lines = [`${label} (percent agreement on usable / not usable, 95% CI):`];
  for (const [g, e] of Object.entries(h.byGroup)) lines.push(`  ${g.padEnd(8)} ${pct(e)}  n=${e.items}`);
  lines.push(`  mean of ${h.mean.groups.join(", ")}: ${pct(h.mean)}`);
  return `${lines.join("\n")}\n`;
}
