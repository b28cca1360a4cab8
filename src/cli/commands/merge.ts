/** `assay merge`: join the shard runs of one eval (`assay eval --shard i/N`) into one run (work in merge-actions.ts). */
import type { Command } from "commander";

export interface MergeFlags {
  into?: string;
  from?: string[];
  runId?: string;
  db?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerMergeCommands(program: Command): void {
  program
    .command("merge")
    .description("merge the N shard runs of one eval (assay eval --shard i/N) into one run")
    .argument(
      "[inputs...]",
      "shard databases (e.g. shard-*.db) and/or run ids; without databases the shards are runs in --into",
    )
    .option(
      "--into <db>",
      "database that receives the merged run (default --db, $ASSAY_DB or .assay/assay.db)",
    )
    .option("--from <db>", "a database holding shard runs (repeatable)", collect)
    .option("--run-id <id>", "the shard runs' id in each database, and the merged run's id")
    .option("--db <path>", "same as --into")
    .option("--json", "print the outcome as JSON")
    .action(async (inputs: string[], flags: MergeFlags) => {
      const { mergeCommand } = await import("./merge-actions.js");
      await mergeCommand(inputs, flags);
    });
}
