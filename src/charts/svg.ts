/**
 * Small inline SVG charts written by hand (no chart library, no network), shared by the viewer, HTML
 * reports and the research systems' reports. Every text comes from data, so it is XML-escaped; the SVG
 * has no script, no style element and no external reference, so it is safe inline and from file://.
 */

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The opening tag and white background of a chart; `title` is also its accessible name. */
export function svgOpen(width: number, height: number, title?: string): string[] {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="sans-serif" font-size="12">`,
  ];
  if (title) parts.push(`<title>${escapeXml(title)}</title>`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (title) parts.push(`<text x="4" y="17" font-weight="bold" fill="#222">${escapeXml(title)}</text>`);
  return parts;
}

/** A white-to-blue ramp for counts and shares in [0, 1]. */
export function blueRamp(t: number): string {
  const u = Math.min(1, Math.max(0, t));
  const mix = (from: number, to: number) => Math.round(from + (to - from) * u);
  return `rgb(${mix(247, 8)},${mix(251, 69)},${mix(255, 148)})`;
}
