/**
 * `smi-probe`: SMI's closed-book accuracy probe as an Assay task, so it runs on the engine (run store,
 * resume, retry-errors, cache, show, export). One sample per (triple, template): the template with [S]
 * replaced by the subject, sent as a raw text continuation (or a chat message with `chat=true`). The
 * original's "samples per template" are the run's epochs; a sample's value is the fraction of its
 * epochs whose text contains the object, and a triple's accuracy is the mean over its samples.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Dataset, Sample, Scorer, Task, TaskArgs } from "../core/types.js";
import { generate } from "../solvers/index.js";
import { registerTask } from "../tasks/registry.js";
import { UserError } from "../util/errors.js";
import { fillTemplate, isCorrect, loadTemplates, type ProbeScoring, type Templates } from "./probe.js";
import { loadTriples, type Triple } from "./rows.js";

export const PROBE_TASK = "smi-probe";
export const PROBE_SCORER = "contains_object";

/** The original's sampling: temperature 0.7, 32 new tokens (infer/infer_transformers.py). */
export const PROBE_DEFAULTS = { temperature: 0.7, maxTokens: 32 };

/** The triples a probe covers (the first `limit`), each checked to have templates. */
export function probeTriplesOf(triplesPath: string, templates: Templates, limit?: number): Triple[] {
  const all = loadTriples(triplesPath);
  const triples = limit === undefined ? all : all.slice(0, limit);
  triples.forEach((t, i) => {
    if (!templates[t.rel])
      throw new UserError(`${triplesPath}: row ${i} (idx ${t.idx}): no templates for relation "${t.rel}"`);
  });
  return triples;
}

function probeDataset(triplesPath: string, templatesPath: string, limit?: number): Dataset {
  const templates = loadTemplates(templatesPath);
  const triples = probeTriplesOf(triplesPath, templates, limit);
  return {
    name: triplesPath,
    count: async () => triples.reduce((n, t) => n + templates[t.rel]!.length, 0),
    // Both files decide the prompts, so both are hashed: resume notices an edit to either.
    fingerprint: async () =>
      createHash("sha256")
        .update(readFileSync(triplesPath))
        .update("\0")
        .update(readFileSync(templatesPath))
        .digest("hex"),
    async *samples(): AsyncGenerator<Sample> {
      for (const t of triples) {
        const list = templates[t.rel]!;
        for (let k = 0; k < list.length; k++) {
          yield {
            id: `${t.idx}/${k}`,
            input: fillTemplate(list[k]!, t.subj),
            target: t.obj,
            metadata: { idx: t.idx, rel: t.rel, template: k },
          };
        }
      }
    },
  };
}

/** Correct when the object occurs in the text, case-sensitively ("exact" also looks at the prompt). */
export function containsObject(scoring: ProbeScoring): Scorer {
  return {
    name: PROBE_SCORER,
    metrics: ["mean"],
    async score(state) {
      const object = String(state.sample.target ?? "");
      const prompt = typeof state.sample.input === "string" ? state.sample.input : "";
      const text = state.output?.text ?? "";
      // The text is the sample's output already; the score only says whether the object is in it.
      return { value: isCorrect(object, prompt, text, scoring) ? 1 : 0 };
    },
  };
}

export function parseScoring(value: unknown): ProbeScoring {
  if (value !== "exact" && value !== "completion")
    throw new UserError(`scoring must be "exact" or "completion", got "${String(value)}"`);
  return value;
}

export function createProbeTask(args: TaskArgs): Task {
  const limit = args.limit === undefined ? undefined : Number(args.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new UserError(`task "${PROBE_TASK}": limit must be a positive integer, got "${args.limit}"`);
  return {
    name: PROBE_TASK,
    version: "1",
    dataset: probeDataset(String(args.triples), String(args.templates), limit),
    solver: [generate()],
    scorers: [containsObject(parseScoring(args.scoring))],
    config: { ...PROBE_DEFAULTS, ...(args.chat === true ? {} : { completion: true }) },
    epochReducer: "mean",
    groupBy: ["rel"],
  };
}

registerTask({
  name: PROBE_TASK,
  description:
    "SMI closed-book probe: each relation template filled with the subject; correct when the object occurs (epochs = samples per template)",
  options: [
    { name: "triples", description: "triples JSON (pararel_15classes.json)", required: true },
    {
      name: "templates",
      description: "relation → templates with [S] (multi_templates.json)",
      required: true,
    },
    { name: "limit", description: "probe only the first n triples" },
    {
      name: "scoring",
      description: "exact (object in prompt + continuation, as the original) or completion",
      default: "exact",
    },
    { name: "chat", description: "send a chat message instead of a raw text continuation", default: false },
  ],
  create: createProbeTask,
});
