/**
 * Which files of a dataset repository hold a config's split. The same rules run over the hub's file
 * list and over a cached snapshot, so a cache filled by another tool resolves as the hub would:
 *
 * 1. `configs` in the README's YAML front matter (`config_name`, `data_files` with `split` and `path`
 *    globs, or `data_dir` with the conventions below inside it; `default: true`), as the `datasets`
 *    library reads them;
 * 2. file-name conventions for a dataset without configs: a path segment or file name that starts with
 *    the split's name (`data/test-00000-of-00002.parquet`, `test.parquet`, `test/0.parquet`), with the
 *    usual synonyms (dev/val → validation, eval → test); lone files with no split name are "train".
 *
 * The hub's Parquet conversion (the `refs/convert/parquet` branch) has its own layout:
 * `<config>/<split>/0000.parquet`, or `<config>/partial-<split>/…` for a split converted only in part.
 */
import { UserError } from "../util/errors.js";

/** One entry of the README's `configs:` list, as the hub returns it in `cardData`. */
export interface CardConfig {
  config_name?: string;
  data_files?: unknown;
  /** A folder whose files follow the naming conventions (instead of `data_files`). */
  data_dir?: string;
  default?: boolean;
}

export interface SplitFiles {
  config: string;
  split: string;
  files: string[];
}

/** What a file list says about the wanted split: its files, or why there are none. */
export type Selection = { found: SplitFiles } | { missing: string };

const READABLE = /\.(parquet|jsonl|ndjson|json)$/i;
const SYNONYMS: Record<string, string[]> = {
  train: ["train", "training"],
  validation: ["validation", "valid", "dev", "val"],
  test: ["test", "testing", "eval", "evaluation"],
};

export function selectSplitFiles(
  files: readonly string[],
  layout: { configs?: readonly CardConfig[] | undefined; converted?: boolean },
  wantConfig: string | undefined,
  wantSplit: string | undefined,
  label: string,
): Selection {
  if (layout.converted)
    return (
      fromConvertedLayout(files, wantConfig, wantSplit, label) ?? {
        missing: `${label} has no Parquet conversion`,
      }
    );
  const configs = layout.configs;
  if (configs && configs.length > 0) return fromCardConfigs(files, configs, wantConfig, wantSplit, label);
  if (wantConfig && wantConfig !== "default")
    return { missing: `${label} has no config "${wantConfig}" (its README declares no configs)` };
  return fromConventions(files, wantSplit, label);
}

function fromCardConfigs(
  files: readonly string[],
  configs: readonly CardConfig[],
  wantConfig: string | undefined,
  wantSplit: string | undefined,
  label: string,
): Selection {
  const names = configs.map((c) => c.config_name ?? "default");
  let chosen: CardConfig | undefined;
  if (wantConfig) chosen = configs.find((c) => (c.config_name ?? "default") === wantConfig);
  else
    chosen =
      configs.find((c) => c.default === true) ??
      configs.find((c) => (c.config_name ?? "default") === "default") ??
      (configs.length === 1 ? configs[0] : undefined);
  if (!chosen) {
    throw new UserError(
      wantConfig
        ? `${label}: no config "${wantConfig}"; the dataset has ${names.join(", ")}`
        : `${label}: the dataset has several configs (${names.join(", ")}); name one, e.g. hf:<owner>/<dataset>/${names[0]}:<split>`,
    );
  }
  const config = chosen.config_name ?? "default";
  if (chosen.data_files === undefined && typeof chosen.data_dir === "string") {
    const dir = `${chosen.data_dir.replace(/\/+$/, "")}/`;
    const inDir = files.filter((f) => f.startsWith(dir)).map((f) => f.slice(dir.length));
    const selection = fromConventions(inDir, wantSplit, `${label} (config ${config})`);
    if ("missing" in selection) return selection;
    const found = selection.found;
    return { found: { config, split: found.split, files: found.files.map((f) => dir + f) } };
  }
  const bySplit = dataFilesBySplit(chosen.data_files);
  const split = pickSplit([...bySplit.keys()], wantSplit, `${label} (config ${config})`);
  const patterns = bySplit.get(split) ?? [];
  const matched = files.filter((f) => patterns.some((p) => globToRegExp(p).test(f))).sort();
  const readable = matched.filter((f) => READABLE.test(f));
  if (readable.length === 0) {
    return {
      missing: matched.length
        ? `${label}: the files of config ${config}, split ${split} are not Parquet or JSON (${matched[0]})`
        : `${label}: no file matches ${patterns.join(", ")} (config ${config}, split ${split})`,
    };
  }
  return { found: { config, split, files: readable } };
}

/** `data_files` as a string, a list of strings, or a list of {split, path}; a bare path is the train split. */
function dataFilesBySplit(dataFiles: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (split: string, path: unknown) => {
    const paths = (Array.isArray(path) ? path : [path]).filter((p): p is string => typeof p === "string");
    out.set(split, [...(out.get(split) ?? []), ...paths]);
  };
  const entries = Array.isArray(dataFiles) ? dataFiles : [dataFiles];
  for (const e of entries) {
    if (typeof e === "string") add("train", e);
    else if (e && typeof e === "object" && "path" in e) {
      const split = (e as { split?: unknown }).split;
      add(typeof split === "string" ? split : "train", (e as { path: unknown }).path);
    }
  }
  if (entries.length === 0 || out.size === 0) out.set("train", ["**"]);
  return out;
}

function fromConvertedLayout(
  files: readonly string[],
  wantConfig: string | undefined,
  wantSplit: string | undefined,
  label: string,
): Selection | undefined {
  const layout = /^([^/]+)\/(partial-)?([^/]+)\/\d+\.parquet$/;
  const configs = new Map<string, Map<string, string[]>>();
  for (const f of files) {
    const m = layout.exec(f);
    if (!m) continue;
    const [, config = "", partial, split = ""] = m;
    const splits = configs.get(config) ?? new Map<string, string[]>();
    configs.set(config, splits);
    // A complete split wins over a partial one of the same name.
    const key = partial ? `partial-${split}` : split;
    splits.set(key, [...(splits.get(key) ?? []), f]);
  }
  if (configs.size === 0) return undefined;
  const names = [...configs.keys()].sort();
  const config =
    wantConfig ?? (configs.has("default") ? "default" : names.length === 1 ? names[0] : undefined);
  if (!config)
    throw new UserError(
      `${label}: the dataset has several configs (${names.join(", ")}); name one, e.g. hf:<owner>/<dataset>/${names[0]}:<split>`,
    );
  const splits = configs.get(config);
  if (!splits) return { missing: `${label}: no config "${config}"; the dataset has ${names.join(", ")}` };
  const available = [...new Set([...splits.keys()].map((s) => s.replace(/^partial-/, "")))];
  const split = pickSplit(available, wantSplit, `${label} (config ${config})`);
  const chosen = splits.get(split) ?? splits.get(`partial-${split}`) ?? [];
  return { found: { config, split, files: [...chosen].sort() } };
}

function fromConventions(files: readonly string[], wantSplit: string | undefined, label: string): Selection {
  const readable = files.filter((f) => READABLE.test(f) && !f.startsWith("."));
  if (readable.length === 0) return { missing: `${label} has no Parquet or JSON data files` };
  const bySplit = new Map<string, string[]>();
  for (const f of readable) {
    const split = conventionalSplit(f);
    if (split) bySplit.set(split, [...(bySplit.get(split) ?? []), f]);
  }
  if (bySplit.size === 0) bySplit.set("train", readable);
  const split = pickSplit([...bySplit.keys()], wantSplit, label);
  return { found: { config: "default", split, files: [...(bySplit.get(split) ?? [])].sort() } };
}

/** The split a path's name says, e.g. data/dev-00000-of-00001.parquet → validation. */
function conventionalSplit(path: string): string | undefined {
  const segments = path.toLowerCase().split("/");
  for (const [split, words] of Object.entries(SYNONYMS)) {
    for (const word of words) {
      const starts = new RegExp(`^${word}(?:$|[-._ 0-9])`);
      if (segments.some((s) => starts.test(s))) return split;
    }
  }
  return undefined;
}

function pickSplit(available: string[], want: string | undefined, label: string): string {
  const sorted = [...available].sort();
  if (want) {
    if (available.includes(want)) return want;
    const canonical = Object.entries(SYNONYMS).find(([, words]) => words.includes(want))?.[0];
    if (canonical && available.includes(canonical)) return canonical;
    throw new UserError(`${label}: no split "${want}"; the splits are ${sorted.join(", ")}`);
  }
  if (available.length === 1) return available[0] ?? "";
  throw new UserError(`${label} has several splits (${sorted.join(", ")}); add one, e.g. :${sorted[0]}`);
}

/** A `data_files` glob: `*` within a path segment, `**` across segments, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? "";
    if (c === "*" && glob[i + 1] === "*") {
      re += ".*";
      i++;
      if (glob[i + 1] === "/") i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
