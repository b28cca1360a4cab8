import { Command } from "commander";

/** Run one command group in-process (faster than a child process) and return what it printed on stdout. */
export async function runCommands(register: (program: Command) => void, ...args: string[]): Promise<string> {
  const program = new Command("assay").exitOverride();
  register(program);
  let out = "";
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(["node", "assay", ...args]);
  } finally {
    process.stdout.write = original;
  }
  return out;
}
