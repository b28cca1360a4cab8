/**
 * `assay` with the llmeval-med task registered, for end-to-end tests that spawn the CLI before the task
 * is wired into src/tasks/index.ts. Importing main.js runs the CLI on process.argv.
 */
import "../../src/llmeval-med/task.js";

await import("../../src/cli/main.js");
