/** `qa`: free-form questions scored by exact match of the final answer. */
import { fieldMapper, fileDataset, parseFieldSpec } from "../dataset/index.js";
import { exactMatch } from "../scorers/match.js";
import { generate, promptTemplate } from "../solvers/index.js";
import { registerTask } from "./registry.js";
import { requirePlaceholders } from "./template-check.js";

export const QA_TEMPLATE = '{prompt}\n\nGive your final answer on the last line as "ANSWER: <answer>".';

registerTask({
  name: "qa",
  description:
    "questions with a short reference answer, scored by exact match (JSONL: input or messages, target, id?, image(s)?)",
  options: [
    {
      name: "dataset",
      description:
        "JSON/JSONL/Parquet file, URL or hf:<owner>/<dataset>[/<config>][@<revision>]:<split> with input (or messages) and target fields",
      required: true,
    },
    {
      name: "fields",
      description:
        "field mapping, e.g. input=question,target=answer,id=qid,images=picture,messages=chat,metadata=subject",
    },
    { name: "template", description: "prompt template; {prompt} is the input", default: QA_TEMPLATE },
    { name: "group_by", description: "metadata field(s) to break metrics down by, separated by |" },
  ],
  create(args) {
    const spec = parseFieldSpec(String(args.fields ?? ""), {
      input: "input",
      messages: "messages",
      images: "images|image",
      target: "target",
      id: "id",
      metadata: "*",
    });
    return {
      name: "qa",
      version: "1",
      dataset: fileDataset(String(args.dataset), fieldMapper(spec)),
      solver: [promptTemplate(requirePlaceholders("qa", String(args.template), ["prompt"])), generate()],
      scorers: [exactMatch()],
      ...(args.group_by ? { groupBy: String(args.group_by).split("|") } : {}),
    };
  },
});
