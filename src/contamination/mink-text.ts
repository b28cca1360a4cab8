/**
 * `contamination mink --task`: a task's samples as text items for membership scores. The text of an
 * item is its chosen fields (`--fields`, default input then target) joined by newlines, the way a
 * pre-training document would hold a question followed by its answer.
 */
import { UserError } from "../util/errors.js";
import { fieldTexts, type ItemField, taskSamples } from "./items.js";

export interface TextItem {
  id: string;
  text: string;
  member?: boolean;
}

export async function taskTextItems(
  taskName: string,
  args: Record<string, string | number | boolean>,
  fields: readonly ItemField[],
): Promise<TextItem[]> {
  const { name, samples } = await taskSamples(taskName, args);
  return samples.map((sample) => {
    const text = fields
      .flatMap((f) => fieldTexts(sample, f))
      .filter((t) => t !== "")
      .join("\n");
    if (text === "") throw new UserError(`${name}: sample "${sample.id}" has no text in --fields`);
    return { id: sample.id, text };
  });
}
