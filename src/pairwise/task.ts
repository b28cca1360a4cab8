/**
 * The `pairwise` task: a judge compares the answers of stored runs over the samples they share. The
 * "model under test" of this task is the judge. One sample per (pair of runs, shared sample); each is
 * judged in both orders (A/B, then B/A in a call of its own), so position bias shows and cancels. Being an
 * ordinary engine task, a pairwise run is stored, cached, resumable, viewable and exportable like any
 * other; `assay pairwise` runs it and adds the ratings (report.ts).
 */

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ChatMessage, Dataset, Sample, Scorer, Solver, Task, TaskState } from "../core/types.js";
import { inputMessages } from "../engine/run.js";
import { openStore } from "../store/open.js";
import type { RunStore } from "../store/run-store.js";
import { registerTask } from "../tasks/registry.js";
import { UserError } from "../util/errors.js";
import { PAIRWISE_SCORER, PAIRWISE_TASK, type PairMeta, type PairScoreMeta, textReport } from "./names.js";
import { formatPairwiseReport, pairwiseReport } from "./report.js";
import { pairwiseHtml } from "./report-html.js";
import { type PairVerdict, parsePairVerdict, unswap } from "./verdict.js";

export const DEFAULT_PROMPT = `Please act as an impartial judge and compare two AI assistants' answers to the user's request below. Judge which answer is more helpful, correct, relevant and complete{{rubric_hint}}. Do not let the order in which the answers appear, their length, or the assistants' names influence you.

[User request]
{{question}}

[Answer of assistant A]
{{answer_a}}
[End of answer A]

[Answer of assistant B]
{{answer_b}}
[End of answer B]
{{rubric}}
First explain your comparison briefly. Then give your verdict on the last line, exactly as "[[A]]" if A is better, "[[B]]" if B is better, or "[[C]]" for a tie.`;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_m, k: string) => values[k] ?? "");
}

function lastUserText(messages: ChatMessage[]): string {
  const m = [...messages].reverse().find((x) => x.role === "user");
  if (!m) return "";
  return typeof m.content === "string"
    ? m.content
    : m.content.map((p) => (p.type === "text" ? p.text : "")).join("");
}

/** The shared samples of the runs, as one Sample per pair of runs (all pairs, or each run vs `baseline`). */
function pairDataset(store: RunStore, runs: string[], baseline: string | undefined): Dataset {
  const answers = new Map<string, Map<string, { question: string; answer: string }>>();
  for (const id of runs) {
    const run = store.requireRun(id);
    const byId = new Map<string, { question: string; answer: string }>();
    for (const s of store.iterateSamples(run.id)) {
      if (s.epoch !== 1 || s.output === null || s.error) continue;
      byId.set(s.sampleId, {
        question: lastUserText(inputMessages(s.input as Sample["input"])),
        answer: s.output,
      });
    }
    answers.set(run.id, byId);
  }
  const ids = [...answers.keys()];
  const pairs: Array<[string, string]> = [];
  if (baseline) {
    const base = store.requireRun(baseline).id;
    if (!answers.has(base)) throw new UserError(`--baseline ${baseline} must be one of the compared runs`);
    for (const id of ids) if (id !== base) pairs.push([id, base]);
  } else
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) pairs.push([ids[i]!, ids[j]!]);
  const samples: Sample[] = [];
  for (const [a, b] of pairs) {
    const A = answers.get(a)!;
    const B = answers.get(b)!;
    for (const [sample, x] of A) {
      const y = B.get(sample);
      if (!y) continue;
      const meta: PairMeta = {
        sample,
        runA: a,
        runB: b,
        question: x.question,
        answerA: x.answer,
        answerB: y.answer,
        pair: `${a} vs ${b}`,
      };
      samples.push({ id: `${a}|${b}|${sample}`, input: x.question, metadata: { ...meta } });
    }
  }
  if (samples.length === 0)
    throw new UserError(`runs ${runs.join(", ")} share no successfully answered sample to compare`);
  const fingerprint = createHash("sha256")
    .update(JSON.stringify(samples.map((s) => s.metadata)))
    .digest("hex");
  return {
    name: `pairwise(${runs.join(",")})`,
    count: async () => samples.length,
    fingerprint: async () => fingerprint,
    async *samples() {
      yield* samples;
    },
  };
}

/** Judge the pair in both orders: A/B through the engine's generate, then B/A as a second call. */
/** The judge prompt for one order of a pair. */
export function pairPrompt(template: string, rubric: string, question: string, a: string, b: string): string {
  return fill(template, {
    question,
    answer_a: a,
    answer_b: b,
    rubric: rubric ? `\n[Rubric]\n${rubric}\n` : "",
    rubric_hint: rubric ? ", following the rubric" : "",
  });
}

export function bothOrders(template: string, rubric: string): Solver {
  return async (state, generate, ctx) => {
    const m = state.sample.metadata as unknown as Pick<PairMeta, "question" | "answerA" | "answerB">;
    const prompt = (a: string, b: string) => pairPrompt(template, rubric, m.question, a, b);
    state.messages = [{ role: "user", content: prompt(m.answerA, m.answerB) }];
    const first = await generate(state);
    if (!first.output) return first;
    const swapped = await ctx.model.generate(
      [{ role: "user", content: prompt(m.answerB, m.answerA) }],
      undefined,
      { scope: { order: "BA" }, signal: ctx.signal },
    );
    state.store.swapped = swapped.text;
    state.usage = {
      inputTokens: state.usage.inputTokens + (swapped.usage?.inputTokens ?? 0),
      outputTokens: state.usage.outputTokens + (swapped.usage?.outputTokens ?? 0),
    };
    return state;
  };
}

/** Both verdicts folded into A's score: 1 win, 0.5 tie, 0 loss per order, averaged over readable orders. */
export function pairScore(
  ab: PairVerdict | null,
  baSwapped: PairVerdict | null,
): { value: number | null; meta: PairScoreMeta } {
  const ba = baSwapped ? unswap(baSwapped) : null;
  const readable = [ab, ba].filter((v): v is PairVerdict => v !== null);
  const forA = (v: PairVerdict) => (v.winner === "A" ? 1 : v.winner === "B" ? 0 : 0.5);
  // First position: A in the A/B order, B in the B/A one (i.e. the swapped verdict's own "A").
  const firstPositionWins = (ab?.winner === "A" ? 1 : 0) + (baSwapped?.winner === "A" ? 1 : 0);
  return {
    value: readable.length ? readable.reduce((s, v) => s + forA(v), 0) / readable.length : null,
    meta: {
      verdictAB: ab,
      verdictBA: ba,
      consistent: ab !== null && ba !== null && ab.winner === ba.winner,
      firstPositionWins,
      readable: readable.length,
    },
  };
}

function pairScorer(): Scorer {
  return {
    name: PAIRWISE_SCORER,
    metrics: ["mean", "bootstrap_ci"],
    async score(state: TaskState) {
      const ab = parsePairVerdict(state.output?.text ?? "");
      const ba = parsePairVerdict(String(state.store.swapped ?? ""));
      const { value, meta } = pairScore(ab, ba);
      if (value === null)
        throw new Error("neither order's reply has a readable verdict ([[A]], [[B]] or [[C]])");
      const answer = meta.consistent
        ? meta.verdictAB!.winner
        : meta.readable === 2
          ? "inconsistent"
          : (meta.verdictAB ?? meta.verdictBA)!.winner;
      return {
        value,
        answer,
        explanation: `A/B order: ${meta.verdictAB?.winner ?? "unreadable"}; B/A order (as A/B): ${meta.verdictBA?.winner ?? "unreadable"}`,
        metadata: { ...meta },
      };
    },
  };
}

registerTask({
  name: PAIRWISE_TASK,
  description: "a judge compares stored runs' answers pair by pair, in both orders (the judge is --model)",
  options: [
    { name: "runs", description: "run ids to compare, separated by , or |", required: true },
    { name: "db", description: "run store holding those runs (default .assay/assay.db or $ASSAY_DB)" },
    { name: "baseline", description: "compare every run with this one only (default: all pairs)" },
    { name: "rubric", description: "file with a rubric the judge applies" },
    {
      name: "prompt",
      description: "file replacing the judge prompt ({{question}}, {{answer_a}}, {{answer_b}}, {{rubric}})",
    },
  ],
  report(store, runIds, format) {
    const reports = runIds.map((id) => pairwiseReport(store, id));
    if (format === "json") return JSON.stringify(reports, null, 2);
    if (format === "html") return pairwiseHtml(reports);
    return textReport(reports.map(formatPairwiseReport).join("\n"), format, "Pairwise report");
  },
  create(args): Task {
    const runs = String(args.runs)
      .split(/[|,]/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (runs.length < 2) throw new UserError("-T runs: give at least two run ids");
    const read = (what: string, path: string) => {
      try {
        return readFileSync(path, "utf8");
      } catch (err) {
        throw new UserError(`-T ${what}=${path}: ${(err as Error).message}`);
      }
    };
    const rubric = args.rubric !== undefined ? read("rubric", String(args.rubric)).trim() : "";
    const template = args.prompt !== undefined ? read("prompt", String(args.prompt)) : DEFAULT_PROMPT;
    const store = openStore(args.db !== undefined ? String(args.db) : undefined, { readonly: true });
    let dataset: Dataset;
    try {
      dataset = pairDataset(store, runs, args.baseline !== undefined ? String(args.baseline) : undefined);
    } finally {
      store.close();
    }
    return {
      name: PAIRWISE_TASK,
      version: `1+${createHash("sha256").update(template).update(rubric).digest("hex").slice(0, 12)}`,
      dataset,
      solver: [bothOrders(template, rubric)],
      scorers: [pairScorer()],
      config: { temperature: 0 },
      groupBy: ["pair"],
    };
  },
});
