/** Importing this module registers every built-in task. Add one import per task module. */
import "./qa.js";
import "./mcq.js";
import "../llmeval-med/task.js";
import "../mathtrap/task.js";
import "../gameqa/eval.js";
import "../pairwise/task.js";
import "../pairwise/audit-task.js";
import "../smi/probe-task.js";
import "../sweep/task.js";
// Task files and config evals (not registered by name: resolved from a path or a run's manifest).
import "../taskfile/resolve.js";

export {
  createTask,
  findTaskDefinition,
  getTaskDefinition,
  listTasks,
  registerTask,
  type TaskDefinition,
} from "./registry.js";
