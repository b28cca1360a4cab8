/**
 * Runs the assay CLI with the core's eval/show commands, the mathtrap task and the mathtrap commands
 * registered (for tests that spawn it; src/cli/main.ts runs itself on import, so it is not used here).
 */
import { Command, CommanderError } from "commander";
import { registerEvalCommands } from "../../src/cli/commands/eval.js";
import { registerShowCommands } from "../../src/cli/commands/show.js";
import { registerMathtrapCommands } from "../../src/mathtrap/cli.js";
import "../../src/mathtrap/task.js";
import { UserError } from "../../src/util/errors.js";

const program = new Command("assay").exitOverride();
registerEvalCommands(program);
registerShowCommands(program);
registerMathtrapCommands(program);
for (const cmd of program.commands) cmd.exitOverride();
try {
  await program.parseAsync(process.argv.slice(2), { from: "user" });
} catch (err) {
  if (err instanceof UserError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if (err instanceof CommanderError) process.exit(err.code === "commander.helpDisplayed" ? 0 : 2);
  throw err;
}
