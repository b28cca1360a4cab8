/** `assay report <run-id>...`: one or several runs side by side, in the task's own layout when it has one. */
import type { Command } from "commander";

export interface ReportFlags {
  format: string;
  json?: boolean;
  out?: string;
  db?: string;
  contamination?: string;
}

export function registerReportCommands(program: Command): void {
  program
    .command("report")
    .description("runs side by side (rows = runs), in the task's own table layout when it has one")
    .argument("<run-id...>", "one or more run ids (or unique prefixes) of the same task")
    .option("--format <format>", "table, json or html", "table")
    .option("--json", "short for --format json")
    .option("--out <file>", "write to a file instead of stdout")
    .option("--db <path>", "run database")
    .option(
      "--contamination <scan.jsonl>",
      "also show each metric on clean and contaminated items (a contamination scan's JSONL)",
    )
    .action(async (ids: string[], flags: ReportFlags) => {
      const { reportCommand } = await import("./report-actions.js");
      reportCommand(ids, flags);
    });
}
