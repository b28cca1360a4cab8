/**
 * The results viewer's HTTP server (node:http, no framework): a static page from resources/view and the
 * JSON API of api.ts, over one run store opened read-only.
 *
 * Routes (under /t/<token>/ when a token is set, else under /):
 *   GET  ./                      the page;  ./app.js, ./app.css  its assets;  ./render/…  the renderer
 *   GET  ./api/runs              runs (?task=, ?model=), with the task and model lists for the filters
 *   GET  ./api/runs/<id>         one run: manifest, summary, totals, top errors, the task's own report
 *   GET  ./api/runs/<id>/samples one page of samples (?offset, limit, text, errors, cached, scorer+min/max, group, sort, desc)
 *   GET  ./api/runs/<id>/samples/<sample>/<epoch>   one sample with its scores
 *   GET  ./api/runs/<id>/metrics.svg, ./api/runs/<id>/groups.svg?scorer=&key=   charts
 *   GET  ./api/compare?a=&b=     the paired comparison of two runs (src/compare)
 *   GET  ./api/blobs/<sha256>    an image stored with a sample
 *   GET  ./api/artefacts, ./api/artefacts/<n>.svg   SMI calibration and MoE fidelity plots (--fit, --moe-report)
 *
 * Security: loopback by default, and then the Host header must name a loopback address (a page on
 * another site cannot reach the viewer by rebinding its DNS name). A non-loopback host needs a token,
 * which every URL must carry. Strict Content-Security-Policy: scripts and styles only from the viewer,
 * images and fonts only from the viewer (store blobs, charts, KaTeX), no inline script or style; model
 * output is rendered by the shared safe renderer (src/render: markdown-it without raw HTML, KaTeX
 * without trust). Only GET and HEAD.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { WEB_APP_HEADERS } from "../cli-kit/serve.js";
import { RENDER_CSP, renderAssets } from "../render/assets.js";
import type { RunStore } from "../store/run-store.js";
import { packageRoot } from "../util/package-root.js";
import * as api from "./api.js";

export const VIEW_CSP =
  `default-src 'none'; script-src 'self'; style-src 'self'; ${RENDER_CSP}; img-src 'self'; ` +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const HEADERS: Record<string, string> = { "Content-Security-Policy": VIEW_CSP, ...WEB_APP_HEADERS };

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A plot drawn from a file the user named (`assay view --fit / --moe-report`), shown on the artefacts page. */
export interface Artefact {
  /** Position in the list: the image's address is api/artefacts/<id>.svg. */
  id: number;
  kind: "smi-calibration" | "moe-fidelity";
  title: string;
  /** The file it was drawn from, as the user named it. */
  source: string;
  svg: string;
}

export interface ViewServerOptions {
  store: RunStore;
  port?: number;
  host?: string;
  /** Required for a non-loopback host: every URL then starts with /t/<token>/. */
  token?: string;
  /** Plots read from files the user named (cli/commands/view-artefacts.ts). */
  artefacts?: Artefact[];
}

export interface ViewServer {
  server: Server;
  /** The page's address, token included. */
  url: string;
  close(): Promise<void>;
}

const ASSET_TYPES: Record<string, string> = {
  "/app.js": "text/javascript; charset=utf-8",
  "/app.css": "text/css; charset=utf-8",
};

function loadAssets(): Map<string, string> {
  const dir = join(packageRoot(), "resources", "view");
  return new Map([
    ["/", readFileSync(join(dir, "index.html"), "utf8")],
    ["/app.js", readFileSync(join(dir, "app.js"), "utf8")],
    ["/app.css", readFileSync(join(dir, "app.css"), "utf8")],
  ]);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { ...HEADERS, "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, "application/json; charset=utf-8", JSON.stringify(value));

/** Host header without the port (IPv6 literals keep their brackets). */
function hostName(req: IncomingMessage): string {
  const h = req.headers.host ?? "";
  return h.startsWith("[") ? h.slice(0, h.indexOf("]") + 1) : h.replace(/:\d+$/, "");
}

export function startViewServer(opts: ViewServerOptions): Promise<ViewServer> {
  const host = opts.host ?? "127.0.0.1";
  if (!isLoopback(host) && !opts.token) throw new Error("a non-loopback host needs a token");
  const base = opts.token ? `/t/${opts.token}` : "";
  const assets = loadAssets();
  const { store } = opts;
  const artefacts = opts.artefacts ?? [];

  const route = (path: string, q: URLSearchParams, res: ServerResponse) => {
    const asset = assets.get(path);
    if (asset !== undefined) return send(res, 200, ASSET_TYPES[path] ?? "text/html; charset=utf-8", asset);
    const shared = path.startsWith("/render/") ? renderAssets().get(path) : undefined;
    if (shared) return send(res, 200, shared.type, shared.body);
    if (path === "/api/runs") return sendJson(res, 200, api.listRuns(store, q));
    if (path === "/api/compare") return sendJson(res, 200, api.compare(store, q));
    if (path === "/api/artefacts")
      return sendJson(
        res,
        200,
        artefacts.map(({ svg: _svg, ...a }) => a),
      );
    const plot = /^\/api\/artefacts\/(\d+)\.svg$/.exec(path);
    if (plot) {
      const a = artefacts[Number(plot[1])];
      return a ? send(res, 200, "image/svg+xml", a.svg) : sendJson(res, 404, { error: "no such artefact" });
    }
    const blob = /^\/api\/blobs\/([0-9a-f]{64})$/.exec(path);
    if (blob) {
      const b = store.getBlob(blob[1]!);
      if (!b) return sendJson(res, 404, { error: "no such blob" });
      // Only raster images are shown inline; anything else is sent as an opaque download.
      const image = /^image\/(png|jpeg|gif|webp)$/.test(b.mime);
      return send(res, 200, image ? b.mime : "application/octet-stream", b.data);
    }
    const m = /^\/api\/runs\/([^/]+)(\/.*)?$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      const rest = m[2] ?? "";
      if (rest === "") return sendJson(res, 200, api.runDetail(store, id));
      if (rest === "/samples") return sendJson(res, 200, api.samplePage(store, id, q));
      if (rest === "/metrics.svg") return send(res, 200, "image/svg+xml", api.runChart(store, id));
      if (rest === "/groups.svg")
        return send(
          res,
          200,
          "image/svg+xml",
          api.runChart(store, id, q.get("scorer") ?? "", q.get("key") ?? ""),
        );
      const s = /^\/samples\/([^/]+)\/(\d+)$/.exec(rest);
      if (s) return sendJson(res, 200, api.sampleDetail(store, id, decodeURIComponent(s[1]!), Number(s[2])));
    }
    return sendJson(res, 404, { error: "not found" });
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (!opts.token && !isLoopback(hostName(req)))
      return send(res, 403, "text/plain; charset=utf-8", "403 Forbidden: unexpected Host header\n");
    const url = new URL(req.url ?? "/", "http://localhost");
    if (base && url.pathname === base) {
      res.writeHead(301, { ...HEADERS, Location: `${base}/` });
      return void res.end();
    }
    if (base && !url.pathname.startsWith(`${base}/`))
      return send(res, 403, "text/plain; charset=utf-8", "403 Forbidden: this viewer needs its link\n");
    if (req.method !== "GET" && req.method !== "HEAD")
      return sendJson(res, 405, { error: "method not allowed" });
    try {
      route(url.pathname.slice(base.length), url.searchParams, res);
    } catch (err) {
      if (err instanceof api.ApiError) return sendJson(res, err.status, { error: err.message });
      sendJson(res, 500, { error: String((err as Error).message ?? err) });
    }
  };

  const server = createServer(handle);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 7777, host, () => {
      const addr = server.address() as AddressInfo;
      const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
      resolve({
        server,
        url: `http://${shown}:${addr.port}${base}/`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
