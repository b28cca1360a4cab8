#!/usr/bin/env node
// A stand-in for Slurm's sbatch where no Slurm runs: it runs a job at once on this machine (every task of
// an --array in parallel, with SLURM_ARRAY_TASK_ID/SLURM_ARRAY_JOB_ID/SLURM_JOB_ID set, output to
// --output with %A %a %j filled in), and honours --dependency=afterok:<id> by refusing to run a job whose
// dependency failed. Job states live in $FAKE_SLURM_STATE. Prints the job id (as --parsable does).
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const state = process.env.FAKE_SLURM_STATE;
if (!state) throw new Error("FAKE_SLURM_STATE is not set");
mkdirSync(state, { recursive: true });
const args = process.argv.slice(2);
const opts = {};
while (args.length && args[0].startsWith("--")) {
  const [k, v] = args.shift().slice(2).split(/=(.*)/s);
  opts[k] = v ?? true;
}
const [script, ...scriptArgs] = args;
const counter = join(state, "next");
const id = existsSync(counter) ? Number(readFileSync(counter, "utf8")) : 100;
writeFileSync(counter, String(id + 1));

const dep = opts.dependency ? /^afterok:(\d+)$/.exec(opts.dependency) : null;
if (opts.dependency && !dep)
  throw new Error(`fake sbatch understands only afterok:<id>, got ${opts.dependency}`);
if (dep && readFileSync(join(state, `${dep[1]}.status`), "utf8") !== "ok") {
  writeFileSync(join(state, `${id}.status`), "DependencyNeverSatisfied");
  console.log(id);
  process.exit(0);
}
const tasks = [];
if (opts.array) {
  const m = /^(\d+)-(\d+)$/.exec(opts.array);
  if (!m) throw new Error(`fake sbatch understands only --array=A-B, got ${opts.array}`);
  for (let i = Number(m[1]); i <= Number(m[2]); i++) tasks.push(i);
} else tasks.push(undefined);

const runTask = (task) =>
  new Promise((resolve) => {
    const out = String(opts.output ?? join(state, "slurm-%j.out"))
      .replaceAll("%A", String(id))
      .replaceAll("%a", String(task ?? ""))
      .replaceAll("%j", String(id));
    const fd = openSync(out, "a");
    const env = { ...process.env, SLURM_JOB_ID: String(id) };
    if (task !== undefined)
      Object.assign(env, { SLURM_ARRAY_TASK_ID: String(task), SLURM_ARRAY_JOB_ID: String(id) });
    const child = spawn("bash", [script, ...scriptArgs], { env, stdio: ["ignore", fd, fd] });
    child.on("close", (code) => {
      closeSync(fd);
      resolve(code);
    });
  });
const codes = await Promise.all(tasks.map(runTask));
writeFileSync(join(state, `${id}.status`), codes.every((c) => c === 0) ? "ok" : `failed ${codes.join(",")}`);
console.log(opts.parsable ? String(id) : `Submitted batch job ${id}`);
