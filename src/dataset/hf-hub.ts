/**
 * The few Hugging Face Hub requests a dataset needs: a revision's commit and card data
 * (`/api/datasets/<id>/revision/<rev>`), its files (`/api/datasets/<id>/tree/<commit>?recursive=true`,
 * paged by `Link: <…>; rel="next"`), and a file's bytes (`/datasets/<id>/resolve/<commit>/<path>`,
 * which redirects large files to a CDN). `HF_TOKEN` goes to the hub's own origin only, never to the
 * CDN, and never into a message.
 */
import { hfEndpoint } from "../providers/hf-download.js";
import { UserError } from "../util/errors.js";
import { redactSecrets, registerSecret } from "../util/secrets.js";
import type { CardConfig } from "./hf-files.js";

/** The hub could not be reached at all (as opposed to answering with an error). */
export class HubUnreachable extends Error {
  /** The data files still missing (where to get each, where it belongs in the cache), when known. */
  files?: Array<{ url: string; target: string }>;
}

export interface RevisionInfo {
  commit: string;
  configs?: CardConfig[];
}

export interface TreeFile {
  path: string;
  /** The name of the file's blob in the cache: the LFS sha256, or the git blob id. */
  etag: string;
  size: number;
  /** sha256 of the content, for LFS files. */
  sha256?: string;
}

export interface HubAnswer {
  status: number;
  headers: Headers;
  body: Awaited<ReturnType<typeof import("undici").request>>["body"];
}

export function hubUrl(path: string): string {
  return `${hfEndpoint()}${path}`;
}

export function datasetApiPath(repo: string, what: string, ...rest: string[]): string {
  return `/api/datasets/${repo}/${what}/${rest.map(encodeURIComponent).join("/")}`;
}

export async function fetchRevision(repo: string, revision: string, label: string): Promise<RevisionInfo> {
  const info = (await getJson(hubUrl(datasetApiPath(repo, "revision", revision)), label)) as {
    sha?: unknown;
    cardData?: { configs?: unknown };
  };
  if (typeof info.sha !== "string") throw new UserError(`${label}: the hub's answer has no commit (sha)`);
  const configs = info.cardData?.configs;
  return { commit: info.sha, ...(Array.isArray(configs) ? { configs: configs as CardConfig[] } : {}) };
}

export async function fetchTree(repo: string, commit: string, label: string): Promise<TreeFile[]> {
  const files: TreeFile[] = [];
  let url: string | undefined = `${hubUrl(datasetApiPath(repo, "tree", commit))}?recursive=true`;
  for (let page = 0; url && page < 10_000; page++) {
    const res = await hubGet(url, label);
    const entries = JSON.parse(await res.body.text()) as Array<{
      type?: string;
      path?: string;
      oid?: string;
      size?: number;
      lfs?: { oid?: string; size?: number };
    }>;
    for (const e of entries) {
      if (e.type !== "file" || typeof e.path !== "string" || typeof e.oid !== "string") continue;
      const sha256 = e.lfs?.oid;
      files.push({
        path: e.path,
        etag: sha256 ?? e.oid,
        size: e.lfs?.size ?? e.size ?? 0,
        ...(sha256 ? { sha256 } : {}),
      });
    }
    const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get("link") ?? "")?.[1];
    url = next ? new URL(next, url).toString() : undefined;
  }
  return files;
}

export function resolveUrl(repo: string, commit: string, file: string): string {
  return hubUrl(`/datasets/${repo}/resolve/${commit}/${file.split("/").map(encodeURIComponent).join("/")}`);
}

async function getJson(url: string, label: string): Promise<unknown> {
  const res = await hubGet(url, label);
  const text = await res.body.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(`${label}: the hub answered ${url} with something other than JSON`);
  }
}

/** GET that follows redirects itself, so the token is sent to the hub's origin only. */
export async function hubGet(url: string, label: string): Promise<HubAnswer> {
  const hub = new URL(hfEndpoint()).origin;
  const token = process.env.HF_TOKEN;
  registerSecret(token);
  let current = url;
  for (let hop = 0; hop < 10; hop++) {
    const headers: Record<string, string> = { "user-agent": "assay" };
    if (token && new URL(current).origin === hub) headers.authorization = `Bearer ${token}`;
    let res: Awaited<ReturnType<typeof import("undici").request>>;
    try {
      const { request } = await import("undici");
      res = await request(current, { method: "GET", headers });
    } catch (err) {
      throw new HubUnreachable(`${current}: ${networkProblem(err)}`);
    }
    const h = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
    }
    const location = h.get("location");
    if (res.statusCode >= 300 && res.statusCode < 400 && location) {
      res.body.resume();
      current = new URL(location, current).toString();
      continue;
    }
    if (res.statusCode === 200) return { status: 200, headers: h, body: res.body };
    const text = redactSecrets((await res.body.text().catch(() => "")).slice(0, 200).trim());
    throw new UserError(hubError(res.statusCode, label, current, text, Boolean(token)));
  }
  throw new UserError(`${label}: too many redirects from ${url}`);
}

function hubError(status: number, label: string, url: string, text: string, hasToken: boolean): string {
  if (status === 401 || status === 403) {
    return (
      `${label}: HTTP ${status} from ${url}: the dataset is gated or private; ` +
      (hasToken
        ? "the token in HF_TOKEN has no access to it (accept its terms on the dataset's page with that account)"
        : "accept its terms on the dataset's page and set HF_TOKEN to a token of that account")
    );
  }
  if (status === 404)
    return `${label}: HTTP 404 from ${url}: no such dataset, revision or file${text ? ` (${text})` : ""}`;
  return `${label}: HTTP ${status} from ${url}${text ? ` (${text})` : ""}`;
}

function networkProblem(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  const code =
    "code" in err && typeof err.code === "string" && !`${err.message}${cause}`.includes(err.code)
      ? ` (${err.code})`
      : "";
  return `${err.message}${cause}${code}`;
}
