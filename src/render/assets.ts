/**
 * The files a web app serves under `render/` so its pages can render Markdown and TeX without network
 * access: our renderer, the browser glue, markdown-it's and KaTeX's browser builds, KaTeX's stylesheet
 * and its WOFF2 fonts (every browser the apps support reads WOFF2, the first format the stylesheet lists).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "../util/package-root.js";

export interface RenderAsset {
  type: string;
  body: Buffer;
}

/** The CSP source the renderer needs besides `script-src 'self'` and `style-src 'self'`: KaTeX's fonts. */
export const RENDER_CSP = "font-src 'self'";

const JS = "text/javascript; charset=utf-8";

let cached: Map<string, RenderAsset> | undefined;

/** Paths (starting with "/render/") to files; read once per process. */
export function renderAssets(): Map<string, RenderAsset> {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const katexDir = dirname(fileURLToPath(import.meta.resolve("katex")));
  const compiled = readFileSync(join(here, "markdown.js"), "utf8").replace(
    /\n\/\/# sourceMappingURL=.*$/m,
    "",
  );
  const assets = new Map<string, RenderAsset>([
    ["/render/markdown.js", { type: JS, body: Buffer.from(compiled) }],
    [
      "/render/browser.js",
      { type: JS, body: readFileSync(join(packageRoot(), "resources", "render", "browser.js")) },
    ],
    [
      "/render/markdown-it.mjs",
      { type: JS, body: readFileSync(fileURLToPath(import.meta.resolve("markdown-it/browser"))) },
    ],
    ["/render/katex.mjs", { type: JS, body: readFileSync(join(katexDir, "katex.mjs")) }],
    [
      "/render/katex.css",
      { type: "text/css; charset=utf-8", body: readFileSync(join(katexDir, "katex.min.css")) },
    ],
  ]);
  for (const font of readdirSync(join(katexDir, "fonts"))) {
    if (font.endsWith(".woff2"))
      assets.set(`/render/fonts/${font}`, {
        type: "font/woff2",
        body: readFileSync(join(katexDir, "fonts", font)),
      });
  }
  cached = assets;
  return assets;
}
