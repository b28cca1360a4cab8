/**
 * Tiny SVG builders shared by the game renderers (numbers rounded so output bytes are stable).
 * Axis-aligned shapes render with crisp edges (fast, sharp cell borders); round and slanted shapes
 * (circles, polygons, the stroke-font text) ask for anti-aliasing.
 */
const SMOOTH = ' shape-rendering="geometricPrecision"';

const r2 = (v: number): number => Math.round(v * 100) / 100;

export function svgDocument(width: number, height: number, body: string, background = "#ffffff"): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" shape-rendering="crispEdges">` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="${background}"/>${body}</svg>`
  );
}

export function rect(
  x: number,
  y: number,
  w: number,
  h: number,
  fill: string,
  stroke?: string,
  strokeWidth = 1,
): string {
  const s = stroke ? ` stroke="${stroke}" stroke-width="${r2(strokeWidth)}"` : "";
  return `<rect x="${r2(x)}" y="${r2(y)}" width="${r2(w)}" height="${r2(h)}" fill="${fill}"${s}/>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1): string {
  return `<line x1="${r2(x1)}" y1="${r2(y1)}" x2="${r2(x2)}" y2="${r2(y2)}" stroke="${stroke}" stroke-width="${r2(width)}" stroke-linecap="round"/>`;
}

export function circle(
  cx: number,
  cy: number,
  r: number,
  fill: string,
  stroke?: string,
  strokeWidth = 1,
): string {
  const s = stroke ? ` stroke="${stroke}" stroke-width="${r2(strokeWidth)}"` : "";
  return `<circle cx="${r2(cx)}" cy="${r2(cy)}" r="${r2(r)}" fill="${fill}"${s}${SMOOTH}/>`;
}

export function polygon(
  points: Array<[number, number]>,
  fill: string,
  stroke?: string,
  strokeWidth = 1,
): string {
  const s = stroke ? ` stroke="${stroke}" stroke-width="${r2(strokeWidth)}"` : "";
  const pts = points.map(([x, y]) => `${r2(x)},${r2(y)}`).join(" ");
  return `<polygon points="${pts}" fill="${fill}"${s}${SMOOTH}/>`;
}
