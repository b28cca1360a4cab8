/**
 * The package as users get it: `npm pack`, unpacked into another project's node_modules, imported as
 * "assay" from TypeScript (compiled against the packed .d.ts files) and run against a local server.
 * This catches a wrong `exports` map, files missing from the tarball and types that only resolve
 * inside this repository.
 */
import assert from "node:assert/strict";
import { execFile as execFileCb, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { repoRoot } from "../helpers/shared.js";

const execFile = promisify(execFileCb);

/** A user's task file: a custom task built from the public API only. */
const CONSUMER = `
import { evaluate, exactMatch, generate, memoryDataset, promptTemplate, systemMessage, type Task } from "assay";
import { hashSeed } from "assay/gameqa";
import { pearson } from "assay/agreement";

const task: Task = {
  name: "capitals",
  version: "1",
  dataset: memoryDataset("capitals", [
    { id: "fr", input: "France", target: "Paris" },
    { id: "de", input: "Germany", target: "Berlin" },
    { id: "it", input: "Italy", target: "Rome" },
  ]),
  solver: [systemMessage("Answer with one word."), promptTemplate("Capital of {prompt}?"), generate()],
  scorers: [exactMatch()],
};

const result = await evaluate({
  task,
  model: { id: "openai/mock", baseUrl: process.env.MOCK_URL! },
  db: ":memory:",
  runId: "packed-run",
});
const accuracy = result.summary.scorers[0]?.metrics.accuracy;
console.log(JSON.stringify({ runId: result.runId, ran: result.ran, accuracy, seeded: typeof hashSeed(1, "x"), r: pearson([1, 2, 3], [2, 4, 6]) }));
`;

test("the packed package imports as `assay` from TypeScript and evaluates a custom task", async () => {
  const tmp = tempDir("assay-packed-");
  const packed = spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  assert.equal(packed.status, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  assert.ok(info);
  const paths = info.files.map((f) => f.path);
  assert.ok(paths.includes("dist/src/index.js") && paths.includes("dist/src/index.d.ts"));
  assert.ok(
    !paths.some((p) => p.startsWith("dist/test/") || p.startsWith("dist/bench/")),
    "tests are not shipped",
  );

  // A consumer project: the unpacked tarball as node_modules/assay, the repo's installed packages beside it.
  const project = join(tmp, "consumer");
  const modules = join(project, "node_modules");
  mkdirSync(join(modules, "assay"), { recursive: true });
  const untar = spawnSync("tar", [
    "-xzf",
    join(tmp, info.filename),
    "-C",
    join(modules, "assay"),
    "--strip-components=1",
  ]);
  assert.equal(untar.status, 0, String(untar.stderr));
  for (const name of readdirSync(join(repoRoot, "node_modules"))) {
    if (name === ".bin" || name === "assay") continue;
    symlinkSync(join(repoRoot, "node_modules", name), join(modules, name));
  }
  const manifest = JSON.parse(readFileSync(join(modules, "assay", "package.json"), "utf8"));
  assert.equal(manifest.dependencies["node-llama-cpp"], undefined, "node-llama-cpp is an optional peer");
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", type: "module", private: true }),
  );
  writeFileSync(join(project, "main.ts"), CONSUMER);
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        types: ["node"],
        outDir: "out",
      },
      files: ["main.ts"],
    }),
  );
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const compiled = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], {
    cwd: project,
    encoding: "utf8",
  });
  assert.equal(
    compiled.status,
    0,
    `the consumer does not type-check against the packed types:\n${compiled.stdout}`,
  );

  // Paris and Rome right, Berlin wrong: accuracy 2/3 comes from the real engine and scorer.
  const server = await startMockServer({
    reply: (req) => {
      const q = JSON.stringify(req.messages);
      return q.includes("France") ? "Paris" : q.includes("Italy") ? "ANSWER: Rome" : "Munich";
    },
  });
  try {
    const { stdout } = await execFile(process.execPath, [join(project, "out", "main.js")], {
      cwd: project,
      env: { ...process.env, MOCK_URL: server.url },
    });
    const out = JSON.parse(stdout.trim().split("\n").pop()!);
    assert.equal(out.runId, "packed-run");
    assert.equal(out.ran, 3);
    assert.ok(Math.abs(out.accuracy - 2 / 3) < 1e-9, `accuracy ${out.accuracy}`);
    assert.equal(out.seeded, "number");
    assert.ok(Math.abs(out.r - 1) < 1e-12);
    // The system message of the public solver reached the server.
    assert.ok(server.requests.every((r) => r.body.messages[0]?.role === "system"));
  } finally {
    await server.close();
  }

  // Internals are not part of the API: a deep import is refused by the exports map.
  const deep = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", 'import "assay/dist/src/cli/program.js"'],
    {
      cwd: project,
      encoding: "utf8",
    },
  );
  assert.notEqual(deep.status, 0);
  assert.match(deep.stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/);
});
