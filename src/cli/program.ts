/**
 * The `assay` program: every command group's definitions, and `main()`, which runs one command line and
 * turns errors into exit codes (2 usage or input error, 1 internal error). It has no side effects on
 * import, so tests run `main()` in-process exactly as the binary does (src/cli/main.ts).
 */
import { Command, CommanderError } from "commander";
import { errorMessage, fileSystemProblem, UserError } from "../util/errors.js";
import { redact } from "../util/secrets.js";
import { VERSION } from "../version.js";

type Register = (program: Command) => void;

/**
 * Command groups, with the top-level commands each registers. A command line that names one of them
 * loads the definitions of the groups that register it (one, or two for `runs`) alone (every process starts faster: GameQA and SMI workers, scripts
 * calling `assay` in loops); anything else (`--help`, an unknown command) loads them all.
 * test/cli/program.test.ts checks that `commands` lists exactly what each group registers.
 */
export const COMMAND_GROUPS: ReadonlyArray<{ commands: readonly string[]; load: () => Promise<Register> }> = [
  {
    commands: ["eval", "resume", "retry-errors"],
    load: async () => (await import("./commands/eval.js")).registerEvalCommands,
  },
  { commands: ["merge"], load: async () => (await import("./commands/merge.js")).registerMergeCommands },
  {
    commands: ["runs", "show", "export", "rescore", "tasks"],
    load: async () => (await import("./commands/show.js")).registerShowCommands,
  },
  // Adds `runs delete` to the show group's `runs`, and `cache`.
  {
    commands: ["runs", "cache"],
    load: async () => (await import("./commands/runs.js")).registerRunsCommands,
  },
  { commands: ["report"], load: async () => (await import("./commands/report.js")).registerReportCommands },
  {
    commands: ["compare"],
    load: async () => (await import("./commands/compare.js")).registerCompareCommands,
  },
  { commands: ["view"], load: async () => (await import("./commands/view.js")).registerViewCommands },
  {
    commands: ["llmeval-med"],
    load: async () => (await import("../llmeval-med/cli.js")).registerLlmevalMedCommands,
  },
  {
    commands: ["annotate", "agreement", "rejudge"],
    load: async () => (await import("../annotate/cli.js")).registerAnnotateCommands,
  },
  { commands: ["mathtrap"], load: async () => (await import("../mathtrap/cli.js")).registerMathtrapCommands },
  { commands: ["gameqa"], load: async () => (await import("../gameqa/cli.js")).registerGameqaCommands },
  { commands: ["smi"], load: async () => (await import("../smi/cli.js")).registerSmiCommands },
  { commands: ["model"], load: async () => (await import("../formats/cli.js")).registerModelCommands },
  { commands: ["moe"], load: async () => (await import("../moe/cli.js")).registerMoeCommands },
  {
    commands: ["pairwise", "judge-audit"],
    load: async () => (await import("../pairwise/cli.js")).registerPairwiseCommands,
  },
  {
    commands: ["contamination"],
    load: async () => (await import("../contamination/cli.js")).registerContaminationCommands,
  },
  { commands: ["sweep"], load: async () => (await import("../sweep/cli.js")).registerSweepCommands },
];

/** The program with the groups a command line needs (all of them when `argv` is not given). */
export async function buildProgram(argv?: string[]): Promise<Command> {
  const program = new Command("assay")
    .description("Evaluate LLMs the way recent research does, and produce the data such evaluation needs.")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  const first = argv?.[2];
  const named = COMMAND_GROUPS.filter((g) => first !== undefined && g.commands.includes(first));
  const version = first === "--version" || first === "-V";
  const groups = named.length > 0 ? named : version ? [] : COMMAND_GROUPS;
  const registers = await Promise.all(groups.map((g) => g.load()));
  for (const register of registers) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
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
