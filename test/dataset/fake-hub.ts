/**
 * A local stand-in for the Hugging Face Hub's dataset endpoints, on 127.0.0.1: revision info with card
 * data, the recursive file tree (paged two entries at a time, as the hub pages with a Link header), and
 * `resolve` URLs that redirect LFS files to a second server (the CDN), like the real hub. A gated repo
 * answers 401 without the right bearer token. Every request is recorded.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parquetWriteBuffer } from "hyparquet-writer";

export interface FakeCommit {
  files: Record<string, Buffer | string>;
  /** The README's `configs:` front matter, as the hub returns it in cardData. */
  configs?: unknown[];
}

export interface FakeRepo {
  /** branch or tag → commit */
  refs: Record<string, string>;
  commits: Record<string, FakeCommit>;
  /** Bearer token the repo wants (gated). */
  token?: string;
}

export interface FakeHub {
  url: string;
  repos: Record<string, FakeRepo>;
  requests: Array<{ server: "hub" | "cdn"; path: string; authorization?: string }>;
  /** The CDN drops every connection (the hub's API still answers). */
  cdnDown?: boolean;
  close(): Promise<void>;
}

/** A Parquet file with string columns (and the rest as given). */
export function parquet(columns: Record<string, string[]>): Buffer {
  return Buffer.from(
    parquetWriteBuffer({
      columnData: Object.entries(columns).map(([name, data]) => ({ name, data, type: "STRING" as const })),
    }),
  );
}

export function commitId(n: number): string {
  return n.toString(16).padStart(40, "0");
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const gitOid = (b: Buffer) =>
  createHash("sha1")
    .update(Buffer.concat([Buffer.from(`blob ${b.length}\0`), b]))
    .digest("hex");

export async function startFakeHub(repos: Record<string, FakeRepo>): Promise<FakeHub> {
  const hub: FakeHub = { url: "", repos, requests: [], close: async () => {} };
  const blobs = new Map<string, Buffer>();
  const record = (server: "hub" | "cdn", req: IncomingMessage) =>
    hub.requests.push({
      server,
      path: req.url ?? "",
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
  const cdn = createServer((req, res) => {
    record("cdn", req);
    if (hub.cdnDown) {
      req.socket.destroy();
      return;
    }
    const body = blobs.get((req.url ?? "").replace(/^\/cdn\//, ""));
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { "content-length": String(body.length) }).end(body);
  });
  const cdnUrl = await listen(cdn);

  const json = (res: ServerResponse, value: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(200, { "content-type": "application/json", ...headers }).end(JSON.stringify(value));

  const server: Server = createServer((req, res) => {
    record("hub", req);
    const url = new URL(req.url ?? "/", "http://x");
    const m =
      /^\/api\/datasets\/([^/]+\/[^/]+)\/(revision|tree)\/([^/]+)(\/.*)?$/.exec(url.pathname) ??
      /^\/datasets\/([^/]+\/[^/]+)\/(resolve)\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repo = m ? hub.repos[m[1] ?? ""] : undefined;
    if (!m || !repo) {
      res.writeHead(404).end("Repository not found");
      return;
    }
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) {
      res.writeHead(401).end("Access to dataset is restricted. You must be authenticated.");
      return;
    }
    const rev = decodeURIComponent(m[3] ?? "");
    const commitId = repo.refs[rev] ?? rev;
    const commit = repo.commits[commitId];
    if (!commit) {
      res.writeHead(404).end("Revision not found");
      return;
    }
    if (m[2] === "revision") {
      json(res, {
        id: m[1],
        sha: commitId,
        ...(commit.configs ? { cardData: { configs: commit.configs } } : {}),
      });
      return;
    }
    if (m[2] === "tree") {
      const entries = Object.entries(commit.files)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([path, content]) => {
          const b = Buffer.from(content);
          const lfs = path.endsWith(".parquet");
          return {
            type: "file",
            path,
            oid: gitOid(b),
            size: b.length,
            ...(lfs ? { lfs: { oid: sha256(b), size: b.length, pointerSize: 130 } } : {}),
          };
        });
      const cursor = Number(url.searchParams.get("cursor") ?? 0);
      const page = entries.slice(cursor, cursor + 2);
      const next = cursor + 2 < entries.length;
      json(
        res,
        page,
        next ? { link: `<${hub.url}${url.pathname}?recursive=true&cursor=${cursor + 2}>; rel="next"` } : {},
      );
      return;
    }
    const path = (m[4] ?? "").split("/").map(decodeURIComponent).join("/");
    const content = commit.files[path];
    if (content === undefined) {
      res.writeHead(404).end("Entry not found");
      return;
    }
    const b = Buffer.from(content);
    if (path.endsWith(".parquet")) {
      blobs.set(sha256(b), b);
      res
        .writeHead(302, {
          location: `${cdnUrl}/cdn/${sha256(b)}`,
          "x-repo-commit": commitId,
          "x-linked-etag": `"${sha256(b)}"`,
        })
        .end();
    } else res.writeHead(200, { etag: `"${gitOid(b)}"`, "x-repo-commit": commitId }).end(b);
  });
  hub.url = await listen(server);
  hub.close = async () => {
    await Promise.all([server, cdn].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  };
  return hub;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
