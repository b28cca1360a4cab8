/**
 * `regex`: a regular expression over the output. Without a capture group (and no `group` argument) the
 * score is whether the pattern matches (promptfoo's `regex` assert). With one, the captured text of the
 * first (or `match: last`) match is the answer, compared with the target(s) after the `exact` scorer's
 * normalisation (case, spacing, quotes, trailing punctuation), like inspect_ai's `pattern` scorer.
 * The pattern is compiled once, when the scorer is built; one that does not compile is a UserError.
 * `negate` turns a match test around (promptfoo's `not-regex`): 1 when the pattern does not match.
 */
import type { Scorer } from "../core/types.js";
import { UserError } from "../util/errors.js";
import { ScorerArgs, targetsOf } from "./args.js";
import { normalizeAnswer } from "./match.js";

export interface RegexOptions {
  pattern: string;
  /** JavaScript flags, e.g. "i", "s", "m" ("g" and "y" are implied/ignored: matches are walked here). */
  flags?: string;
  /** Capture group (number or name) compared with the target; default: 1 when the pattern has groups. */
  group?: number | string;
  /** Which match counts when there are several. */
  match?: "first" | "last";
  /** Compare with these instead of the sample's target(s). */
  target?: string | string[];
  /** Without a group only: score 1 when the pattern does not match. */
  negate?: boolean;
  name?: string;
}

/** Compiles a user pattern, naming it in the error when it does not compile. */
export function compilePattern(pattern: string, flags: string, scorer = "regex"): RegExp {
  const bad = [...flags].filter((f) => !"dgimsuvy".includes(f));
  if (bad.length)
    throw new UserError(`scorer ${scorer}: flags "${flags}" has unknown flag(s) ${bad.join("")}`);
  const clean = [...new Set(flags.replace(/[gy]/g, ""))].join("");
  try {
    return new RegExp(pattern, `${clean}g`);
  } catch (e) {
    throw new UserError(
      `scorer ${scorer}: pattern ${JSON.stringify(pattern)} does not compile: ${(e as Error).message}`,
    );
  }
}

function groupCount(re: RegExp): number {
  // An alternation with the empty pattern matches "", which yields one array slot per group.
  return (new RegExp(`${re.source}|`, re.flags.replace("g", "")).exec("")?.length ?? 1) - 1;
}

export function regexScorer(opts: RegexOptions): Scorer {
  const re = compilePattern(opts.pattern, opts.flags ?? "");
  const groups = groupCount(re);
  const group = opts.group ?? (groups > 0 ? 1 : undefined);
  if (typeof group === "number" && (!Number.isInteger(group) || group < 0 || group > groups))
    throw new UserError(
      `scorer regex: group ${group} does not exist in ${JSON.stringify(opts.pattern)} (${groups} group(s))`,
    );
  if (typeof group === "string" && !new RegExp(`\\(\\?<${group}>`).test(opts.pattern))
    throw new UserError(
      `scorer regex: pattern ${JSON.stringify(opts.pattern)} has no group named "${group}"`,
    );
  if (opts.negate && group !== undefined)
    throw new UserError(
      `scorer regex: "negate" needs a pattern without a capture group (or compare with the target instead)`,
    );
  const last = opts.match === "last";
  const negate = opts.negate ?? false;
  const fixed = opts.target === undefined ? undefined : targetsOf(opts.target).map(normalizeAnswer);
  return {
    name: opts.name ?? "regex",
    metrics: ["accuracy", "stderr", "bootstrap_ci"],
    async score(state) {
      const text = state.output?.text ?? "";
      let found: RegExpExecArray | null = null;
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        found = m;
        if (!last) break;
        if (m[0] === "") re.lastIndex++; // an empty match must not stall the walk
      }
      if (group === undefined) {
        const why = found ? "the pattern matches" : `no match for /${opts.pattern}/`;
        return {
          value: (found !== null) !== negate ? 1 : 0,
          ...(found ? { answer: found[0] } : {}),
          explanation: negate ? `negated: ${why}` : why,
        };
      }
      if (!found) return { value: 0, explanation: `no match for /${opts.pattern}/` };
      const captured = (typeof group === "number" ? found[group] : found.groups?.[group]) ?? "";
      const targets = fixed ?? targetsOf(state.sample.target).map(normalizeAnswer);
      if (targets.length === 0)
        throw new Error("regex: the sample has no target to compare the captured text with");
      const ok = targets.includes(normalizeAnswer(captured));
      return {
        value: ok ? 1 : 0,
        answer: captured,
        explanation: ok
          ? "the captured text matches the target"
          : `captured ${JSON.stringify(captured)}, expected ${targets.map((t) => JSON.stringify(t)).join(" or ")}`,
      };
    },
  };
}

export function regexFromArgs(raw: Record<string, unknown>): Scorer {
  const a = new ScorerArgs("regex", raw);
  const pattern = a.string("pattern");
  const flags = a.string("flags");
  const groupText = a.string("group");
  const match = a.choice("match", ["first", "last"] as const);
  const target = a.stringList("target");
  const negate = a.boolean("negate");
  const name = a.string("name");
  a.done();
  if (pattern === undefined || pattern === "") throw a.error("pattern", "is required (a regular expression)");
  const group = groupText === undefined ? undefined : /^\d+$/.test(groupText) ? Number(groupText) : groupText;
  return regexScorer({
    pattern,
    ...(flags !== undefined ? { flags } : {}),
    ...(group !== undefined ? { group } : {}),
    ...(match ? { match } : {}),
    ...(target ? { target } : {}),
    ...(negate !== undefined ? { negate } : {}),
    ...(name ? { name } : {}),
  });
}
