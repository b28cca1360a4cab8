/** Helpers shared by CLI commands: option parsing with clear errors, opening the store, building models. */
import { buildModel } from "../providers/build-model.js";
import { defaultDbPath, RunStore } from "../store/run-store.js";

// Re-exported from the light module that command definitions use (it loads nothing else).
export { collectTaskArg, intOption, numberOption } from "./commands/options.js";

export function openStore(db?: string): RunStore {
  return new RunStore(db ?? defaultDbPath());
}

// The model builder lives below the CLI (src/providers/build-model.ts); commands import it from here.
export { buildModel };

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Format a metric value for tables. */
export function formatMetric(v: unknown): string {
  if (typeof v === "number") return Number.isFinite(v) ? v.toFixed(3) : "–";
  if (v && typeof v === "object" && "lo" in v && "hi" in v) {
    const { lo, hi } = v as { lo: number; hi: number };
    return Number.isFinite(lo) ? `[${lo.toFixed(3)}, ${hi.toFixed(3)}]` : "–";
  }
  return String(v);
}

/** A plain text table with aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
