/** `mcq`: multiple-choice questions (question, choices, answer letter) with letter extraction. */
import type { ImagePart, Sample, Solver } from "../core/types.js";
import {
  fieldError,
  fileDataset,
  type JsonRecord,
  parseImages,
  type RecordContext,
  requireString,
  withImages,
} from "../dataset/index.js";
import { choiceScorer } from "../scorers/choice.js";
import {
  choiceLetter,
  DEFAULT_MCQ_TEMPLATE,
  generate,
  lastUserIndex,
  multipleChoice,
} from "../solvers/index.js";
import { registerTask } from "./registry.js";
import { requirePlaceholders } from "./template-check.js";

/**
 * One record → Sample; `answer` may be a letter ("B") or a 0-based index (1). An `images` or `image`
 * field (path relative to the dataset file, URL, data URL) goes to the model with the question.
 */
export function mcqRecordToSample(record: JsonRecord, index: number, ctx: RecordContext = {}): Sample {
  const question = requireString(record, "question");
  const choices = record.choices;
  if (!Array.isArray(choices) || choices.length < 2 || choices.length > 26) {
    fieldError("choices", "expected an array of 2 to 26 options");
  }
  if (!choices.every((c) => typeof c === "string" || typeof c === "number"))
    fieldError("choices", "options must be strings");
  const raw = record.answer;
  let letter: string;
  if (typeof raw === "number" && Number.isInteger(raw) && raw >= 0 && raw < choices.length)
    letter = choiceLetter(raw);
  else if (typeof raw === "string" && /^[A-Za-z]$/.test(raw.trim())) letter = raw.trim().toUpperCase();
  else
    return fieldError(
      "answer",
      `expected an option letter (A-${choiceLetter(choices.length - 1)}) or 0-based index, got ${JSON.stringify(raw)}`,
    );
  if (letter.charCodeAt(0) - 65 >= choices.length)
    fieldError("answer", `letter ${letter} but only ${choices.length} choices`);
  const { question: _q, choices: _c, answer: _a, id, image, images, ...rest } = record;
  const imageField = images !== undefined && images !== null ? "images" : "image";
  const pictures = record[imageField] == null ? [] : parseImages(record[imageField], imageField, ctx);
  return {
    id:
      id === undefined || id === null
        ? String(index + 1)
        : requireString(record, "id", { allowNumber: true }),
    input: pictures.length ? withImages(question, pictures, imageField) : question,
    choices: choices.map(String),
    target: letter,
    metadata: rest,
  };
}

registerTask({
  name: "mcq",
  description:
    "multiple-choice questions (JSONL: question, choices[], answer letter or index, id?, image(s)?)",
  options: [
    {
      name: "dataset",
      description:
        "JSON/JSONL/Parquet file, URL or hf:<owner>/<dataset>[/<config>][@<revision>]:<split> with question, choices, answer",
      required: true,
    },
    {
      name: "template",
      description: "prompt template with {question} and {choices}",
      default: DEFAULT_MCQ_TEMPLATE,
    },
    { name: "group_by", description: "metadata field(s) to break metrics down by, separated by |" },
  ],
  create(args) {
    return {
      name: "mcq",
      version: "1",
      dataset: fileDataset(String(args.dataset), mcqRecordToSample),
      solver: [
        keepingImages(
          multipleChoice(requirePlaceholders("mcq", String(args.template), ["question", "choices"])),
        ),
        generate(),
      ],
      scorers: [choiceScorer()],
      ...(args.group_by ? { groupBy: String(args.group_by).split("|") } : {}),
    };
  },
});

/** Run a solver that rewrites the last user message as text, then put that message's images back first. */
function keepingImages(inner: Solver): Solver {
  return async (state, gen, ctx) => {
    const before = state.messages[lastUserIndex(state.messages)];
    const images =
      before && typeof before.content !== "string"
        ? before.content.filter((p): p is ImagePart => p.type === "image")
        : [];
    const after = await inner(state, gen, ctx);
    const i = lastUserIndex(after.messages);
    const msg = after.messages[i];
    if (images.length && msg) {
      const parts =
        typeof msg.content === "string" ? [{ type: "text" as const, text: msg.content }] : msg.content;
      after.messages[i] = { role: "user", content: [...images, ...parts.filter((p) => p.type !== "image")] };
    }
    return after;
  };
}
