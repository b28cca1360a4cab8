/**
 * `assay` with only the annotate/agreement/rejudge commands, for tests that spawn the CLI whether or
 * not src/cli/main.ts wires them in yet. Errors are reported as main.ts does (UserError → exit 2).
 */
import { Command, CommanderError } from "commander";
import { registerAnnotateCommands } from "../../src/annotate/cli.js";
import { UserError } from "../../src/util/errors.js";

const program = new Command("assay").exitOverride();
registerAnnotateCommands(program);
for (const cmd of program.commands) {
  cmd.exitOverride();
  for (const sub of cmd.commands) sub.exitOverride();
}
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.code === "commander.helpDisplayed" ? 0 : 2;
  else if (err instanceof UserError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`internal error: ${(err as Error).stack}\n`);
    process.exitCode = 1;
  }
}
