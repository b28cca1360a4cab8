/**
 * A throwaway PostgreSQL cluster for tests: `initdb` + `pg_ctl` in a temporary folder, listening on a
 * free loopback port only, stopped (and removed) when the test process exits. PostgreSQL refuses to
 * run as root, so under root (as in CI) it runs as `nobody` through `runuser`. Without the binaries
 * (Debian's `postgresql`; `.ci/run` installs it) `startPostgres` returns undefined and the tests skip.
 */
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgConnection } from "../../src/store/pg-client.js";

/** The folder holding initdb and pg_ctl, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  const dirs = ["/usr/lib/postgresql"].filter(existsSync).flatMap((root) =>
    readdirSync(root)
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => join(root, v, "bin")),
  );
  const which = spawnSync("sh", ["-c", "command -v pg_ctl"], { encoding: "utf8" }).stdout.trim();
  if (which) dirs.push(join(which, ".."));
  return dirs.find((d) => existsSync(join(d, "initdb")) && existsSync(join(d, "pg_ctl")));
}

export const SKIP_POSTGRES =
  "PostgreSQL is not installed (initdb/pg_ctl missing; apt-get install postgresql)";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface PgCluster {
  /** postgres://assay@127.0.0.1:<port>/postgres (trust authentication, loopback only). */
  url: string;
  /** A URL whose tables live in a fresh, empty schema: one store per test. */
  freshUrl(): string;
  stop(): void;
}

let schemas = 0;

/** Start a cluster (undefined when PostgreSQL is not installed). `durable: false` turns fsync off. */
export async function startPostgres(opts: { durable?: boolean } = {}): Promise<PgCluster | undefined> {
  const bin = postgresBinDir();
  if (!bin) return undefined;
  // Our own folder, not tempDir(): its exit hook would remove the data under the running server first.
  const dir = mkdtempSync(join(tmpdir(), "assay-pg-"));
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, 65534, 65534);
  const run = (cmd: string, args: string[]): void => {
    const full = asRoot
      ? ["runuser", ["-u", "nobody", "--", join(bin, cmd), ...args]]
      : [join(bin, cmd), args];
    const r = spawnSync(full[0] as string, full[1] as string[], { encoding: "utf8", cwd: dir });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  run("initdb", ["-D", data, "-U", "assay", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"]);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    "-k ''",
    ...(opts.durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
  ].join(" ");
  run("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-w", "-t", "60", "-o", settings, "start"]);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch {
      // already down
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", stop);
  const url = `postgres://assay@127.0.0.1:${port}/postgres`;
  const admin = new PgConnection(url, "test cluster");
  return {
    url,
    freshUrl() {
      const schema = `t${process.pid}_${++schemas}`;
      admin.run(`CREATE SCHEMA ${schema}`);
      return `${url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    },
    stop() {
      admin.close();
      stop();
    },
  };
}
