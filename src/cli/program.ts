/**
 * The `assay` program: every command group's definitions, and `main()`, which runs one command line and
 * turns errors into exit codes (2 usage or input error, 1 internal error). It has no side effects on
 * import, so tests run `main()` in-process exactly as the binary does (src/cli/main.ts).
 */
import { Command, CommanderError } from "commander";
import { registerAnnotateCommands } from "../annotate/cli.js";
import { registerContaminationCommands } from "../contamination/cli.js";
import { registerModelCommands } from "../formats/cli.js";
import { registerGameqaCommands } from "../gameqa/cli.js";
import { registerLlmevalMedCommands } from "../llmeval-med/cli.js";
import { registerMathtrapCommands } from "../mathtrap/cli.js";
import { registerMoeCommands } from "../moe/cli.js";
import { registerPairwiseCommands } from "../pairwise/cli.js";
import { registerSmiCommands } from "../smi/cli.js";
import { registerSweepCommands } from "../sweep/cli.js";
import { errorMessage, fileSystemProblem, UserError } from "../util/errors.js";
import { redact } from "../util/secrets.js";
import { VERSION } from "../version.js";
import { registerCompareCommands } from "./commands/compare.js";
import { registerEvalCommands } from "./commands/eval.js";
import { registerMergeCommands } from "./commands/merge.js";
import { registerReportCommands } from "./commands/report.js";
import { registerRunsCommands } from "./commands/runs.js";
import { registerShowCommands } from "./commands/show.js";
import { registerViewCommands } from "./commands/view.js";

export function buildProgram(): Command {
  const program = new Command("assay")
    .description("Evaluate LLMs the way recent research does, and produce the data such evaluation needs.")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerEvalCommands(program);
  registerMergeCommands(program);
  registerShowCommands(program);
  registerRunsCommands(program);
  registerReportCommands(program);
  registerCompareCommands(program);
  registerViewCommands(program);
  registerLlmevalMedCommands(program);
  registerAnnotateCommands(program);
  registerMathtrapCommands(program);
  registerGameqaCommands(program);
  registerSmiCommands(program);
  registerModelCommands(program);
  registerMoeCommands(program);
  registerPairwiseCommands(program);
  registerContaminationCommands(program);
  registerSweepCommands(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; everything else commander rejects is a usage error.
      if (
        err.code === "commander.helpDisplayed" ||
        err.code === "commander.version" ||
        err.code === "commander.help"
      )
        return 0;
      return 2;
    }
    if (err instanceof UserError) {
      process.stderr.write(`error: ${redact(err.message)}\n`);
      return err.exitCode;
    }
    const fsProblem = fileSystemProblem(err);
    if (fsProblem) {
      process.stderr.write(`error: ${redact(fsProblem)}\n`);
      return 2;
    }
    process.stderr.write(`internal error: ${redact(errorMessage(err))}\n`);
    if (process.env.ASSAY_DEBUG)
      process.stderr.write(`${redact(err instanceof Error ? (err.stack ?? "") : "")}\n`);
    else process.stderr.write("(set ASSAY_DEBUG=1 for a stack trace, and please report it)\n");
    return 1;
  }
}
