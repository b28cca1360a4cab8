#!/usr/bin/env node
/**
 * The `assay` binary. Each command group lives in its own module and registers itself in program.ts.
 * Those modules define commands and options only: each action loads its implementation with
 * `await import(...)` when it runs, so `--help` or one command does not load every command's code.
 */
import { main } from "./program.js";

// `assay export … | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});
process.exitCode = await main(process.argv);
