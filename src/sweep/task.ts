/**
 * The `format-sweep` task: a multiple-choice or question-answer dataset asked in one prompt format of
 * the sweep grammar (formats.ts). Each format of a sweep is one ordinary run of this task, with the
 * format stored in its arguments, so every run can be shown, compared, resumed and re-scored.
 */
import type { Scorer, TaskArgs } from "../core/types.js";
import { fieldMapper, fileDataset, parseFieldSpec } from "../dataset/index.js";
import { exactMatch } from "../scorers/match.js";
import { generate, lastUserIndex } from "../solvers/index.js";
import { mcqRecordToSample } from "../tasks/mcq.js";
import { registerTask } from "../tasks/registry.js";
import { UserError } from "../util/errors.js";
import { DEFAULT_FORMAT, extractOption, optionLabel, type PromptFormat, renderPrompt } from "./formats.js";

export const SWEEP_TASK = "format-sweep";

const FORMAT_KEYS = Object.keys(DEFAULT_FORMAT) as (keyof PromptFormat)[];

export function parseFormat(text: string): PromptFormat {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(`-T format: not JSON (${(err as Error).message})`);
  }
  const f = value as Record<string, unknown>;
  for (const k of FORMAT_KEYS) {
    if (typeof f?.[k] !== "string") throw new UserError(`-T format: field "${k}" must be a string`);
  }
  if (!["A", "a", "1", "I"].includes(f.labels as string))
    throw new UserError(`-T format: "labels" must be one of A, a, 1, I`);
  if (!String(f.wrap).includes("{}")) throw new UserError(`-T format: "wrap" must contain {} for the label`);
  return Object.fromEntries(FORMAT_KEYS.map((k) => [k, f[k]])) as unknown as PromptFormat;
}

/** Multiple choice in a sweep format: the option the response picks, by the format's labels. */
function formatChoiceScorer(format: PromptFormat): Scorer {
  return {
    name: "choice",
    metrics: ["accuracy", "stderr", "bootstrap_ci"],
    async score(state) {
      const choices = state.sample.choices ?? [];
      const picked = extractOption(format, state.output?.text ?? "", choices);
      const target = String(state.sample.target ?? "");
      const wanted = target.charCodeAt(0) - 65;
      return {
        value: picked === wanted ? 1 : 0,
        answer: picked === undefined ? "" : optionLabel(format, picked),
        explanation:
          picked === undefined
            ? `no option label of this format found; expected ${optionLabel(format, wanted)}`
            : picked === wanted
              ? "picked the right option"
              : `expected ${optionLabel(format, wanted)}`,
      };
    },
  };
}

registerTask({
  name: SWEEP_TASK,
  description: "a multiple-choice or QA dataset asked in one prompt format (made by `assay sweep`)",
  options: [
    {
      name: "dataset",
      description: "the mcq or qa dataset (JSON/JSONL/Parquet, path or URL)",
      required: true,
    },
    { name: "kind", description: "mcq (question, choices, answer) or qa (input, target)", default: "mcq" },
    {
      name: "format",
      description: "the prompt format as JSON (see docs/judging.md)",
      default: JSON.stringify(DEFAULT_FORMAT),
    },
    {
      name: "format_index",
      description: "the format's number in its sweep (0: the default format)",
      default: 0,
    },
    { name: "group_by", description: "metadata field(s) to break metrics down by, separated by |" },
  ],
  create(args: TaskArgs) {
    const kind = String(args.kind);
    if (kind !== "mcq" && kind !== "qa") throw new UserError(`-T kind must be mcq or qa, got "${kind}"`);
    const format = parseFormat(String(args.format));
    const mapper =
      kind === "mcq"
        ? mcqRecordToSample
        : fieldMapper(parseFieldSpec("", { input: "input", target: "target", id: "id", metadata: "*" }));
    return {
      name: SWEEP_TASK,
      version: "1",
      dataset: fileDataset(String(args.dataset), mapper),
      solver: [
        async (state) => {
          const i = lastUserIndex(state.messages);
          const question = typeof state.sample.input === "string" ? state.sample.input : "";
          if (i >= 0)
            state.messages[i] = {
              role: "user",
              content: renderPrompt(format, question, state.sample.choices),
            };
          return state;
        },
        generate(),
      ],
      scorers: [kind === "mcq" ? formatChoiceScorer(format) : exactMatch()],
      ...(args.group_by ? { groupBy: String(args.group_by).split("|") } : {}),
    };
  },
});
