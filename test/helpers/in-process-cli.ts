import { Command } from "commander";

/** Run one command group in-process (faster than a child process) and return what it printed on stdout. */
export async function runCommands(register: (program: Command) => void, ...args: string[]): Promise<string> {
  const program = new Command("assay").exitOverride();
  register(program);
  let out = "";
  const original = process.stdout.write.bind(process.stdout);
  // Our commands print strings; the test runner reports to its parent through stdout with binary
  // messages, which must pass through even while a long command is awaited.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk !== "string") return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(["node", "assay", ...args]);
  } finally {
    process.stdout.write = original;
  }
  return out;
}
