/**
 * Benchmark items as text segments: a task's samples (from createTask, so any registered task and its
 * `--dataset`/`-T` arguments work) reduced to the fields to check. Each segment is normalised and
 * searched on its own; n-grams never span two segments (an input and its answer, two alternatives).
 */
import type { Sample } from "../core/types.js";
import { createTask } from "../tasks/index.js";
import { UserError } from "../util/errors.js";
import { normaliseText } from "./normalize.js";

export const ITEM_FIELDS = ["input", "target", "choices"] as const;
export type ItemField = (typeof ITEM_FIELDS)[number];

export interface BenchItem {
  id: string;
  /** Normalised tokens of each segment. */
  segments: string[][];
}

export function parseFields(spec: string): ItemField[] {
  const fields = spec
    .split(",")
    .map((f) => f.trim())
    .filter((f) => f !== "");
  for (const f of fields) {
    if (!(ITEM_FIELDS as readonly string[]).includes(f)) {
      throw new UserError(`--fields: unknown field "${f}" (known: ${ITEM_FIELDS.join(", ")})`);
    }
  }
  if (fields.length === 0) throw new UserError("--fields: name at least one of input, target, choices");
  return [...new Set(fields)] as ItemField[];
}

export function fieldTexts(sample: Sample, field: ItemField): string[] {
  if (field === "input") {
    if (typeof sample.input === "string") return [sample.input];
    return sample.input.map((m) =>
      typeof m.content === "string"
        ? m.content
        : m.content.map((p) => (p.type === "text" ? p.text : "")).join("\n"),
    );
  }
  if (field === "target") {
    const t = sample.target;
    return t === undefined ? [] : Array.isArray(t) ? t : [t];
  }
  return sample.choices ?? [];
}

export function sampleItem(sample: Sample, fields: readonly ItemField[]): BenchItem {
  const segments: string[][] = [];
  for (const f of fields) for (const text of fieldTexts(sample, f)) segments.push(normaliseText(text));
  return { id: sample.id, segments };
}

/** A task's samples (any registered task and its arguments), refusing repeated ids and an empty task. */
export async function taskSamples(
  taskName: string,
  args: Record<string, string | number | boolean>,
): Promise<{ name: string; samples: Sample[] }> {
  const { task } = await createTask(taskName, args);
  const samples: Sample[] = [];
  const seen = new Set<string>();
  for await (const sample of task.dataset.samples()) {
    if (seen.has(sample.id)) throw new UserError(`${task.dataset.name}: sample id "${sample.id}" repeats`);
    seen.add(sample.id);
    samples.push(sample);
  }
  if (samples.length === 0) throw new UserError(`${task.dataset.name}: the task has no samples`);
  return { name: task.dataset.name, samples };
}

export async function loadItems(
  taskName: string,
  args: Record<string, string | number | boolean>,
  fields: readonly ItemField[],
): Promise<BenchItem[]> {
  const { samples } = await taskSamples(taskName, args);
  return samples.map((s) => sampleItem(s, fields));
}
