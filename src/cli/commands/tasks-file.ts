/** `assay tasks ./my-task.ts` (or a config): the tasks a file defines, with their options. */
import { printJson } from "../../cli-kit/output.js";
import { listFileTasks } from "../../taskfile/list.js";

export async function taskFileCommand(file: string, flags: { json?: boolean }): Promise<void> {
  const listed = await listFileTasks(file);
  if (flags.json) return void printJson(listed);
  for (const t of listed.tasks) {
    process.stdout.write(`${t.name}  ${t.description || "(no description)"}\n    run: ${t.run}\n`);
    if (t.models?.length) process.stdout.write(`    models: ${t.models.join(", ")}\n`);
    for (const o of t.options) {
      const flag = `-T ${o.name}=`;
      const def = o.default !== undefined ? ` (default ${JSON.stringify(o.default)})` : "";
      process.stdout.write(`    ${flag.padEnd(22)} ${o.description}${o.required ? " (required)" : def}\n`);
    }
  }
}
