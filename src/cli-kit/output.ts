/** How commands print: JSON for machines (`--json`), aligned text tables for people. */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `--json` prints the value, otherwise the human text (a trailing newline is added when missing). */
export function print(json: boolean | undefined, value: unknown, human: string): void {
  if (json) printJson(value);
  else process.stdout.write(human.endsWith("\n") ? human : `${human}\n`);
}

/** A metric value for tables: 3 decimals, a CI as [lo, hi], "–" for a missing one. */
export function formatMetric(v: unknown): string {
  // A stored summary keeps NaN (a metric of no values) as JSON null.
  if (v === null || v === undefined) return "–";
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
