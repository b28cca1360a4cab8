/**
 * The `llmeval-med` task: `assay eval llmeval-med --model … --judge …`. One sample per conversation
 * (multi-turn groups in order, with the model's own earlier answers), judged `judge_runs` times per
 * answer. The prompt-set hash is part of the task version, so it lands in the run manifest and a run
 * is never resumed with different judge prompts.
 */
import type { Task } from "../core/types.js";
import { registerTask } from "../tasks/registry.js";
import { UserError } from "../util/errors.js";
import { llmevalMedAnnotation } from "./annotation.js";
import { CATEGORY_CODES, type CategoryCode, findCategory } from "./categories.js";
import { describeMissing, loadDatasetFile } from "./dataset.js";
import { resolveDataset } from "./download.js";
import { loadPromptSet, type PromptLang } from "./prompts.js";
import { renderTaskReport } from "./report.js";
import { ANSWER_SYSTEM, conversationDataset, conversationMeta, TASK_NAME } from "./samples.js";
import { llmevalMedJudge, type VerdictRuleName } from "./scorer.js";
import { conversationSolver } from "./solver.js";

/** Bump when answering, judging or parsing changes. */
export const TASK_BASE_VERSION = "1";

/** Judge cache epochs encode (run, attempt) in fixed ranges, hence the upper bounds. */
/** Judge runs and attempts are cache scopes now, not packed into an epoch number: only sanity bounds them. */
function boundedInt(name: string, v: unknown, max = 10_000): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UserError(`-T ${name}: expected a whole number from 1 to ${max}, got "${String(v)}"`);
  return n;
}

function parseCategories(v: unknown): CategoryCode[] | undefined {
  if (v === undefined || v === "") return undefined;
  const codes = String(v)
    .split(/[|,]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name) => {
      const info = findCategory(name);
      if (!info)
        throw new UserError(`-T categories: unknown category "${name}" (use ${CATEGORY_CODES.join(", ")})`);
      return info.code;
    });
  return codes;
}

registerTask({
  name: TASK_NAME,
  description:
    "LLMEval-Med clinical benchmark (667 Chinese questions, 5 categories): multi-turn answering, checklist-guided LLM judge, Table-2 usability rates",
  options: [
    {
      name: "dataset",
      description:
        "dataset.json in the release's format, path or URL (default: the pinned public release, downloaded once)",
    },
    { name: "judge_runs", description: "judge runs per answer (the paper judges 3 times)", default: 3 },
    {
      name: "judge_attempts",
      description: "judge calls per run before an unparseable verdict is recorded invalid",
      default: 3,
    },
    {
      name: "judge_prompts",
      description: "folder of judge prompt templates (MK.md … MTG.md) replacing the built-in ones",
    },
    { name: "judge_lang", description: "built-in judge prompt language: zh or en", default: "zh" },
    {
      name: "verdict_rule",
      description: "robust (documented in verdict.ts) or release (first [n], as Evaluate.py)",
      default: "robust",
    },
    {
      name: "protocol",
      description:
        "release: everything the release's Evaluate.py does (first-[n] verdict rule, one judge call per run, the release's prompts from -T judge_prompts=DIR); default: Assay's robust reading",
      default: "default",
    },
    { name: "categories", description: "only these categories, e.g. MK|MR (default: all five)" },
    { name: "system", description: "system message for the model under test", default: ANSWER_SYSTEM },
  ],
  report: renderTaskReport,
  annotation: llmevalMedAnnotation,
  async create(args): Promise<Task> {
    const protocol = String(args.protocol);
    if (protocol !== "default" && protocol !== "release")
      throw new UserError(`-T protocol: expected release or default, got "${protocol}"`);
    // The release's protocol: its verdict rule, one judge call per run (an unreadable reply is an invalid
    // run, never asked again) and its own prompt texts, which Assay does not ship.
    if (protocol === "release" && args.judge_prompts === undefined)
      throw new UserError(
        "-T protocol=release needs -T judge_prompts=DIR holding the release's Evaluate.py prompts " +
          '(docs/llmeval-med.md, "Running the release\'s own prompts", says how to make the folder)',
      );
    const rule = protocol === "release" ? "release" : String(args.verdict_rule);
    if (rule !== "robust" && rule !== "release")
      throw new UserError(`-T verdict_rule: expected robust or release, got "${rule}"`);
    const attempts = protocol === "release" ? 1 : boundedInt("judge_attempts", args.judge_attempts);
    if (protocol !== "release" && rule === "release" && attempts > 1)
      process.stderr.write(
        `warning: llmeval-med: -T verdict_rule=release with judge_attempts=${attempts} departs from the release, ` +
          "which asks the judge once per run and records an unreadable reply as invalid (-T protocol=release does all of it)\n",
      );
    const judgeRuns = boundedInt("judge_runs", args.judge_runs);
    const prompts = await loadPromptSet({
      ...(args.judge_prompts !== undefined ? { dir: String(args.judge_prompts) } : {}),
      lang: String(args.judge_lang) as PromptLang,
    });
    const resolved = await resolveDataset(args.dataset === undefined ? undefined : String(args.dataset));
    const ds = await loadDatasetFile(resolved.path);
    const codes = parseCategories(args.categories);
    process.stderr.write(
      `llmeval-med: ${ds.items.length} questions in ${ds.conversations.length} conversations; ` +
        `missing values (treated as absent): ${describeMissing(ds)}\n`,
    );
    return {
      name: TASK_NAME,
      version: `${TASK_BASE_VERSION}+prompts.${prompts.hash.slice(0, 16)}`,
      dataset: conversationDataset(ds, { ...(codes ? { codes } : {}), system: String(args.system) }),
      solver: [conversationSolver()],
      scorers: [
        llmevalMedJudge({
          prompts,
          runs: judgeRuns,
          attempts,
          rule: rule as VerdictRuleName,
        }),
      ],
      // Answer.py generates up to 2048 new tokens.
      config: { maxTokens: 2048 },
      groupBy: ["code"],
      // One answer per turn, each judged judge_runs times (more when a reply is unreadable and retried).
      callsPerSample: (sample) => {
        const turns = conversationMeta(sample.metadata).turns.length;
        return { model: turns, judge: turns * judgeRuns };
      },
    };
  },
});
