/**
 * Colour names and gradient descriptions with the original's thresholds, so that a name computed
 * here equals the published one: HSV as Python's colorsys computes it, then fixed hue bands and
 * saturation/value modifiers ("pale", "vivid", "dark", "bright").
 */

export type RGB = [number, number, number];

/** Python colorsys.rgb_to_hsv on 0..1 channels, operation for operation (h, s, v in 0..1). */
export function rgbToHsv([r8, g8, b8]: RGB): [number, number, number] {
  const r = r8 / 255;
  const g = g8 / 255;
  const b = b8 / 255;
  const maxc = Math.max(r, g, b);
  const minc = Math.min(r, g, b);
  const range = maxc - minc;
  if (minc === maxc) return [0, 0, maxc];
  const s = range / maxc;
  const rc = (maxc - r) / range;
  const gc = (maxc - g) / range;
  const bc = (maxc - b) / range;
  let h: number;
  if (r === maxc) h = bc - gc;
  else if (g === maxc) h = 2.0 + rc - bc;
  else h = 4.0 + gc - rc;
  h = (h / 6.0) % 1.0;
  if (h < 0) h += 1.0;
  return [h, s, maxc];
}

/** Hue bands in degrees, tested in this order (bounds inclusive; red wraps through 0). */
const BANDS: ReadonlyArray<[number, number, string]> = [
  [330, 30, "red"],
  [30, 60, "orange"],
  [60, 90, "yellow"],
  [90, 150, "green"],
  [150, 200, "cyan"],
  [200, 240, "blue"],
  [240, 270, "indigo"],
  [270, 330, "purple"],
];
export const BASE_NAMES: readonly string[] = BANDS.map((b) => b[2]);

export function colorName(rgb: RGB): string {
  const [h01, s, v] = rgbToHsv(rgb);
  const h = h01 * 360;
  if (v < 0.2) return "black";
  if (v > 0.9 && s < 0.1) return "white";
  if (s < 0.15) return `${v < 0.5 ? "dark" : "light"} gray`;
  const band = BANDS.find(
    ([start, end]) => (start <= h && h <= end) || (start > end && (h >= start || h <= end)),
  );
  if (!band) return "gray";
  const modifiers: string[] = [];
  if (s < 0.4) modifiers.push("pale");
  else if (s > 0.8) modifiers.push("vivid");
  if (v < 0.4) modifiers.push("dark");
  else if (v > 0.8) modifiers.push("bright");
  return modifiers.length ? `${modifiers.join(" ")} ${band[2]}` : band[2];
}

/** Why a colour gets its name, for analyses. */
export function explainName(rgb: RGB): string {
  const [h, s, v] = rgbToHsv(rgb);
  return `RGB (${rgb.join(", ")}): hue ${Math.round(h * 360)}°, saturation ${s.toFixed(2)}, value ${v.toFixed(2)}, which is "${colorName(rgb)}"`;
}

/** The original's description of a gradient from `start` to `end`. */
export function describeGradient(start: RGB, end: RGB): string {
  const a = colorName(start);
  const b = colorName(end);
  if (a !== b) return `transitioning from ${a} to ${b}`;
  const lighter = rgbToHsv(end)[2] > rgbToHsv(start)[2];
  return `transitioning from ${lighter ? "darker" : "lighter"} to ${lighter ? "lighter" : "darker"} ${a}`;
}

/** Every name colorName can return, for plausible distractors. */
export function allColorNames(): string[] {
  const out = ["black", "white", "dark gray", "light gray"];
  for (const base of BASE_NAMES)
    for (const sat of ["pale ", "", "vivid "])
      for (const val of ["dark ", "", "bright "]) out.push(`${sat}${val}${base}`);
  return out;
}
