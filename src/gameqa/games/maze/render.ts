import { cellCentre, drawGrid, gridLayout } from "../../render/grid.js";
import { circle, rect, svgDocument } from "../../render/svg.js";
import type { MazeState } from "./logic.js";

/** Light-blue walls, white floor, red circle = player, green square = goal; 30 px cells as the original. */
export function renderMaze(s: MazeState): string {
  const n = s.maze.length;
  const g = gridLayout(n, s.maze[0]?.length ?? n, 30, 50);
  const out = [
    drawGrid(g, {
      fill: (r, c) => (s.maze[r]?.[c] === 1 ? "#add8e6" : "#ffffff"),
      lineColor: "#c8c8c8",
      labelBase: 0,
      labelSize: 13,
    }),
  ];
  const [gr, gc] = s.endPosition;
  out.push(rect(g.left + gc * 30 + 1, g.top + gr * 30 + 1, 28, 28, "#00ee00"));
  const [px, py] = cellCentre(g, s.playerPosition[0], s.playerPosition[1]);
  out.push(circle(px, py, 8, "#ff0000"));
  return svgDocument(g.width, g.height, out.join(""));
}
