/**
 * `includes`: the output contains the target text (promptfoo's `contains` / `icontains`, inspect_ai's
 * `includes`). With several targets, `mode: any` (default) needs one of them and `mode: all` every one.
 * Targets come from the `target` argument when given, else from the sample. `negate` turns the check
 * around (promptfoo's `not-contains`, `not-icontains-any`, …): 1 when the texts are absent.
 */
import type { Scorer } from "../core/types.js";
import { ScorerArgs, targetsOf } from "./args.js";

export interface IncludesOptions {
  /** Texts to look for instead of the sample's target(s). */
  target?: string | string[];
  ignoreCase?: boolean;
  mode?: "any" | "all";
  /** Score 1 when the check fails: the output must not contain the target(s). */
  negate?: boolean;
  name?: string;
}

export function includes(opts: IncludesOptions = {}): Scorer {
  const ignoreCase = opts.ignoreCase ?? false;
  const mode = opts.mode ?? "any";
  const negate = opts.negate ?? false;
  const fixed = opts.target === undefined ? undefined : targetsOf(opts.target);
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  const fixedFolded = fixed?.map(fold);
  return {
    name: opts.name ?? "includes",
    metrics: ["accuracy", "stderr", "bootstrap_ci"],
    async score(state) {
      const output = fold(state.output?.text ?? "");
      const targets = fixed ?? targetsOf(state.sample.target);
      const folded = fixedFolded ?? targets.map(fold);
      if (targets.length === 0)
        throw new Error("includes: the sample has no target and no target argument was given");
      const found = targets.filter((_, i) => output.includes(folded[i]!));
      const ok = mode === "all" ? found.length === targets.length : found.length > 0;
      const missing = targets.filter((t) => !found.includes(t));
      const why = ok
        ? `contains ${found.map((t) => JSON.stringify(t)).join(", ")}`
        : mode === "all"
          ? `missing ${missing.map((t) => JSON.stringify(t)).join(", ")}`
          : `contains none of ${targets.map((t) => JSON.stringify(t)).join(", ")}`;
      return {
        value: ok !== negate ? 1 : 0,
        answer: found.join(" | "),
        explanation: negate ? `negated: ${why}` : why,
        metadata: { mode, ignore_case: ignoreCase, negate, found: found.length, targets: targets.length },
      };
    },
  };
}

export function includesFromArgs(raw: Record<string, unknown>): Scorer {
  const a = new ScorerArgs("includes", raw);
  const target = a.stringList("target");
  const ignoreCase = a.boolean("ignore_case");
  const mode = a.choice("mode", ["any", "all"] as const);
  const negate = a.boolean("negate");
  const name = a.string("name");
  a.done();
  return includes({
    ...(target ? { target } : {}),
    ...(ignoreCase !== undefined ? { ignoreCase } : {}),
    ...(mode ? { mode } : {}),
    ...(negate !== undefined ? { negate } : {}),
    ...(name ? { name } : {}),
  });
}
