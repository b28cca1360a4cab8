/**
 * The annotation web app's HTTP server (node:http, no framework). Every URL lives under the
 * annotator's personal link `/a/<token>/`; anything else, or an unknown token, gets 403 and no content.
 *
 * Routes under /a/<token>/:
 *   GET  ./                 the page (resources/annotate/index.html)
 *   GET  ./app.js, app.css  static assets;  ./render/… the shared Markdown + KaTeX renderer (src/render)
 *   GET  ./api/items        the annotator's item order (shuffled per annotator) and rating status
 *   GET  ./api/items/<n>    item n of that order: blind content (no model, no judge), the form, the rating
 *   POST ./api/ratings      save one rating (JSON), committed before the reply
 *
 * Security: a strict Content-Security-Policy (no inline script or style, fonts and images from the app
 * itself, same-origin fetch only),
 * no-referrer (the token is in the URL), no caching, POSTs must be application/json from the same origin.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { WEB_APP_HEADERS } from "../cli-kit/serve.js";
import { RENDER_CSP, renderAssets } from "../render/assets.js";
import { deriveSeed, Rng } from "../stats/rng.js";
import type { Annotator, RatingsDb, StoredRating } from "../store/ratings.js";
import type { RunRow } from "../store/run-store.js";
import type { FormVerdict } from "../tasks/annotation.js";
import { errorMessage } from "../util/errors.js";
import { redact } from "../util/secrets.js";
import { checkRating } from "./forms.js";
import { annotationOf } from "./hook.js";
import type { RatingItem } from "./items.js";
import { findResourceDir } from "./resources.js";

export const CSP =
  `default-src 'none'; script-src 'self'; style-src 'self'; ${RENDER_CSP}; img-src 'self'; ` +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS: Record<string, string> = { "Content-Security-Policy": CSP, ...WEB_APP_HEADERS };

const MAX_BODY = 64 * 1024;

export interface AnnotateServerOptions {
  ratings: RatingsDb;
  run: RunRow;
  items: RatingItem[];
  port?: number;
  host?: string;
  /** Called after each saved rating (the CLI logs it). */
  onSave?: (r: StoredRating) => void;
}

export interface AnnotateServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Item order for one annotator: a seeded shuffle, stable across reloads and restarts. */
export function orderFor(runId: string, annotator: string, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  return new Rng(deriveSeed(0, `annotate|${runId}|${annotator}`)).shuffle(order);
}

interface Assets {
  html: string;
  js: string;
  css: string;
}

function loadAssets(): Assets {
  const dir = findResourceDir();
  return {
    html: readFileSync(join(dir, "index.html"), "utf8"),
    js: readFileSync(join(dir, "app.js"), "utf8"),
    css: readFileSync(join(dir, "app.css"), "utf8"),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(value));
}

function forbidden(res: ServerResponse): void {
  send(res, 403, "text/plain; charset=utf-8", "403 Forbidden: this page needs a personal annotation link.\n");
}

/** A request body over MAX_BODY: answered 413. */
class BodyTooLarge extends Error {}

/** How much of an oversized body is read and dropped so the client gets the 413 rather than a reset. */
const MAX_DRAIN = 8 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
      else if (size - c.length <= MAX_BODY) reject(new BodyTooLarge());
      else if (size > MAX_BODY + MAX_DRAIN) req.destroy();
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** What the annotator sees of an item: nothing that names the model or the judge. */
function blindItem(
  item: RatingItem,
  position: number,
  total: number,
  rating: StoredRating | undefined,
  verdictOf: VerdictOf,
) {
  return {
    position,
    total,
    itemId: item.itemId,
    category: item.category ?? null,
    history: item.history,
    question: item.question,
    answer: item.answer,
    reference: item.reference ?? null,
    checklist: item.checklist ?? null,
    form: item.form,
    rating: rating
      ? {
          score: rating.score,
          dimensions: rating.dimensions,
          comment: rating.comment,
          updatedAt: rating.updatedAt,
        }
      : null,
    verdict: verdictOf(item, rating?.dimensions ?? {}),
  };
}

type VerdictOf = (item: RatingItem, dimensions: Record<string, number>) => FormVerdict | null;

export function startAnnotateServer(opts: AnnotateServerOptions): Promise<AnnotateServer> {
  const assets = loadAssets();
  const { ratings, run, items } = opts;
  const hook = annotationOf(run.task, run.manifest?.scorers);
  const verdictOf: VerdictOf = (item, dims) => hook?.formVerdict?.(item, dims) ?? null;
  const byId = new Map(items.map((it) => [it.itemId, it]));
  const orders = new Map<string, number[]>();
  const orderOf = (name: string) => {
    let o = orders.get(name);
    if (!o) {
      o = orderFor(run.id, name, items.length);
      orders.set(name, o);
    }
    return o;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const m = /^\/a\/([A-Za-z0-9_-]+)(\/.*)?$/.exec(url.pathname);
    const who: Annotator | undefined = m ? ratings.annotatorByToken(m[1]!) : undefined;
    if (!m || !who || (who.runId !== null && who.runId !== run.id)) return forbidden(res);
    const path = m[2] ?? "";
    if (path === "") {
      res.writeHead(301, { ...SECURITY_HEADERS, Location: `/a/${m[1]}/` });
      return void res.end();
    }
    if (req.method === "GET") {
      if (path === "/") return send(res, 200, "text/html; charset=utf-8", assets.html);
      if (path === "/app.js") return send(res, 200, "text/javascript; charset=utf-8", assets.js);
      const shared = path.startsWith("/render/") ? renderAssets().get(path) : undefined;
      if (shared) return send(res, 200, shared.type, shared.body);
      if (path === "/app.css") return send(res, 200, "text/css; charset=utf-8", assets.css);
      if (path === "/api/items") {
        const mine = new Map(ratings.ratingsFor(run.id, who.name).map((r) => [r.itemId, r]));
        const order = orderOf(who.name);
        return sendJson(res, 200, {
          annotator: who.name,
          run: run.id,
          items: order.map((i) => {
            const it = items[i]!;
            const r = mine.get(it.itemId);
            return { itemId: it.itemId, rated: r !== undefined && r.score !== null, commented: !!r?.comment };
          }),
        });
      }
      const one = /^\/api\/items\/(\d+)$/.exec(path);
      if (one) {
        const pos = Number(one[1]);
        const order = orderOf(who.name);
        const idx = order[pos];
        if (idx === undefined) return sendJson(res, 404, { error: `no item ${pos}` });
        const item = items[idx]!;
        const r = ratings.ratingsFor(run.id, who.name).find((x) => x.itemId === item.itemId);
        return sendJson(res, 200, blindItem(item, pos, order.length, r, verdictOf));
      }
      return sendJson(res, 404, { error: "not found" });
    }
    if (req.method === "POST" && path === "/api/ratings") {
      // Same-origin JSON only: a cross-site form cannot send application/json without a preflight.
      if (!(req.headers["content-type"] ?? "").startsWith("application/json"))
        return sendJson(res, 415, { error: "expected application/json" });
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${req.headers.host}`)
        return sendJson(res, 403, { error: "cross-origin request refused" });
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          // Closing the connection after the answer: the rest of the body is read and dropped meanwhile.
          res.setHeader("Connection", "close");
          return sendJson(res, 413, { error: `request body over ${MAX_BODY / 1024} KB` });
        }
        return sendJson(res, 400, { error: "body is not JSON" });
      }
      const b = (body ?? {}) as {
        itemId?: unknown;
        score?: unknown;
        dimensions?: unknown;
        comment?: unknown;
      };
      const item = typeof b.itemId === "string" ? byId.get(b.itemId) : undefined;
      if (!item) return sendJson(res, 400, { error: "unknown itemId", field: "itemId" });
      const checked = checkRating(item.form, b);
      if (!checked.ok) return sendJson(res, 400, { error: checked.message, field: checked.field });
      const saved = ratings.saveRating(run.id, {
        itemId: item.itemId,
        annotator: who.name,
        sampleId: item.sampleId,
        epoch: item.epoch,
        ...checked.rating,
        source: "app",
      });
      opts.onSave?.(saved);
      return sendJson(res, 200, {
        ok: true,
        updatedAt: saved.updatedAt,
        verdict: verdictOf(item, saved.dimensions),
      });
    }
    return sendJson(res, 405, { error: "method not allowed" });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: redact(errorMessage(err)) });
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8080, opts.host ?? "127.0.0.1", () => {
      const addr = server.address() as AddressInfo;
      const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
      resolve({
        server,
        url: `http://${host}:${addr.port}`,
        close: () =>
          new Promise<void>((res) => {
            server.closeAllConnections();
            server.close(() => res());
          }),
      });
    });
  });
}
