/**
 * Datasets: records from a file, URL or Hugging Face dataset (`hf:owner/name[/config][@rev]:split`; JSON,
 * JSONL, Parquet) mapped to Samples by a field spec or a function. Every malformed record fails with "<file>:<line>: field "<name>": <problem>".
 */
import { dirname } from "node:path";
import type { ChatMessage, Dataset, Sample } from "../core/types.js";
import { UserError } from "../util/errors.js";
import { parseChat, parseImages, type RecordContext, withImages } from "./chat-input.js";
import { describeValue, FieldError, fieldError, requireString } from "./field-error.js";
import { countRecords, type JsonRecord, type LocatedRecord, readRecords } from "./records.js";
import { type OpenedSource, openSource } from "./source.js";

export { imagePart, parseChat, parseImages, type RecordContext, withImages } from "./chat-input.js";
export { cacheDir, downloadToCache, isUrl } from "./download.js";
export { describeValue, FieldError, fieldError, requireString } from "./field-error.js";
export { hfHubCacheDir } from "./hf-cache.js";
export { formatHfDatasetRef, type HfDatasetRef, isHfDatasetSource, parseHfDatasetRef } from "./hf-ref.js";
export { detectFormat, type JsonRecord, type LocatedRecord, readRecords, resolveSource } from "./records.js";

/** Which record fields become which Sample fields. */
export interface FieldSpec {
  input: string;
  /** Field with an OpenAI-format conversation, used when a record has no `input` field. */
  messages?: string;
  /** Field(s) with images, separated by "|": the first one a record has is used. */
  images?: string;
  target?: string;
  id?: string;
  choices?: string;
  /** Record fields copied into metadata ("*" = every field not used above). */
  metadata?: string[] | "*";
}

const SPEC_KEYS = ["input", "messages", "images", "target", "id", "choices"] as const;

/** Parse "input=question,target=answer,id=qid,images=picture,metadata=subject|level" (command-line form). */
export function parseFieldSpec(text: string, defaults: FieldSpec): FieldSpec {
  const spec: FieldSpec = { ...defaults };
  for (const part of text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new UserError(`--fields: "${part}" must look like sampleField=recordField`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "metadata") spec.metadata = value === "*" ? "*" : value.split("|").filter(Boolean);
    else if ((SPEC_KEYS as readonly string[]).includes(key)) spec[key as (typeof SPEC_KEYS)[number]] = value;
    else
      throw new UserError(`--fields: unknown sample field "${key}" (use ${SPEC_KEYS.join(", ")}, metadata)`);
  }
  return spec;
}

/** The record's input: its `input` field (text or conversation) or its `messages`, plus its images. */
function sampleInput(record: JsonRecord, spec: FieldSpec, ctx: RecordContext): string | ChatMessage[] {
  const v = record[spec.input];
  let input: string | ChatMessage[];
  if (Array.isArray(v)) input = parseChat(v, spec.input, ctx);
  else if ((v === undefined || v === null) && spec.messages && record[spec.messages] != null)
    input = parseChat(record[spec.messages], spec.messages, ctx);
  else if (v === undefined || v === null)
    return fieldError(spec.input, spec.messages ? `missing (and no "${spec.messages}" either)` : "missing");
  else input = requireString(record, spec.input);
  const imageField = imageFieldOf(record, spec);
  return imageField ? withImages(input, parseImages(record[imageField], imageField, ctx), imageField) : input;
}

function imageFieldOf(record: JsonRecord, spec: FieldSpec): string | undefined {
  return spec.images
    ?.split("|")
    .map((f) => f.trim())
    .find((f) => f && record[f] !== undefined && record[f] !== null);
}

/** A record-to-Sample function from a field spec. */
export function fieldMapper(spec: FieldSpec): RecordMapper {
  return (record, index, ctx = {}) => {
    const sample: Sample = { id: String(index + 1), input: sampleInput(record, spec, ctx) };
    // A record without an id keeps its 1-based position as id.
    if (spec.id && record[spec.id] !== undefined && record[spec.id] !== null) {
      sample.id = requireString(record, spec.id, { allowNumber: true });
    }
    if (spec.target) {
      const t = record[spec.target];
      if (Array.isArray(t) && t.every((x) => typeof x === "string")) sample.target = t;
      else sample.target = requireString(record, spec.target, { allowNumber: true });
    }
    if (spec.choices) {
      const c = record[spec.choices];
      if (
        !Array.isArray(c) ||
        c.length < 2 ||
        !c.every((x) => typeof x === "string" || typeof x === "number")
      ) {
        fieldError(spec.choices, `expected an array of at least 2 strings, got ${describeValue(c)}`);
      }
      sample.choices = c.map(String);
    }
    if (spec.metadata) {
      const used = new Set([
        spec.input,
        spec.messages,
        ...(spec.images?.split("|") ?? []),
        spec.target,
        spec.id,
        spec.choices,
      ]);
      const keys = spec.metadata === "*" ? Object.keys(record).filter((k) => !used.has(k)) : spec.metadata;
      const md: Record<string, unknown> = {};
      for (const k of keys) if (record[k] !== undefined) md[k] = record[k];
      sample.metadata = md;
    }
    return sample;
  };
}

/** Maps one record to a Sample; `ctx.dir` is the dataset file's folder (for relative image paths). */
export type RecordMapper = (record: JsonRecord, index: number, ctx?: RecordContext) => Sample;

/**
 * A streaming Dataset over a file, URL or `hf:` dataset name. `toSample` throws FieldError (via
 * fieldError/requireString) for bad records; the error is reported with the record's location.
 * Duplicate ids are refused. Records of a multi-file source are numbered across its files.
 */
export function fileDataset(source: string, toSample: RecordMapper): Dataset {
  let opened: Promise<OpenedSource> | undefined;
  const open = () => {
    opened ??= openSource(source).catch((err: unknown) => {
      opened = undefined; // a failed download may succeed on the next try
      throw err;
    });
    return opened;
  };
  return {
    name: source,
    async count() {
      let n = 0;
      for (const file of (await open()).files) n += await countRecords(file.path, file.name, file.format);
      return n;
    },
    async fingerprint() {
      return (await open()).fingerprint();
    },
    async *samples() {
      const seen = new Set<string>();
      let offset = 0;
      for (const file of (await open()).files) {
        const ctx: RecordContext = { dir: dirname(file.path) };
        let n = 0;
        for await (const located of readRecords(file.path, file.name, file.format)) {
          const sample = mapRecord({ ...located, index: offset + located.index }, toSample, ctx);
          if (seen.has(sample.id))
            throw new UserError(`${located.where}: duplicate sample id "${sample.id}"`);
          seen.add(sample.id);
          n++;
          yield sample;
        }
        offset += n;
      }
    },
  };
}

function mapRecord(located: LocatedRecord, toSample: RecordMapper, ctx: RecordContext): Sample {
  try {
    return toSample(located.record, located.index, ctx);
  } catch (err) {
    if (err instanceof FieldError)
      throw new UserError(`${located.where}: field "${err.field}": ${err.message}`);
    throw err;
  }
}

/** An in-memory dataset (library use and tests). */
export function memoryDataset(name: string, samples: Sample[]): Dataset {
  return {
    name,
    count: async () => samples.length,
    async *samples() {
      yield* samples;
    },
  };
}
