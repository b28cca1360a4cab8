import { randomBytes } from "node:crypto";

/** A new run id: the task name, the UTC time to the second and 4 random hex digits. */
export function newRunId(task: string): string {
  const t = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${task}-${t}-${randomBytes(2).toString("hex")}`;
}
