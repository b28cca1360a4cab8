/**
 * The `mathtrap` task: conceptual true/false questions, original problems and trap problems from the
 * MathTrap data, under one prompting variant, scored by the MathTrap scorer (rules first, judge
 * fallback, trap problems judged N times). Importing this module registers the task.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Sample, Task, TaskArgs } from "../core/types.js";
import { memoryDataset } from "../dataset/index.js";
import { generate } from "../solvers/index.js";
import type { RunStore } from "../store/run-store.js";
import { registerTask } from "../tasks/registry.js";
import { UserError } from "../util/errors.js";
import { mathtrapAnnotation } from "./annotation.js";
import {
  type ConceptualProblem,
  dedupeProblems,
  loadConceptual,
  loadOriginalFile,
  loadTrapRecords,
  type MathtrapProblem,
  type OriginalProblem,
  type ProblemKind,
  problemsFromRecords,
  type RepeatedProblem,
  type TrapProblem,
} from "./data.js";
import { buildMessages, type PromptVariant, parseVariant, selectDemonstrations, shotsOf } from "./fewshot.js";
import { loadPromptSet, type PromptSet } from "./prompts.js";
import { formatRunReports, reportForRun } from "./report.js";
import { mathtrapScorer } from "./scorer.js";

export const MATHTRAP_TASK_VERSION = "2";
const KINDS: readonly ProblemKind[] = ["conceptual", "original", "trap"];

export interface MathtrapTaskOptions {
  /** Folder with MathTrap_Public.json (and Concept.jsonl, *-ori.jsonl), or a trap-record file. */
  dataset: string;
  /** Concept.jsonl; default: beside the dataset. */
  concepts?: string;
  kinds: ProblemKind[];
  variant: PromptVariant;
  /** "paired": originals of the trap records (Ratio is paired); "files": GSM8K-ori.jsonl + MATH-ori.jsonl. */
  originals: "paired" | "files";
  judgeSamples: number;
  judgeTemperature: number;
  promptsDir?: string;
  includeUnverified: boolean;
  demoSeed: number;
  /** Drop repeated problems of the originals files (-T originals=files); false keeps the files' counting. */
  dedupe: boolean;
}

function parseKinds(text: string): ProblemKind[] {
  const kinds = text
    .split(/[|,]/)
    .map((k) => k.trim().toLowerCase())
    .filter(Boolean);
  for (const k of kinds) {
    if (!KINDS.includes(k as ProblemKind))
      throw new UserError(`-T kinds: unknown kind "${k}" (use ${KINDS.join("|")})`);
  }
  if (kinds.length === 0) throw new UserError("-T kinds: give at least one of conceptual|original|trap");
  return kinds as ProblemKind[];
}

export function optionsFromArgs(args: TaskArgs): MathtrapTaskOptions {
  const judgeSamples = Number(args.judge_samples ?? 3);
  if (!Number.isInteger(judgeSamples) || judgeSamples < 1)
    throw new UserError(`-T judge_samples must be an integer ≥ 1 (got ${args.judge_samples})`);
  const judgeTemperature = Number(args.judge_temperature ?? 0.7);
  if (!Number.isFinite(judgeTemperature) || judgeTemperature < 0)
    throw new UserError(`-T judge_temperature must be a number ≥ 0 (got ${args.judge_temperature})`);
  const originals = String(args.originals ?? "paired");
  if (originals !== "paired" && originals !== "files")
    throw new UserError(`-T originals must be "paired" or "files" (got "${originals}")`);
  const demoSeed = Number(args.demo_seed ?? 0);
  if (!Number.isInteger(demoSeed))
    throw new UserError(`-T demo_seed must be an integer (got ${args.demo_seed})`);
  if (args.dataset === undefined)
    throw new UserError(
      "task mathtrap needs --dataset PATH (the MathTrap data folder or a trap-record file)",
    );
  return {
    dataset: String(args.dataset),
    ...(args.concepts !== undefined ? { concepts: String(args.concepts) } : {}),
    kinds: parseKinds(String(args.kinds ?? "conceptual|original|trap")),
    variant: parseVariant(String(args.variant ?? "plain"), "-T variant"),
    originals,
    judgeSamples,
    judgeTemperature,
    ...(args.prompts !== undefined ? { promptsDir: String(args.prompts) } : {}),
    includeUnverified: args.include_unverified === true || args.include_unverified === "true",
    demoSeed,
    dedupe: !(args.dedupe === false || args.dedupe === "false"),
  };
}

interface ResolvedFiles {
  records: string;
  folder: string;
}

function resolveFiles(dataset: string): ResolvedFiles {
  if (!existsSync(dataset)) throw new UserError(`--dataset: ${dataset} does not exist`);
  if (statSync(dataset).isDirectory()) {
    const records = join(dataset, "MathTrap_Public.json");
    if (!existsSync(records)) throw new UserError(`--dataset: ${dataset} has no MathTrap_Public.json`);
    return { records, folder: dataset };
  }
  return { records: dataset, folder: dirname(dataset) };
}

function requireFile(path: string, what: string): string {
  if (!existsSync(path)) throw new UserError(`${path}: not found (${what})`);
  return path;
}

/** The items to evaluate, in a stable order: originals, traps, then conceptual questions. */
export function loadItems(o: MathtrapTaskOptions): {
  items: MathtrapProblem[];
  demoPool: TrapProblem[];
  /** Repeated originals (-T originals=files): dropped when o.dedupe, else counted as the files have them. */
  repeats: RepeatedProblem[];
} {
  const files = resolveFiles(o.dataset);
  const records = loadTrapRecords(files.records);
  const kept = o.includeUnverified ? records : records.filter((r) => r.verified);
  if (kept.length === 0 && (o.kinds.includes("trap") || o.originals === "paired")) {
    throw new UserError(
      `${files.records}: no verified trap records (approve them with  assay mathtrap approve , or pass -T include_unverified=true)`,
    );
  }
  const { originals: paired, traps } = problemsFromRecords(kept);
  // Demonstrations always come from verified records (a person checked their flaw).
  const demoPool = problemsFromRecords(records.filter((r) => r.verified)).traps;
  const items: MathtrapProblem[] = [];
  let repeats: RepeatedProblem[] = [];
  if (o.kinds.includes("original")) {
    if (o.originals === "paired") items.push(...paired);
    else {
      const all = [
        ...loadOriginalFile(requireFile(join(files.folder, "GSM8K-ori.jsonl"), "-T originals=files")),
        ...loadOriginalFile(requireFile(join(files.folder, "MATH-ori.jsonl"), "-T originals=files")),
      ];
      const deduped = dedupeProblems(all);
      repeats = deduped.repeats;
      items.push(...(o.dedupe ? deduped.kept : all));
    }
  }
  if (o.kinds.includes("trap")) items.push(...traps);
  if (o.kinds.includes("conceptual")) {
    const path = o.concepts ?? join(files.folder, "Concept.jsonl");
    items.push(
      ...loadConceptual(
        requireFile(path, "conceptual questions; set -T concepts=PATH or -T kinds=original|trap"),
      ),
    );
  }
  return { items, demoPool, repeats };
}

/** One line on repeated originals, for the warning at run start and the report; "" when there are none. */
export function repeatsNote(repeats: readonly RepeatedProblem[], dedupe: boolean): string {
  if (repeats.length === 0) return "";
  const list = repeats.map((r) => `${r.id} = ${r.sameAs}`).join(", ");
  return dedupe
    ? `${repeats.length} repeated original problem(s) counted once (-T dedupe=false keeps the files' counting): ${list}`
    : `${repeats.length} repeated original problem(s) counted as often as the files list them (-T dedupe=false): ${list}`;
}

function sampleOf(
  item: MathtrapProblem,
  o: MathtrapTaskOptions,
  prompts: PromptSet,
  demoPool: readonly TrapProblem[],
): Sample {
  const demos =
    item.kind === "conceptual" ? [] : selectDemonstrations(demoPool, item, shotsOf(o.variant), o.demoSeed);
  const common = { kind: item.kind, problem: item.question, variant: o.variant, prompt_hash: prompts.hash };
  const input = buildMessages(prompts, item, o.variant, demos);
  if (item.kind === "conceptual") return conceptualSample(item, input, common);
  if (item.kind === "original")
    return originalSample(
      item,
      input,
      common,
      demos.map((d) => d.id),
    );
  return {
    id: item.id,
    input,
    target: item.annotation,
    metadata: {
      ...common,
      trap_type: item.trapType,
      subject: item.subject,
      source: item.source,
      group: item.group,
      original_id: item.originalId,
      verified: item.verified,
      demos: demos.map((d) => d.id),
    },
  };
}

function conceptualSample(
  item: ConceptualProblem,
  input: Sample["input"],
  common: Record<string, unknown>,
): Sample {
  return {
    id: item.id,
    input,
    target: item.answer ? "True" : "False",
    metadata: { ...common, group: item.id },
  };
}

function originalSample(
  item: OriginalProblem,
  input: Sample["input"],
  common: Record<string, unknown>,
  demos: string[],
): Sample {
  return {
    id: item.id,
    input,
    target: item.reference,
    metadata: {
      ...common,
      trap_types: item.trapTypes.join("|"),
      subject: item.subject,
      source: item.source,
      group: item.group,
      demos,
    },
  };
}

export function createMathtrapTask(args: TaskArgs): Task {
  const o = optionsFromArgs(args);
  const prompts = loadPromptSet(o.promptsDir);
  const { items, demoPool, repeats } = loadItems(o);
  const note = repeatsNote(repeats, o.dedupe);
  if (note) process.stderr.write(`warning: mathtrap: ${note}\n`);
  const samples = items.map((item) => sampleOf(item, o, prompts, demoPool));
  return {
    name: "mathtrap",
    // The prompt set is part of the version, so runs with different prompts are never resumed together.
    version: `${MATHTRAP_TASK_VERSION}+${prompts.hash.slice(0, 12)}`,
    dataset: memoryDataset(o.dataset, samples),
    solver: [generate()],
    scorers: [
      mathtrapScorer({
        prompts,
        judgeSamples: o.judgeSamples,
        judgeTemperature: o.judgeTemperature,
        requiresJudge: o.kinds.includes("trap"),
      }),
    ],
    config: { temperature: 0 },
    groupBy: ["kind"],
  };
}

registerTask({
  name: "mathtrap",
  description:
    "MathTrap (arXiv 2405.06680): conceptual, original and trap problems; Conceptual/Original/Trap accuracy and Ratio",
  options: [
    {
      name: "dataset",
      description:
        "MathTrap data folder (MathTrap_Public.json, Concept.jsonl, *-ori.jsonl) or a trap-record file",
      required: true,
    },
    { name: "concepts", description: "Concept.jsonl (default: beside the dataset)" },
    {
      name: "kinds",
      description: "problem kinds to run, separated by |",
      default: "conceptual|original|trap",
    },
    { name: "variant", description: "prompting variant: plain, hint, 1-shot or 5-shot", default: "plain" },
    {
      name: "originals",
      description: "paired (originals of the trap records) or files (GSM8K-ori.jsonl + MATH-ori.jsonl)",
      default: "paired",
    },
    {
      name: "judge_samples",
      description: "judge samples per trap problem (majority vote; agreement is reported)",
      default: 3,
    },
    { name: "judge_temperature", description: "judge temperature when judge_samples > 1", default: 0.7 },
    { name: "prompts", description: "prompt set folder replacing resources/mathtrap/prompts/v1" },
    {
      name: "include_unverified",
      description: "also evaluate generated trap records nobody has approved",
      default: false,
    },
    { name: "demo_seed", description: "seed for choosing few-shot demonstrations", default: 0 },
    {
      name: "dedupe",
      description:
        "with originals=files: count problems that the files repeat once (false: as often as listed)",
      default: true,
    },
  ],
  create: createMathtrapTask,
  annotation: mathtrapAnnotation,
  report(store, runIds, format) {
    const reports = runIds.map((id) => ({
      ...reportForRun(store, id),
      originalsNote: originalsNote(store, id),
    }));
    if (format === "json") return JSON.stringify(reports, null, 2);
    const notes = reports.filter((r) => r.originalsNote).map((r) => `${r.runId}: ${r.originalsNote}`);
    const text =
      formatRunReports(reports, { breakdown: true }) + (notes.length ? `\n${notes.join("\n")}\n` : "");
    if (format === "table") return text;
    const esc = text.replace(/[&<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
    return `<!doctype html><meta charset="utf-8"><title>MathTrap report</title><pre>${esc}</pre>\n`;
  },
});

/** What a run did with repeated originals (recomputed from its files; "" when not applicable or unreadable). */
function originalsNote(store: RunStore, runId: string): string {
  const args = store.requireRun(runId).manifest.task.args;
  if (args.originals !== "files") return "";
  try {
    const o = optionsFromArgs(args);
    return repeatsNote(loadItems(o).repeats, o.dedupe);
  } catch {
    return "";
  }
}
