/**
 * One self-contained HTML page for reports: inline CSS and SVG only, no script and no network (a CSP in
 * the page says so), readable from file:// and printable. Callers pass already-escaped HTML sections.
 */
import { escapeXml } from "./svg.js";

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;color:#1d2329;margin:1.5rem;max-width:1100px}
table{border-collapse:collapse;margin:.4rem 0 1rem}th,td{border:1px solid #ccd2d8;padding:.25rem .55rem;text-align:left}
th{background:#eef1f5}td.num{text-align:right;font-variant-numeric:tabular-nums}h1{font-size:1.35rem}h2{font-size:1.1rem;margin-top:1.6rem}
.muted,small{color:#66707a}pre{background:#f6f8fa;padding:.6rem;overflow:auto}svg{display:block;margin:.3rem 0 1rem;max-width:100%}
@media print{body{margin:0}h2{break-after:avoid}svg,table,pre{break-inside:avoid}}`;

/** No script, no external anything: the only styles are the inline sheet above. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function htmlPage(title: string, sections: readonly string[]): string {
  return [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    `<title>${escapeXml(title)}</title><style>${STYLE}</style></head><body>`,
    ...sections,
    "</body></html>\n",
  ].join("\n");
}
