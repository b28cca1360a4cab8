import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./shared.js";

export const CLI = join(repoRoot, "dist", "src", "cli", "main.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const tempDirs = new Set<string>();

/**
 * A fresh temporary folder, removed when the test process exits (every test file runs in its own
 * process). ASSAY_KEEP_TEST_TMP=1 keeps them for debugging.
 */
export function tempDir(prefix = "assay-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (tempDirs.size === 0 && !process.env.ASSAY_KEEP_TEST_TMP) {
    process.on("exit", () => {
      for (const d of tempDirs) rmSync(d, { recursive: true, force: true, maxRetries: 2 });
    });
  }
  tempDirs.add(dir);
  return dir;
}

/** Start the CLI as a child process (no TTY: plain progress lines). */
export function spawnCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, ASSAY_CACHE_DIR: join(opts.cwd ?? tmpdir(), ".cache"), ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const child = spawnCli(args, opts);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}
