/**
 * The task's annotation hook for a stored run (src/tasks/annotation.ts). Tasks must be registered first:
 * the CLI imports src/tasks/index.ts; a library caller imports the task modules it annotates. A run of
 * a task that is not registered here, or that has no hook, is annotated the generic way.
 */
import type { TaskAnnotation } from "../tasks/annotation.js";
import { listTasks } from "../tasks/registry.js";
import { rubricAnnotation } from "../tasks/rubric-annotation.js";

/** The task's hook; without one, a run scored by the generic `rubric` scorer gets the rubric hook. */
export function annotationOf(
  task: string,
  scorers: ReadonlyArray<{ name: string }> = [],
): TaskAnnotation | undefined {
  const own = listTasks().find((t) => t.name === task)?.annotation;
  if (own) return own;
  return scorers.some((s) => s.name === "rubric") ? rubricAnnotation() : undefined;
}
