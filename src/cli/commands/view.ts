/** `assay view`: the results web app over the run store (the work is in view-actions.ts, the app in src/view). */
import type { Command } from "commander";
import { intOption } from "../../cli-kit/options.js";

export interface ViewFlags {
  port: number;
  host: string;
  token?: string;
  db?: string;
  fit?: string[];
  moeReport?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerViewCommands(program: Command): void {
  program
    .command("view")
    .description(
      "a local web app over the run store: runs, metrics and charts, samples, run-vs-run comparison",
    )
    .option("--port <n>", "port (0: any free port)", intOption("--port", 0, 65535), 7777)
    .option("--host <host>", "address to listen on; anything but loopback needs a token", "127.0.0.1")
    .option(
      "--token <token>",
      "access token for a non-loopback host (default: a random one, printed in the link)",
    )
    .option("--db <path>", "run database")
    .option(
      "--fit <file>",
      "also show SMI calibration plots from a fit file (smi fit --out); repeatable",
      collect,
    )
    .option(
      "--moe-report <file>",
      "also show a MoE fidelity plot from report.json (moe report); repeatable",
      collect,
    )
    .action(async (flags: ViewFlags) => {
      const { viewCommand } = await import("./view-actions.js");
      await viewCommand(flags);
    });
}
