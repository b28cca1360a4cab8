/**
 * The task's annotation hook for a stored run (src/tasks/annotation.ts). Tasks must be registered first:
 * the CLI imports src/tasks/index.ts; a library caller imports the task modules it annotates. A run of
 * a task that is not registered here, or that has no hook, is annotated the generic way.
 */
import type { TaskAnnotation } from "../tasks/annotation.js";
import { listTasks } from "../tasks/registry.js";

export function annotationOf(task: string): TaskAnnotation | undefined {
  return listTasks().find((t) => t.name === task)?.annotation;
}
