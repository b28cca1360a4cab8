/**
 * The task a config-file eval describes: its dataset (a relative path is read from the config's folder),
 * every sample crossed with every prompt (like promptfoo's prompts × tests; the prompt's label goes to
 * metadata `prompt`, which metrics are then broken down by), the system message, few-shot turns, and the
 * scorers from the scorer registry with their arguments.
 */
import { dirname } from "node:path";
import type { ChatMessage, Dataset, GenerateConfig, Sample, Scorer, Solver, Task } from "../core/types.js";
import { type FieldSpec, fieldMapper, fileDataset, memoryDataset, parseFieldSpec } from "../dataset/index.js";
import { getReducer } from "../metrics/reducers.js";
import { textOf } from "../providers/scripted.js";
import { createScorer } from "../scorers/registry.js";
import { generate, lastUserIndex, systemMessage } from "../solvers/index.js";
import { errorMessage, UserError } from "../util/errors.js";
import { DEFAULT_FIELDS, datasetSource } from "./build-task.js";
import { configTaskName, keyPath, type LoadedConfig } from "./config-file.js";
import type { EvalConfig, ScorerRef } from "./config-schema.js";

interface Prompt {
  label: string;
  template: string;
}

export function buildConfigTask(loaded: LoadedConfig, path: string): Task {
  const c = loaded.config;
  const at = (key: ReadonlyArray<string | number>) =>
    `${loaded.file}:${loaded.lineOf(key) ?? 1}: ${keyPath(key)}`;
  const prompts = promptsOf(c);
  const groupBy = [...(typeof c.group_by === "string" ? [c.group_by] : (c.group_by ?? []))];
  if (prompts.length > 1 && !groupBy.includes("prompt")) groupBy.push("prompt");
  if (c.epoch_reducer !== undefined) {
    try {
      getReducer(c.epoch_reducer);
    } catch (err) {
      throw new UserError(`${at(["epoch_reducer"])}: ${errorMessage(err)}`);
    }
  }
  const solver: Solver[] = [
    ...(c.system ? [systemMessage(c.system)] : []),
    ...(c.few_shot?.length ? [fewShot(c.few_shot)] : []),
    ...(prompts.length ? [applyPrompt(prompts)] : []),
    generate(),
  ];
  const config = generateConfig(c);
  return {
    name: configTaskName(loaded),
    version: String(c.version ?? "1"),
    dataset: crossWithPrompts(checkTemplates(baseDataset(loaded, dirname(path)), prompts, at, c), prompts),
    solver,
    scorers: scorersOf(loaded, at),
    ...(Object.keys(config).length ? { config } : {}),
    ...(groupBy.length ? { groupBy } : {}),
    ...(c.epoch_reducer ? { epochReducer: c.epoch_reducer } : {}),
  };
}

function promptsOf(c: EvalConfig): Prompt[] {
  if (c.prompt) return [{ label: "p1", template: c.prompt }];
  return (c.prompts ?? []).map((p, i) =>
    typeof p === "string"
      ? { label: `p${i + 1}`, template: p }
      : { label: p.label ?? `p${i + 1}`, template: p.template },
  );
}

function baseDataset(loaded: LoadedConfig, dir: string): Dataset {
  const c = loaded.config;
  const spec = fieldSpecOf(c.fields);
  const toSample = fieldMapper(spec);
  if (Array.isArray(c.dataset)) {
    const samples = c.dataset.map((record, i) => {
      try {
        return toSample(record as Record<string, never>, i);
      } catch (err) {
        const field = (err as { field?: string }).field;
        throw new UserError(
          `${loaded.file}:${loaded.lineOf(["dataset", i]) ?? 1}: dataset[${i}]${field ? `.${field}` : ""}: ${errorMessage(err)}`,
        );
      }
    });
    return memoryDataset(`${loaded.file}#dataset`, samples);
  }
  const d = c.dataset;
  return fileDataset(datasetSource(d, dir), toSample);
}

function fieldSpecOf(fields: EvalConfig["fields"]): FieldSpec {
  if (fields === undefined) return DEFAULT_FIELDS;
  if (typeof fields === "string") return parseFieldSpec(fields, DEFAULT_FIELDS);
  return { ...DEFAULT_FIELDS, ...fields } as FieldSpec;
}

/**
 * A template none of whose names is the input or a field of the first sample asks every sample the same
 * question: a typo such as {inptu}, refused (naming the prompt's line) before the run is created. One
 * known name is enough, since other braces may be meant literally (LaTeX's \frac{a}{b}).
 */
function checkTemplates(
  base: Dataset,
  prompts: Prompt[],
  at: (key: ReadonlyArray<string | number>) => string,
  c: EvalConfig,
): Dataset {
  if (!prompts.length) return base;
  return mapSamples(
    base,
    1,
    function* (s) {
      yield s;
    },
    (first) => {
      // A conversation or images vary by sample even under a template without names.
      if (typeof first.input !== "string") return;
      const fields = Object.keys(first.metadata ?? {});
      const known = new Set(["input", "prompt", ...fields]);
      prompts.forEach((p, i) => {
        const names = [...p.template.matchAll(/\{\{\s*(\w+)\s*\}\}|\{(\w+)\}/g)].map((m) => m[1] ?? m[2]!);
        if (names.some((n) => known.has(n))) return;
        const key =
          c.prompt !== undefined
            ? ["prompt"]
            : typeof c.prompts?.[i] === "string"
              ? ["prompts", i]
              : ["prompts", i, "template"];
        const what = names.length
          ? `${names.map((n) => `{${n}}`).join(", ")} ${names.length > 1 ? "are" : "is"} not {input}`
          : "the template has no {input}";
        throw new UserError(
          `${at(key)}: ${what} nor a field of the dataset's records (${fields.join(", ") || "none"}), so every sample would be asked the same thing`,
        );
      });
    },
  );
}

/** Each sample once per prompt (ids "<id>#<label>" when there are several prompts). */
function crossWithPrompts(base: Dataset, prompts: Prompt[]): Dataset {
  if (prompts.length <= 1) return base;
  return mapSamples(base, prompts.length, function* (s) {
    for (const p of prompts)
      yield { ...s, id: `${s.id}#${p.label}`, metadata: { ...s.metadata, prompt: p.label } };
  });
}

function mapSamples(
  base: Dataset,
  factor: number,
  each: (s: Sample) => Iterable<Sample>,
  checkFirst?: (s: Sample) => void,
): Dataset {
  return {
    name: base.name,
    count: async () => (await base.count()) * factor,
    ...(base.fingerprint ? { fingerprint: () => base.fingerprint!() } : {}),
    async *samples() {
      let first = true;
      for await (const s of base.samples()) {
        if (first) checkFirst?.(s);
        first = false;
        yield* each(s);
      }
    },
  };
}

/**
 * `{prompt}` (or `{input}`) is the sample's input, `{name}` any metadata field; promptfoo's `{{ name }}`
 * is read the same way. An unknown name is left as written.
 */
export function fillPrompt(template: string, values: Record<string, unknown>): string {
  const fill = (whole: string, key: string) => (key in values ? String(values[key]) : whole);
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, fill).replace(/\{(\w+)\}/g, fill);
}

function applyPrompt(prompts: Prompt[]): Solver {
  const byLabel = new Map(prompts.map((p) => [p.label, p.template]));
  return async (state) => {
    const label = state.sample.metadata?.prompt;
    const template = byLabel.get(String(label)) ?? prompts[0]!.template;
    const i = lastUserIndex(state.messages);
    if (i < 0) return state;
    const msg = state.messages[i]!;
    const input = textOf(msg);
    const filled = fillPrompt(template, { ...state.sample.metadata, prompt: input, input });
    state.messages[i] =
      typeof msg.content === "string"
        ? { role: "user", content: filled }
        : {
            role: "user",
            content: [...msg.content.filter((p) => p.type === "image"), { type: "text", text: filled }],
          };
    return state;
  };
}

/** Worked examples as earlier turns, after any system message and before the question. */
function fewShot(examples: Array<{ input: string; output: string }>): Solver {
  const turns: ChatMessage[] = examples.flatMap((e) => [
    { role: "user" as const, content: e.input },
    { role: "assistant" as const, content: e.output },
  ]);
  return async (state) => {
    const system = state.messages.filter((m) => m.role === "system");
    state.messages = [...system, ...turns, ...state.messages.filter((m) => m.role !== "system")];
    return state;
  };
}

function generateConfig(c: EvalConfig): GenerateConfig {
  const g = c.generate ?? {};
  return {
    ...(g.temperature !== undefined ? { temperature: g.temperature } : {}),
    ...(g.max_tokens !== undefined ? { maxTokens: g.max_tokens } : {}),
    ...(g.top_p !== undefined ? { topP: g.top_p } : {}),
    ...(g.seed !== undefined ? { seed: g.seed } : {}),
    ...(g.stop ? { stop: g.stop } : {}),
  };
}

function scorersOf(loaded: LoadedConfig, at: (key: ReadonlyArray<string | number>) => string): Scorer[] {
  const raw = loaded.config.scorers ?? ["exact"];
  const list: ScorerRef[] = Array.isArray(raw) ? raw : [raw];
  const seen = new Set<string>();
  return list.map((ref, i) => {
    const key = Array.isArray(raw) ? ["scorers", i] : ["scorers"];
    const { scorer: name, threshold, ...args } = typeof ref === "string" ? { scorer: ref } : ref;
    let scorer: Scorer;
    try {
      scorer = createScorer(name, args as Parameters<typeof createScorer>[1]);
    } catch (err) {
      throw new UserError(`${at(key)}: ${errorMessage(err)}`);
    }
    if (threshold !== undefined) scorer = passAtThreshold(scorer, threshold);
    if (seen.has(scorer.name))
      throw new UserError(
        `${at(key)}: a second scorer named "${scorer.name}" (scores are stored by scorer name)`,
      );
    seen.add(scorer.name);
    return scorer;
  });
}

/** A graded scorer turned pass/fail: 1 when its value reaches the threshold (promptfoo's `threshold`). */
function passAtThreshold(inner: Scorer, threshold: number): Scorer {
  return {
    ...inner,
    metrics: ["accuracy", "stderr", "bootstrap_ci"],
    async score(state, ctx) {
      const s = await inner.score(state, ctx);
      const v = typeof s.value === "boolean" ? Number(s.value) : Number(s.value);
      if (!Number.isFinite(v)) return s;
      const pass = v >= threshold;
      return {
        ...s,
        value: pass ? 1 : 0,
        explanation: `${inner.name} ${v} ${pass ? "≥" : "<"} threshold ${threshold}${s.explanation ? `; ${s.explanation}` : ""}`,
        metadata: { ...s.metadata, raw_value: s.value },
      };
    },
  };
}
