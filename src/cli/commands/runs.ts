/** `assay runs delete` (added under the `runs` listing of show.ts) and `assay cache stats|prune|clear`. */
import type { Command } from "commander";

export interface DeleteFlags {
  yes?: boolean;
  db?: string;
  json?: boolean;
}

export interface CacheFlags {
  db?: string;
  json?: boolean;
  olderThan?: string;
  model?: string;
  yes?: boolean;
}

export function registerRunsCommands(program: Command): void {
  // `assay runs` lists runs (show.ts); `delete` is its subcommand.
  const runs = program.commands.find((c) => c.name() === "runs") ?? program.command("runs");
  runs
    .command("delete")
    .description("delete runs with their samples and scores (never one that a live process is running)")
    .argument("<run-id...>", "run ids (or unique prefixes)")
    .option("--yes", "do not ask for confirmation")
    .option("--db <path>", "run database")
    .option("--json", "print JSON")
    .action(async (ids: string[], flags: DeleteFlags, cmd: Command) => {
      const { deleteRunsCommand } = await import("./runs-actions.js");
      // `runs` has --db and --json too, and commander gives a flag typed after `delete` to either.
      const parent = cmd.parent?.opts() as DeleteFlags | undefined;
      await deleteRunsCommand(ids, {
        ...flags,
        db: flags.db ?? parent?.db,
        json: flags.json ?? parent?.json,
      });
    });

  const cache = program.command("cache").description("the response cache: size by model, pruning, clearing");
  cache
    .command("stats")
    .description("entries and bytes of the response cache, by model")
    .option("--db <path>", "run database")
    .option("--json", "print JSON")
    .action(async (flags: CacheFlags) => {
      const { cacheStatsCommand } = await import("./cache-actions.js");
      cacheStatsCommand(flags);
    });
  cache
    .command("prune")
    .description("delete cached answers older than an age and/or of one model")
    .option("--older-than <age>", "e.g. 30d, 12h, 90m, 2w")
    .option("--model <provider/model>", "only this model's answers")
    .option("--db <path>", "run database")
    .option("--json", "print JSON")
    .action(async (flags: CacheFlags) => {
      const { cachePruneCommand } = await import("./cache-actions.js");
      cachePruneCommand(flags);
    });
  cache
    .command("clear")
    .description("delete every cached answer")
    .option("--yes", "required: clearing cannot be undone")
    .option("--db <path>", "run database")
    .option("--json", "print JSON")
    .action(async (flags: CacheFlags) => {
      const { cacheClearCommand } = await import("./cache-actions.js");
      cacheClearCommand(flags);
    });
}
