/**
 * A task file, as an inspect_ai user would write a @task: run it with
 *   npx assay eval examples/capitals.task.ts --model openai/<model> --model-base-url http://localhost:8000/v1
 * (this file defines two tasks, so add @capitals or @capitals_cot to pick one; see docs/tasks.md).
 */
import { defineTask, exactMatch, generate, promptTemplate, systemMessage } from "assay";

export const capitals = defineTask({
  description: "capital cities, exact match of the final answer, broken down by region",
  dataset: "data/capitals.jsonl", // read from this file's folder: input, target, id; other fields are metadata
  solver: [
    systemMessage("You are a concise geography assistant."),
    promptTemplate('What is the capital of {prompt}? End with "ANSWER: <city>".'),
    generate(),
  ],
  scorer: exactMatch(),
  groupBy: "region",
});

/** The same questions with a -T option: `-T style=think` asks for reasoning first. */
export const capitals_cot = defineTask({
  options: [{ name: "style", description: "direct or think", default: "direct" }],
  create: (args) => ({
    dataset: "data/capitals.jsonl",
    solver: [
      promptTemplate(
        `${args.style === "think" ? "Think step by step, then answer. " : ""}Capital of {prompt}? End with "ANSWER: <city>".`,
      ),
      generate(),
    ],
    scorer: exactMatch(),
    config: { temperature: 0 },
  }),
});
