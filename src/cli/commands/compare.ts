/** `assay compare A B`: two runs of the same dataset, sample by sample (the work is in compare-actions.ts). */
import type { Command } from "commander";
import { intOption } from "../../cli-kit/options.js";

export interface CompareFlags {
  db?: string;
  json?: boolean;
  rounds: number;
  seed: number;
}

export function registerCompareCommands(program: Command): void {
  program
    .command("compare")
    .description(
      "compare two runs on their shared samples: paired bootstrap CI of the difference, McNemar or sign test, flipped samples",
    )
    .argument("<run-a>", "run id (or a unique prefix): the baseline")
    .argument("<run-b>", "run id (or a unique prefix): compared against A (differences are B − A)")
    .option("--rounds <n>", "bootstrap rounds", intOption("--rounds", 0, 1_000_000), 1000)
    .option("--seed <n>", "bootstrap seed", intOption("--seed", 0), 0)
    .option("--db <path>", "run database")
    .option("--json", "print JSON (lists every flipped sample)")
    .action(async (a: string, b: string, flags: CompareFlags) => {
      const { compareCommand } = await import("./compare-actions.js");
      compareCommand(a, b, flags);
    });
}
