/**
 * Piece colours (matplotlib's ten "tab10" colours for pieces 1-10, then the same lightened by 60%)
 * and the colour names the analyses use, from hue, saturation and value as in the original.
 */
const BASE: ReadonlyArray<[number, number, number]> = [
  [0.12156862745098039, 0.4666666666666667, 0.7058823529411765],
  [1.0, 0.4980392156862745, 0.054901960784313725],
  [0.17254901960784313, 0.6274509803921569, 0.17254901960784313],
  [0.8392156862745098, 0.15294117647058825, 0.1568627450980392],
  [0.5803921568627451, 0.403921568627451, 0.7411764705882353],
  [0.5490196078431373, 0.33725490196078434, 0.29411764705882354],
  [0.9901960784313725, 0.6666666666666667, 0.7607843137254902],
  [0.4980392156862745, 0.4980392156862745, 0.4980392156862745],
  [0.7372549019607844, 0.7411764705882353, 0.13333333333333333],
  [0.09019607843137255, 0.7450980392156863, 0.8117647058823529],
];

/** RGB 0..255 of piece `id` (1-based; 0 and unknown ids are white). */
export function pieceRgb(id: number): [number, number, number] {
  const k = id - 1;
  const base = BASE[k % 10];
  if (!base || k < 0 || k >= 20) return [255, 255, 255];
  const lift = k >= 10 ? 0.6 : 0;
  // Truncation, not rounding, as the original's int() does.
  return base.map((v) => Math.trunc((v + (1 - v) * lift) * 255)) as [number, number, number];
}

export const pieceHex = (id: number): string =>
  `#${pieceRgb(id)
    .map((v) => v.toString(16).padStart(2, "0"))
    .join("")}`;

const HUES: ReadonlyArray<[number, number, string]> = [
  [330, 20, "red"],
  [20, 45, "orange"],
  [45, 80, "yellow"],
  [80, 150, "green"],
  [150, 200, "cyan"],
  [200, 240, "blue"],
  [240, 270, "indigo"],
  [270, 330, "purple"],
];

/** A name for an RGB colour (0..255): grey levels, a hue word and pale/vivid, dark/bright modifiers. */
export function colourName([r8, g8, b8]: [number, number, number]): string {
  const [r, g, b] = [r8 / 255, g8 / 255, b8 / 255];
  const v = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const s = v === 0 ? 0 : (v - min) / v;
  let h = 0;
  if (v !== min) {
    const d = v - min;
    if (v === r) h = ((g - b) / d) % 6;
    else if (v === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
    h = (((h * 60) % 360) + 360) % 360;
  }
  if (v < 0.2) return "black";
  if (v > 0.9 && s < 0.1) return "white";
  if (s < 0.15) return `${v < 0.5 ? "dark" : "light"} gray`;
  const hue = HUES.find(([a, z]) => (a <= h && h <= z) || (a > z && (h >= a || h <= z)));
  if (!hue) return "gray";
  const mods: string[] = [];
  if (s < 0.4) mods.push("pale");
  else if (s > 0.8) mods.push("vivid");
  if (v < 0.3) mods.push("dark");
  else if (v > 0.8) mods.push("bright");
  if (mods.join(" ") === "pale bright" && hue[2] === "red") return "pink";
  if (h >= 10 && h <= 35 && s >= 0.3 && s <= 0.5 && v >= 0.2 && v <= 0.55) return "brown";
  return mods.length ? `${mods.join(" ")} ${hue[2]}` : hue[2];
}

export const pieceColourName = (id: number): string => colourName(pieceRgb(id));
