/**
 * The documented Slurm job array (scripts/slurm/eval-array.sh): 4 shards, each into its own SQLite file,
 * then a merge job that depends on the array; the merged run must equal an unsharded run of the same eval.
 *
 * With Debian's slurm-wlm installed (`.ci/run` installs it), a real single-node cluster is started in a
 * temporary folder (slurmctld + slurmd, auth/none so no munge key is needed, free loopback ports) and the
 * script submits to it with the real sbatch. The same script also runs with a stand-in sbatch
 * (fake-sbatch.mjs: tasks run locally, the afterok dependency honoured), so it is tested everywhere.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { lastUserText, type MockServer, startMockServer } from "../../src/testing/mock-openai-server.js";
import { CLI, runCli, tempDir } from "../helpers/cli.js";
import { repoRoot } from "../helpers/shared.js";
import { qaEvalArgs, qaEvalTail, writeQaData } from "./qa-eval.js";

const SCRIPT = join(repoRoot, "scripts", "slurm", "eval-array.sh");
const N = 30;
const dir = tempDir("assay-slurm-");
let server: MockServer;
let data: string;

const reply = (req: Parameters<typeof lastUserText>[0]) => {
  const i = Number(/question (\d+)/.exec(lastUserText(req))?.[1]);
  return `ANSWER: answer ${i % 3 ? i + 1 : i}`;
};

/** The eval the array runs (the script adds --shard, --run-id and --db). */
const evalTail = () => [...qaEvalTail(data, server.url), "--epochs", "2"];

/** The merged run's samples and scores, as comparable rows (no timing). */
function runRows(db: string, runId: string): string[] {
  const conn = new Database(db, { readonly: true });
  try {
    const samples = conn
      .prepare(
        "SELECT sample_id, epoch, seq, output, error, input_tokens FROM samples WHERE run_id = ? ORDER BY seq, epoch",
      )
      .all(runId);
    const scores = conn
      .prepare(
        "SELECT sample_id, epoch, scorer, value, answer FROM scores WHERE run_id = ? ORDER BY sample_id, epoch",
      )
      .all(runId);
    return [...samples, ...scores].map((r) => JSON.stringify(r));
  } finally {
    conn.close();
  }
}

async function waitFor(what: string, ms: number, check: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function mergedStatus(db: string, runId: string): string | undefined {
  if (!existsSync(db)) return undefined;
  const conn = new Database(db, { readonly: true });
  try {
    return (conn.prepare("SELECT status FROM runs WHERE id = ?").get(runId) as { status: string } | undefined)
      ?.status;
  } catch {
    return undefined;
  } finally {
    conn.close();
  }
}

describe("Slurm job array: 4 shards + a dependent merge job", () => {
  let reference: string[];
  before(async () => {
    server = await startMockServer({ reply, record: false });
    data = writeQaData(dir, N);
    const db = join(dir, "reference.db");
    const r = await runCli(qaEvalArgs(data, server.url, db, "--epochs", "2", "--run-id", "S"), { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    reference = runRows(db, "S");
  });
  after(() => server.close());

  /** Run the documented submission (asynchronously: the tasks call the mock server in this process). */
  const submit = (out: string, env: Record<string, string>) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        "bash",
        [SCRIPT, "--shards", "4", "--run-id", "S", "--out", out, "--", ...evalTail()],
        {
          cwd: dir,
          env: {
            ...process.env,
            ASSAY: `${process.execPath} ${CLI}`,
            ASSAY_CACHE_DIR: join(dir, "cache"),
            ...env,
          },
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });

  test("with a stand-in sbatch (tasks run locally, afterok honoured)", async () => {
    const bin = join(dir, "fake-bin");
    mkdirSync(bin, { recursive: true });
    const fake = join(repoRoot, "test", "scale", "fake-sbatch.mjs");
    chmodSync(fake, 0o755);
    if (!existsSync(join(bin, "sbatch"))) symlinkSync(fake, join(bin, "sbatch"));
    const out = join(dir, "fake-out");
    const r = await submit(out, {
      PATH: `${bin}:${process.env.PATH}`,
      FAKE_SLURM_STATE: join(dir, "fake-state"),
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /array job \d+ \(4 shards/);
    for (let i = 1; i <= 4; i++) assert.ok(existsSync(join(out, `shard-${i}.db`)), `shard ${i} database`);
    assert.equal(
      mergedStatus(join(out, "merged.db"), "S"),
      "completed",
      readFileSync(join(dir, "fake-state", "101.status"), "utf8"),
    );
    assert.deepEqual(runRows(join(out, "merged.db"), "S"), reference);
  });

  const haveSlurm =
    spawnSync("sh", ["-c", "command -v slurmctld && command -v slurmd && command -v sbatch"]).status === 0;
  test("on a real single-node Slurm cluster (slurmctld + slurmd)", {
    skip: haveSlurm ? false : "slurm-wlm is not installed (.ci/run installs it)",
    timeout: 240_000,
  }, async (t) => {
    const root = join(dir, "slurm");
    for (const d of ["state", "spool", "log"]) mkdirSync(join(root, d), { recursive: true });
    const node = hostname();
    const me = execFileSync("id", ["-un"], { encoding: "utf8" }).trim();
    const conf = join(root, "slurm.conf");
    writeFileSync(
      conf,
      [
        "ClusterName=assaytest",
        `SlurmctldHost=${node}(127.0.0.1)`,
        `SlurmctldPort=${await freePort()}`,
        `SlurmdPort=${await freePort()}`,
        // No munge daemon or key: auth/none is enough on one machine (Slurm 22.05 still ships it).
        "AuthType=auth/none",
        "CredType=cred/none",
        `SlurmUser=${me}`,
        `SlurmdUser=${me}`,
        `StateSaveLocation=${root}/state`,
        `SlurmdSpoolDir=${root}/spool`,
        `SlurmctldPidFile=${root}/slurmctld.pid`,
        `SlurmdPidFile=${root}/slurmd.pid`,
        `SlurmctldLogFile=${root}/log/slurmctld.log`,
        `SlurmdLogFile=${root}/log/slurmd.log`,
        "ProctrackType=proctrack/pgid",
        "TaskPlugin=task/none",
        "SwitchType=switch/none",
        "MpiDefault=none",
        "SchedulerType=sched/builtin",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU",
        "ReturnToService=2",
        "JobCompType=jobcomp/none",
        "AccountingStorageType=accounting_storage/none",
        "JobAcctGatherType=jobacct_gather/none",
        `NodeName=${node} CPUs=2 State=UNKNOWN`,
        `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4`,
        "",
      ].join("\n"),
    );
    const env = { ...process.env, SLURM_CONF: conf };
    const daemons: ChildProcess[] = [
      spawn("slurmctld", ["-D", "-i", "-f", conf], { env, stdio: "ignore" }),
      spawn("slurmd", ["-D", "-f", conf], { env, stdio: "ignore" }),
    ];
    t.after(async () => {
      for (const d of daemons) d.kill("SIGTERM");
      await Promise.all(
        daemons.map((d) => (d.exitCode === null ? new Promise((r) => d.on("close", r)) : undefined)),
      );
    });
    const log = () =>
      ["slurmctld", "slurmd"]
        .map((n) => {
          try {
            return readFileSync(join(root, "log", `${n}.log`), "utf8").slice(-2000);
          } catch {
            return "";
          }
        })
        .join("\n");
    await waitFor(`an idle node (logs:\n${log()})`, 30_000, () =>
      /idle/.test(spawnSync("sinfo", ["-h", "-o", "%T"], { env, encoding: "utf8" }).stdout ?? ""),
    );
    const out = join(dir, "slurm-out");
    const r = await submit(out, { SLURM_CONF: conf });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const merged = join(out, "merged.db");
    await waitFor(
      `the merge job (logs:\n${log()})`,
      180_000,
      () => mergedStatus(merged, "S") === "completed",
    );
    for (let i = 1; i <= 4; i++) assert.ok(existsSync(join(out, `shard-${i}.db`)));
    assert.deepEqual(runRows(merged, "S"), reference);
  });
});
