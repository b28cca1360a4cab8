import { svgText, textWidth } from "../../render/font.js";
import { line, polygon, rect, svgDocument } from "../../render/svg.js";
import { sortVoxels, type Voxel } from "./logic.js";
import type { ReconstructionState } from "./state.js";

const W = 620;
const H = 520;
/* Camera of the original plot (matplotlib view_init elev=15, azim=55). */
const ELEV = (15 * Math.PI) / 180;
const AZIM = (55 * Math.PI) / 180;
const RIGHT = [-Math.sin(AZIM), Math.cos(AZIM), 0] as const;
const UP = [-Math.cos(AZIM) * Math.sin(ELEV), -Math.sin(AZIM) * Math.sin(ELEV), Math.cos(ELEV)] as const;
const TOWARD_CAMERA = [
  Math.cos(AZIM) * Math.cos(ELEV),
  Math.sin(AZIM) * Math.cos(ELEV),
  Math.sin(ELEV),
] as const;
const UNIT = 55;
const ORIGIN: [number, number] = [205, 335];

type P3 = readonly [number, number, number];
const dot = (a: P3, b: P3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
/** World point (voxel (x, y, z) spans [x-1, x] x [y-1, y] x [z-1, z]) to image pixels. */
const screen = (p: P3): [number, number] => [ORIGIN[0] + dot(p, RIGHT) * UNIT, ORIGIN[1] - dot(p, UP) * UNIT];

function view3d(voxels: Voxel[]): string {
  const out: string[] = [];
  const grey = "#c8c8c8";
  for (let i = 0; i <= 3; i++) {
    // Floor (z = 0) and the two back walls (x = 0, y = 0).
    out.push(
      line(...screen([0, i, 0]), ...screen([3, i, 0]), grey, 1),
      line(...screen([i, 0, 0]), ...screen([i, 3, 0]), grey, 1),
    );
    out.push(
      line(...screen([0, 0, i]), ...screen([3, 0, i]), grey, 1),
      line(...screen([i, 0, 0]), ...screen([i, 0, 3]), grey, 1),
    );
    out.push(
      line(...screen([0, 0, i]), ...screen([0, 3, i]), grey, 1),
      line(...screen([0, i, 0]), ...screen([0, i, 3]), grey, 1),
    );
  }
  const axes: Array<[P3, string, string]> = [
    [[3.4, 0, 0], "#d62728", "X"],
    [[0, 3.4, 0], "#2ca02c", "Y"],
    [[0, 0, 3.4], "#1f50c8", "Z"],
  ];
  for (const [end, color, name] of axes) {
    out.push(line(...screen([0, 0, 0]), ...screen(end), color, 2.5));
    const lab = screen([end[0] * 1.08, end[1] * 1.08, end[2] * 1.08]);
    out.push(svgText(name, lab[0], lab[1], { size: 14, color, weight: 2.2 }));
  }
  // Painter's order: farthest voxel first; only the three faces turned to the camera are drawn.
  const ordered = sortVoxels(voxels).sort((a, b) => dot(a, TOWARD_CAMERA) - dot(b, TOWARD_CAMERA));
  for (const [x, y, z] of ordered) {
    const x0 = x - 1;
    const y0 = y - 1;
    const z0 = z - 1;
    const faces: Array<[P3[], string]> = [
      [
        [
          [x, y0, z0],
          [x, y, z0],
          [x, y, z],
          [x, y0, z],
        ],
        "#4fd6e0",
      ],
      [
        [
          [x0, y, z0],
          [x, y, z0],
          [x, y, z],
          [x0, y, z],
        ],
        "#7ee6ee",
      ],
      [
        [
          [x0, y0, z],
          [x, y0, z],
          [x, y, z],
          [x0, y, z],
        ],
        "#b5f3f7",
      ],
    ];
    // Translucent faces (like the original's alpha 0.7) keep hidden voxels faintly visible.
    for (const [corners, fill] of faces)
      out.push(polygon(corners.map(screen), fill, "#000000", 1).replace("/>", ' fill-opacity="0.7"/>'));
  }
  // Coordinate numbers along the front edges, drawn last so no voxel hides them.
  for (let i = 1; i <= 3; i++) {
    out.push(
      svgText(String(i), ...screen([i - 0.5, 3.45, -0.2]), { size: 12, color: "#d62728", weight: 1.8 }),
    );
    out.push(
      svgText(String(i), ...screen([3.45, i - 0.5, -0.2]), { size: 12, color: "#2ca02c", weight: 1.8 }),
    );
    out.push(
      svgText(String(i), ...screen([-0.25, 3.3, i - 0.5]), { size: 12, color: "#1f50c8", weight: 1.8 }),
    );
  }
  return out.join("");
}

/** A 3x3 target projection with Z up, `axis` along the bottom; filled cells dark blue. */
function projectionPanel(
  p: number[][],
  left: number,
  top: number,
  title: [string, string],
  axis: string,
): string {
  const cell = 42;
  const out: string[] = [
    svgText(title[0], left + 1.5 * cell, top - 40, { size: 12, weight: 1.8 }),
    svgText(title[1], left + 1.5 * cell, top - 20, { size: 12, weight: 1.8 }),
  ];
  for (let z = 1; z <= 3; z++) {
    for (let h = 1; h <= 3; h++) {
      const on = p[z - 1]?.[h - 1] === 1;
      out.push(
        rect(
          left + (h - 1) * cell,
          top + (3 - z) * cell,
          cell,
          cell,
          on ? "#1c5aa6" : "#f2f7fd",
          "#b0b0b0",
          1,
        ),
      );
    }
    out.push(svgText(String(z), left - 12, top + (3 - z) * cell + cell / 2, { size: 12, weight: 1.8 }));
    out.push(
      svgText(String(z), left + (z - 1) * cell + cell / 2, top + 3 * cell + 12, { size: 12, weight: 1.8 }),
    );
  }
  out.push(svgText(axis, left + 1.5 * cell, top + 3 * cell + 31, { size: 13, weight: 2 }));
  out.push(svgText("Z", left - 34, top + 1.5 * cell, { size: 13, weight: 2 }));
  return out.join("");
}

export function renderReconstruction(s: ReconstructionState): string {
  const voxels = s.voxel_positions.map(([x, y, z]) => [x, y, z] as const);
  const kind = s.structure ?? "current";
  const title =
    kind === "solution" ? "COMPLETE SOLUTION" : kind === "custom" ? "CUSTOM STRUCTURE" : "CURRENT STRUCTURE";
  const parts = [
    svgText("3D VOXEL RECONSTRUCTION GAME", W / 2, 24, { size: 17, weight: 2.3 }),
    svgText(title, ORIGIN[0], 70, { size: 14, weight: 2 }),
    view3d(voxels),
    projectionPanel(s.target_yz_projection, 460, 108, ["FRONT VIEW", "(Y-Z PLANE)"], "Y"),
    projectionPanel(s.target_xz_projection, 460, 345, ["SIDE VIEW", "(X-Z PLANE)"], "X"),
  ];
  if (kind !== "solution") {
    const text = `REMAINING AVAILABLE VOXELS: ${s.remaining_voxels}`;
    const w = textWidth(text, 12) + 24;
    parts.push(
      rect(ORIGIN[0] - w / 2, 466, w, 26, "#ffd7a0", "#e0a050", 1),
      svgText(text, ORIGIN[0], 479, { size: 12, weight: 1.8 }),
    );
  }
  return svgDocument(W, H, parts.join(""));
}
