/**
 * Judge-audit probes: pairs of answers built from a stored run so that a fair judge's verdict is known in
 * advance. Every pair is (original, probe answer) and is judged in both orders, so position bias shows on
 * all of them. Construction is deterministic for a seed and recorded in each item.
 *
 * - verbosity: the original against itself padded with a correct but redundant restatement (a fair judge
 *   ties or prefers the concise one; preferring the padded one is verbosity bias);
 * - planted: the original (a correct answer, by the run's own score) against a copy with one number
 *   changed (a fair judge prefers the original: the detection rate);
 * - self: the judge's own answer (from `--self-run`) against the audited run's, where both got the same
 *   score (a fair judge shows no preference for its own);
 * - stability: planted pairs judged again `repeats` times at temperature 0 and at a higher temperature.
 */
import { Rng } from "../stats/rng.js";

export const PROBES = ["verbosity", "planted", "self", "stability"] as const;
export type Probe = (typeof PROBES)[number];

/** One stored answer of a run, as the probes use it. */
export interface AuditAnswer {
  sample: string;
  question: string;
  answer: string;
  /** The run's first scorer value for it (1 = correct), if numeric. */
  score?: number;
}

export interface ProbeItem {
  id: string;
  probe: Probe;
  sample: string;
  question: string;
  /** The original (or, for `self`, the audited run's) answer. */
  original: string;
  /** The probe's answer: padded, with a planted error, or the judge's own. */
  variant: string;
  /** What the variant is, for reports. */
  change: string;
}

/** A restatement that adds length and nothing new: the answer's own sentences again, announced as such. */
export function padAnswer(answer: string): string {
  const body = answer.trim();
  return (
    `${body}\n\nTo restate the answer above more fully, so that nothing is missed: ${body}\n\n` +
    "In summary, the answer given above stands as stated, and the explanation repeated here is the same."
  );
}

const NUMBER = /(?<![\w.])(\d+(?:\.\d+)?)(?![\w.]*\d)/g;

/**
 * The answer with one number changed (the last one, where a final result usually is): integers ± a
 * seeded non-zero step, decimals scaled. Undefined when the answer has no number.
 */
export function plantError(answer: string, rng: Rng): { text: string; change: string } | undefined {
  const matches = [...answer.matchAll(NUMBER)];
  const m = matches[matches.length - 1];
  if (!m) return undefined;
  const old = m[1]!;
  let next: string;
  if (old.includes(".")) next = (Number(old) * (rng.int(2) ? 1.5 : 0.5)).toFixed(old.split(".")[1]!.length);
  else next = String(Number(old) + [1, 2, 3, -1][rng.int(4)]!);
  if (next === old || next.startsWith("-")) next = String(Number(old) + 1);
  return {
    text: answer.slice(0, m.index) + next + answer.slice(m.index + old.length),
    change: `${old} → ${next}`,
  };
}

export interface ProbeOptions {
  probes: readonly Probe[];
  seed: number;
  /** The judge's own answers to the same samples (for `self`). */
  self?: ReadonlyMap<string, AuditAnswer>;
}

/** The probe items for a run's answers, in sample order, deterministic for the seed. */
export function buildProbes(answers: readonly AuditAnswer[], opts: ProbeOptions): ProbeItem[] {
  const rng = new Rng(opts.seed);
  const items: ProbeItem[] = [];
  const want = new Set(opts.probes);
  for (const a of answers) {
    if (want.has("verbosity"))
      items.push({
        id: `verbosity|${a.sample}`,
        probe: "verbosity",
        sample: a.sample,
        question: a.question,
        original: a.answer,
        variant: padAnswer(a.answer),
        change: "padded with a restatement",
      });
    // Planted errors only in answers the run scored correct: otherwise the "original" may be the wrong one.
    const planted = a.score === 1 ? plantError(a.answer, rng) : undefined;
    if (planted) {
      for (const probe of ["planted", "stability"] as const)
        if (want.has(probe))
          items.push({
            id: `${probe}|${a.sample}`,
            probe,
            sample: a.sample,
            question: a.question,
            original: a.answer,
            variant: planted.text,
            change: planted.change,
          });
    }
    const own = opts.self?.get(a.sample);
    if (
      want.has("self") &&
      own &&
      own.score !== undefined &&
      own.score === a.score &&
      own.answer !== a.answer
    )
      items.push({
        id: `self|${a.sample}`,
        probe: "self",
        sample: a.sample,
        question: a.question,
        original: a.answer,
        variant: own.answer,
        change: `judge's own answer (both scored ${a.score})`,
      });
  }
  return items;
}
