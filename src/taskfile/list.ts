/** What a task file or config defines, for `assay tasks ./my-task.ts` (nothing is built or run). */
import type { TaskOption } from "../tasks/registry.js";
import { configTaskName, readConfigFile } from "./config-file.js";
import { loadTaskFile } from "./load-task-file.js";

export interface ListedTask {
  name: string;
  /** How to run it. */
  run: string;
  description: string;
  options: TaskOption[];
  /** For a config: its models (each one run). */
  models?: string[];
  line?: number;
}

export async function listFileTasks(
  file: string,
): Promise<{ file: string; sha256: string; tasks: ListedTask[] }> {
  if (/\.(?:ya?ml|json)$/i.test(file)) {
    const loaded = readConfigFile(file);
    const c = loaded.config;
    const models = (c.models ?? (c.model ? [c.model] : [])).map((m) => (typeof m === "string" ? m : m.id));
    const task: ListedTask = {
      name: configTaskName(loaded),
      run: `assay eval -c ${file}`,
      description: c.description ?? "",
      options: [],
      models,
    };
    return { file, sha256: loaded.sha256, tasks: [task] };
  }
  const loaded = await loadTaskFile(file);
  const several = loaded.tasks.length > 1;
  return {
    file,
    sha256: loaded.sha256,
    tasks: loaded.tasks.map((t) => ({
      name: t.name,
      run: `assay eval ${file}${several ? `@${t.name}` : ""}`,
      description: t.definition.description ?? "",
      options: t.definition.options ?? [],
      ...(t.line ? { line: t.line } : {}),
    })),
  };
}
