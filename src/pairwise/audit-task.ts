/**
 * The `judge-audit` task: the judge (this task's model) compares the probe pairs of audit-probes.ts in
 * both orders; stability items are judged again `repeats` times at temperature 0 and at `temperature`,
 * each repeat a call of its own (its own cache scope). An ordinary engine task, so an audit is stored,
 * cached, resumable and viewable; `assay judge-audit` runs it and reports each probe (audit-report.ts).
 */

import { createHash } from "node:crypto";
import type { Dataset, Sample, Scorer, Solver, Task, TaskState } from "../core/types.js";
import { inputMessages } from "../engine/run.js";
import { openStore } from "../store/open.js";
import type { StoredSample } from "../store/records.js";
import type { RunStore } from "../store/run-store.js";
import { registerTask } from "../tasks/registry.js";
import { UserError } from "../util/errors.js";
import { type AuditAnswer, buildProbes, PROBES, type Probe, type ProbeItem } from "./audit-probes.js";
import { auditReport, formatAuditReport } from "./audit-report.js";
import { AUDIT_SCORER, AUDIT_TASK, textReport } from "./names.js";
import { bothOrders, DEFAULT_PROMPT, pairPrompt, pairScore } from "./task.js";
import { type PairVerdict, parsePairVerdict } from "./verdict.js";

function questionOf(s: StoredSample): string {
  const last = [...inputMessages(s.input as Sample["input"])].reverse().find((m) => m.role === "user");
  if (!last) return "";
  return typeof last.content === "string"
    ? last.content
    : last.content.map((p) => (p.type === "text" ? p.text : "")).join("");
}

/** A run's successful first-epoch answers with the value of its first scorer. */
function answersOf(store: RunStore, runId: string): AuditAnswer[] {
  const run = store.requireRun(runId);
  const scorer = run.manifest.scorers[0]?.name;
  const scores = new Map<string, number>();
  if (scorer)
    for (const sc of store.scoresFor(run.id))
      if (sc.scorer === scorer && sc.epoch === 1 && sc.value !== null) scores.set(sc.sampleId, sc.value);
  const out: AuditAnswer[] = [];
  for (const s of store.iterateSamples(run.id)) {
    if (s.epoch !== 1 || s.output === null || s.error) continue;
    const score = scores.get(s.sampleId);
    out.push({
      sample: s.sampleId,
      question: questionOf(s),
      answer: s.output,
      ...(score !== undefined ? { score } : {}),
    });
  }
  return out;
}

export function parseProbes(text: string): Probe[] {
  const list = text
    .split(/[,|]/)
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of list)
    if (!(PROBES as readonly string[]).includes(p))
      throw new UserError(`unknown probe "${p}" (probes: ${PROBES.join(", ")})`);
  return list as Probe[];
}

function probeDataset(items: ProbeItem[], name: string): Dataset {
  const samples: Sample[] = items.map((it) => ({
    id: it.id,
    input: it.question,
    metadata: {
      probe: it.probe,
      sample: it.sample,
      question: it.question,
      answerA: it.original,
      answerB: it.variant,
      change: it.change,
    },
  }));
  const fingerprint = createHash("sha256").update(JSON.stringify(samples)).digest("hex");
  return {
    name,
    count: async () => samples.length,
    fingerprint: async () => fingerprint,
    async *samples() {
      yield* samples;
    },
  };
}

/** Stability items: the A/B prompt again, `repeats` times at temperature 0 and at `temperature`. */
function repeatsOf(template: string, repeats: number, temperature: number): Solver {
  return async (state, _generate, ctx) => {
    const m = state.sample.metadata as { probe: Probe; question: string; answerA: string; answerB: string };
    if (m.probe !== "stability" || !state.output) return state;
    const prompt = pairPrompt(template, "", m.question, m.answerA, m.answerB);
    const runs: Record<string, string[]> = {};
    for (const t of [0, temperature]) {
      const texts: string[] = [];
      for (let r = 1; r <= repeats; r++) {
        const out = await ctx.model.generate(
          [{ role: "user", content: prompt }],
          { temperature: t },
          {
            scope: { repeat: r, temperature: t },
            signal: ctx.signal,
          },
        );
        texts.push(out.text);
        state.usage = {
          inputTokens: state.usage.inputTokens + (out.usage?.inputTokens ?? 0),
          outputTokens: state.usage.outputTokens + (out.usage?.outputTokens ?? 0),
        };
      }
      runs[String(t)] = texts;
    }
    state.store.repeats = runs;
    return state;
  };
}

/** Share of readable verdicts equal to the most common one (1: the judge never changed its mind). */
export function modalAgreement(verdicts: readonly (PairVerdict | null)[]): number {
  const readable = verdicts.filter((v): v is PairVerdict => v !== null).map((v) => v.winner);
  if (readable.length === 0) return Number.NaN;
  const counts = new Map<string, number>();
  for (const w of readable) counts.set(w, (counts.get(w) ?? 0) + 1);
  return Math.max(...counts.values()) / readable.length;
}

function auditScorer(): Scorer {
  return {
    name: AUDIT_SCORER,
    metrics: ["mean", "bootstrap_ci"],
    async score(state: TaskState) {
      const probe = (state.sample.metadata as { probe: Probe }).probe;
      const ab = parsePairVerdict(state.output?.text ?? "");
      const ba = parsePairVerdict(String(state.store.swapped ?? ""));
      const { value, meta } = pairScore(ab, ba);
      if (value === null)
        throw new Error("neither order's reply has a readable verdict ([[A]], [[B]] or [[C]])");
      // The value is the judge's preference for the probe's answer (B): 1 both orders, 0.5 a tie or a split.
      const forVariant = 1 - value;
      const metadata: Record<string, unknown> = { probe, ...meta };
      const repeats = state.store.repeats as Record<string, string[]> | undefined;
      if (repeats) {
        const agreement: Record<string, number> = {};
        for (const [t, texts] of Object.entries(repeats))
          agreement[t] = modalAgreement(texts.map(parsePairVerdict));
        metadata.agreement = agreement;
      }
      return {
        value: forVariant,
        answer: meta.consistent ? meta.verdictAB!.winner : meta.readable === 2 ? "inconsistent" : "one order",
        explanation: `A = original, B = ${probe} answer; A/B order: ${meta.verdictAB?.winner ?? "unreadable"}; B/A order (as A/B): ${meta.verdictBA?.winner ?? "unreadable"}`,
        metadata,
      };
    },
  };
}

registerTask({
  name: AUDIT_TASK,
  description:
    "probes of a judge's reliability built from a stored run (the judge is --model); see assay judge-audit",
  options: [
    { name: "run", description: "the run whose answers the probes are built from", required: true },
    { name: "db", description: "run store holding it (default .assay/assay.db or $ASSAY_DB)" },
    {
      name: "self_run",
      description: "a run of the judge model itself on the same samples (self-preference)",
    },
    {
      name: "probes",
      description: `probes, separated by , (${PROBES.join(", ")})`,
      default: PROBES.join(","),
    },
    { name: "repeats", description: "stability: judgments per item at each temperature", default: 5 },
    { name: "temperature", description: "stability: the temperature compared with 0", default: 1 },
    {
      name: "seed",
      description: "seed of the probe construction (which number a planted error changes)",
      default: 0,
    },
  ],
  report(store, runIds, format) {
    const reports = runIds.map((id) => auditReport(store, id));
    if (format === "json") return JSON.stringify(reports, null, 2);
    return textReport(reports.map(formatAuditReport).join("\n"), format, "Judge audit");
  },
  create(args): Task {
    const probes = parseProbes(String(args.probes));
    const repeats = Number(args.repeats);
    const temperature = Number(args.temperature);
    if (!Number.isInteger(repeats) || repeats < 2 || repeats > 50)
      throw new UserError("-T repeats must be an integer from 2 to 50");
    if (!(temperature > 0 && temperature <= 2)) throw new UserError("-T temperature must be in (0, 2]");
    const store = openStore(args.db !== undefined ? String(args.db) : undefined, { readonly: true });
    let items: ProbeItem[];
    try {
      const answers = answersOf(store, String(args.run));
      const self =
        args.self_run !== undefined
          ? new Map(answersOf(store, String(args.self_run)).map((a) => [a.sample, a]))
          : undefined;
      items = buildProbes(answers, { probes, seed: Number(args.seed), ...(self ? { self } : {}) });
    } finally {
      store.close();
    }
    if (items.length === 0)
      throw new UserError(
        `run ${args.run} gives no probe item (the planted and stability probes need answers the run scored 1 that contain a number)`,
      );
    return {
      name: AUDIT_TASK,
      version: `1+${createHash("sha256").update(DEFAULT_PROMPT).digest("hex").slice(0, 12)}`,
      dataset: probeDataset(items, `judge-audit(${args.run})`),
      solver: [bothOrders(DEFAULT_PROMPT, ""), repeatsOf(DEFAULT_PROMPT, repeats, temperature)],
      scorers: [auditScorer()],
      config: { temperature: 0 },
      groupBy: ["probe"],
    };
  },
});
