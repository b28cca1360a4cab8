/**
 * `assay llmeval-med aggregate FILE...`: the release Aggregate.py's numbers for scored files written by
 * its Evaluate.py (one file per judge run). Text output follows Aggregate.py's layout (code, category,
 * rate with two decimals, usable/questions; then OP) so the numbers can be compared line by line; the
 * JSON has Aggregate.py's `--out` summary shape plus our extra keys.
 */

import { readFile } from "node:fs/promises";
import { numberOption } from "../cli-kit/options.js";
import { UserError } from "../util/errors.js";
import { type AggregateResult, aggregate, type Protocol, type Rate } from "./aggregate.js";
import { pyFloatRepr, pyRound2 } from "./pynum.js";
import { questionsFromScoredFiles, type ScoredFile } from "./release-files.js";

export interface AggregateCliOptions {
  json?: boolean;
  threshold?: string;
  protocol?: string;
  bootstrap?: string;
  seed?: string;
  byCategory2?: boolean;
}

function parseNumberOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  try {
    return numberOption(`--${name}`, Number.NEGATIVE_INFINITY)(text);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

export async function aggregateFiles(paths: string[], opts: AggregateCliOptions): Promise<AggregateResult> {
  const protocol = (opts.protocol ?? "release") as Protocol;
  if (protocol !== "release" && protocol !== "paper") {
    throw new UserError(`--protocol: expected "release" or "paper", got "${opts.protocol}"`);
  }
  const files: ScoredFile[] = [];
  for (const path of paths) {
    try {
      files.push({ source: path, text: await readFile(path, "utf8") });
    } catch (err) {
      throw new UserError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  const bootstrap = parseNumberOption("bootstrap", opts.bootstrap, 0);
  if (!Number.isInteger(bootstrap) || bootstrap < 0)
    throw new UserError("--bootstrap: expected a whole number ≥ 0");
  return aggregate(questionsFromScoredFiles(files), {
    protocol,
    threshold: parseNumberOption("threshold", opts.threshold, 4.0),
    bootstrap,
    seed: parseNumberOption("seed", opts.seed, 0),
  });
}

/** Aggregate.py's summary object (`--out`), plus protocol, CIs and the category2 breakdown. */
export function summaryJson(r: AggregateResult): Record<string, unknown> {
  const perCategory: Record<string, unknown> = {};
  for (const c of r.categories) {
    perCategory[c.code] = {
      category: c.category,
      n_questions: c.n,
      n_usable: c.usable,
      usability_rate: Number(c.display),
      ...(c.ci ? { ci: c.ci } : {}),
      by_category2: Object.fromEntries(
        c.byCategory2.map((s) => [
          s.category2,
          { n: s.n, n_usable: s.usable, usability_rate: Number(s.display) },
        ]),
      ),
      no_valid_run: c.noValidRun,
      invalid_runs: c.invalidRuns,
      judge_disagreement: c.disagreement,
    };
  }
  return {
    protocol: r.protocol,
    threshold: r.threshold,
    per_category: perCategory,
    overall: {
      n_questions: r.overall.n,
      n_usable: r.overall.usable,
      OP: Number(r.overall.display),
      ...(r.overall.ci ? { ci: r.overall.ci } : {}),
    },
  };
}

/** Python's `format(s, ">N")` for text (pads by code points). */
function padLeft(s: string, width: number): string {
  const len = [...s].length;
  return len >= width ? s : " ".repeat(width - len) + s;
}

function ciText(rate: Rate): string {
  return rate.ci ? `  [${pyRound2(rate.ci.lo)}, ${pyRound2(rate.ci.hi)}]` : "";
}

export function formatSummary(r: AggregateResult, opts: { byCategory2?: boolean } = {}): string {
  const rule = "-".repeat(64);
  const unit = r.protocol === "release" ? "mean score" : "each judge run";
  const lines = [
    "",
    `Usability rate per category (${r.protocol} protocol: usable when ${unit} >= ${pyFloatRepr(r.threshold)}, 0-5 scale)`,
    rule,
  ];
  for (const c of r.categories) {
    lines.push(
      `  ${padLeft(c.code, 4)} (${c.category}): ${padLeft(c.display, 6)}%  (${c.usable}/${c.n})${ciText(c)}`,
    );
    if (opts.byCategory2) {
      for (const s of c.byCategory2)
        lines.push(`         ${s.category2}: ${padLeft(s.display, 6)}%  (${s.usable}/${s.n})`);
    }
  }
  lines.push(rule);
  const o = r.overall;
  const opNote = r.protocol === "paper" ? "  (mean of category rates)" : "";
  lines.push(`  OP        : ${padLeft(o.display, 6)}%  (${o.usable}/${o.n})${ciText(o)}${opNote}`);
  lines.push("");
  return lines.join("\n");
}

export const MTG_NOTE =
  "note: the paper rates Medical Text Generation (MTG) by human evaluation (Appendix D mapping, usable when the mapped score >= 5, Safety veto); here MTG uses the judge-score threshold like the other categories.";
