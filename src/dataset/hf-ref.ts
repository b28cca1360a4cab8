/**
 * `hf:<owner>/<name>[/<config>][@<revision>][:<split>]` names a split of a Hugging Face dataset, e.g.
 * `hf:openai/gsm8k/main:test` or `hf:cais/mmlu/abstract_algebra@c30699e:test`.
 */
import { UserError } from "../util/errors.js";

export interface HfDatasetRef {
  /** "owner/name". */
  repo: string;
  /** The config (subset); undefined: the dataset's default one. */
  config?: string;
  /** Branch, tag or commit; "main" when not given. */
  revision: string;
  /** Whether the revision was written out (a pin), rather than the default branch. */
  pinned: boolean;
  /** undefined: the only split there is. */
  split?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REVISION = /^[A-Za-z0-9._/-]+$/;

export function isHfDatasetSource(source: string): boolean {
  return source.startsWith("hf:");
}

export function parseHfDatasetRef(source: string): HfDatasetRef {
  const body = source.replace(/^hf:/, "");
  const usage =
    `"${source}" must look like hf:<owner>/<dataset>[/<config>][@<revision>][:<split>], ` +
    "e.g. hf:openai/gsm8k/main:test";
  const colon = body.lastIndexOf(":");
  const split = colon >= 0 ? body.slice(colon + 1) : undefined;
  const beforeSplit = colon >= 0 ? body.slice(0, colon) : body;
  const at = beforeSplit.indexOf("@");
  const revision = at >= 0 ? beforeSplit.slice(at + 1) : "main";
  const path = (at >= 0 ? beforeSplit.slice(0, at) : beforeSplit).split("/");
  const [owner = "", name = "", config, ...extra] = path;
  const ok =
    NAME.test(owner) &&
    NAME.test(name) &&
    extra.length === 0 &&
    (config === undefined || NAME.test(config)) &&
    (split === undefined || NAME.test(split)) &&
    REVISION.test(revision) &&
    !revision.includes("..");
  if (!ok) throw new UserError(usage);
  return {
    repo: `${owner}/${name}`,
    ...(config ? { config } : {}),
    revision,
    pinned: at >= 0,
    ...(split ? { split } : {}),
  };
}

export function formatHfDatasetRef(ref: HfDatasetRef, revision = ref.revision): string {
  return (
    `hf:${ref.repo}${ref.config ? `/${ref.config}` : ""}` +
    `${revision === "main" ? "" : `@${revision}`}${ref.split ? `:${ref.split}` : ""}`
  );
}
