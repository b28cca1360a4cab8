/** Runs `assay llmeval-med ...` with only this area's commands registered (for tests that spawn it). */
import { Command } from "commander";
import { registerLlmevalMedCommands } from "../../src/llmeval-med/cli.js";
import { UserError } from "../../src/util/errors.js";

const program = new Command("assay").exitOverride();
registerLlmevalMedCommands(program);
try {
  await program.parseAsync(["llmeval-med", ...process.argv.slice(2)], { from: "user" });
} catch (err) {
  if (err instanceof UserError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  const code = (err as { exitCode?: number }).exitCode;
  if (typeof code === "number") process.exit(code);
  throw err;
}
