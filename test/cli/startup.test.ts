/**
 * Start-up cost of the CLI: `--version` and help load the command definitions only, never a command's
 * implementation (src/cli/main.ts). A module-loader hook in the child process logs every module it loads.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { MOE_FORMATS } from "../../src/moe/build.js";
import { VERSION } from "../../src/version.js";
import { CLI } from "../helpers/cli.js";
import { repoRoot } from "../helpers/shared.js";

const dir = mkdtempSync(join(tmpdir(), "assay-startup-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// The hooks run on the loader thread; `initialize` hands them the log file.
const hooks = join(dir, "hooks.mjs");
writeFileSync(
  hooks,
  `import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) {
  appendFileSync(log, url + "\\n");
  return next(url, context);
}
`,
);
const register = join(dir, "register.mjs");
writeFileSync(
  register,
  `import { register } from "node:module";
register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { log: process.env.ASSAY_TEST_MODULE_LOG } });
`,
);

let runs = 0;
/** Run the CLI with the hook; what it printed and the repository paths of the modules it loaded. */
function runLogged(args: string[]): { code: number | null; stdout: string; modules: string[] } {
  const log = join(dir, `modules-${runs++}.log`);
  writeFileSync(log, "");
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, CLI, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, ASSAY_TEST_MODULE_LOG: log },
  });
  const root = pathToFileURL(repoRoot).href;
  const modules = readFileSync(log, "utf8")
    .split("\n")
    .filter((u) => u.startsWith(`${root}/`))
    .map((u) => u.slice(root.length + 1));
  return { code: r.status, stdout: r.stdout, modules };
}

/** Implementations that only a command's action may load. */
const HEAVY = [
  /^dist\/src\/store\//,
  /^dist\/src\/engine\//,
  /^dist\/src\/tasks\//,
  /^dist\/src\/llama\//,
  /^dist\/src\/cli\/common\.js$/,
  /^dist\/src\/cli\/commands\/\w+-actions\.js$/,
  /^dist\/src\/gameqa\/generate\.js$/,
  /^dist\/src\/gameqa\/games\//,
  /^dist\/src\/moe\/build\.js$/,
  /^dist\/src\/smi\/count[\w-]*\.js$/,
  /^dist\/src\/annotate\/server\.js$/,
  /^dist\/src\/agreement\//,
  /^node_modules\/better-sqlite3\//,
  /^node_modules\/@resvg\//,
];

const heavyIn = (modules: string[]) => modules.filter((m) => HEAVY.some((re) => re.test(m)));

describe("CLI start-up", () => {
  test("--version loads no command implementation", () => {
    const r = runLogged(["--version"]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${VERSION}\n`);
    assert.ok(r.modules.includes("dist/src/cli/main.js"), "the hook saw the CLI load");
    assert.deepEqual(heavyIn(r.modules), []);
  });

  for (const args of [
    ["--help"],
    ["gameqa", "--help"],
    ["moe", "build", "--help"],
    ["smi", "--help"],
    ["contamination", "--help"],
  ]) {
    test(`${args.join(" ")} loads no command implementation`, () => {
      const r = runLogged(args);
      assert.equal(r.code, 0);
      assert.deepEqual(heavyIn(r.modules), []);
    });
  }

  test("an action loads its own implementation and not the other commands'", () => {
    const r = runLogged(["gameqa", "list", "--json"]);
    assert.equal(r.code, 0);
    assert.ok((JSON.parse(r.stdout) as unknown[]).length > 0);
    assert.ok(r.modules.some((m) => m.startsWith("dist/src/gameqa/games/")));
    for (const m of ["dist/src/gameqa/generate.js", "dist/src/moe/build.js", "dist/src/cli-kit/store.js"])
      assert.ok(!r.modules.includes(m), `${m} loaded`);
  });

  test("--help lists every command group", () => {
    const r = runLogged(["--help"]);
    const commands = r.stdout
      .slice(r.stdout.indexOf("\nCommands:\n"))
      .split("\n")
      .flatMap((line) => /^ {2}([a-z-]+)/.exec(line)?.[1] ?? []);
    assert.deepEqual(commands, [
      "eval",
      "resume",
      "retry-errors",
      "merge",
      "runs",
      "show",
      "export",
      "rescore",
      "tasks",
      "cache",
      "report",
      "compare",
      "view",
      "llmeval-med",
      "annotate",
      "agreement",
      "rejudge",
      "mathtrap",
      "gameqa",
      "smi",
      "model",
      "moe",
      "pairwise",
      "judge-audit",
      "contamination",
      "sweep",
      "help",
    ]);
  });

  test("`moe build --help` names every output format build.js knows", () => {
    const r = runLogged(["moe", "build", "--help"]);
    assert.match(r.stdout.replace(/\s+/g, " "), new RegExp(`output layout: ${MOE_FORMATS.join(", ")} `));
  });

  test("a lazily loaded command still finds every registered task", () => {
    const r = runLogged(["tasks", "--json"]);
    assert.equal(r.code, 0);
    const names = (JSON.parse(r.stdout) as Array<{ name: string }>).map((t) => t.name).sort();
    assert.deepEqual(names, [
      "format-sweep",
      "gameqa",
      "judge-audit",
      "llmeval-med",
      "mathtrap",
      "mcq",
      "pairwise",
      "qa",
      "smi-probe",
    ]);
  });
});
