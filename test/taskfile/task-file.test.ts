import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { RunStore } from "../../src/store/run-store.js";
import type { MockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli, runOk } from "../helpers/in-process-cli.js";
import { assertNoRuns, LIB, startCapitalsServer, writeCapitals } from "./helpers.js";

const dir = tempDir();
const db = join(dir, "runs.db");
writeCapitals(dir);
let server: MockServer;
before(async () => {
  server = await startCapitalsServer();
});
after(() => server.close());

const model = () => [
  "--model",
  "openai/m",
  "--model-base-url",
  server.url,
  "--db",
  db,
  "--progress",
  "silent",
];

/** Two tasks, one with a -T option; TypeScript syntax (types, `satisfies`) that plain Node cannot run. */
const TS_TASKS = `
import { defineTask, exactMatch, generate, promptTemplate, type TaskArgs } from "${LIB}";

const ask = (style: string): string => style === "short" ? "{prompt}?" : 'Capital of {prompt}? End with "ANSWER: <city>".';

export const capitals = defineTask({
  description: "capitals, exact match",
  dataset: "capitals.jsonl",
  solver: [promptTemplate(ask("long")), generate()],
  scorer: exactMatch(),
  groupBy: "region",
});

export const styled = defineTask({
  name: "capitals-styled",
  options: [{ name: "style", description: "long or short", default: "long" }],
  create: (args: TaskArgs) => ({
    dataset: "capitals.jsonl",
    solver: [promptTemplate(ask(String(args.style))), generate()],
    scorers: [exactMatch()],
  }) satisfies { dataset: string },
});
`;

describe("task files", () => {
  test("a .ts file loads without a build step; @name picks a task; -T reaches create()", async () => {
    const file = join(dir, "tasks.ts");
    writeFileSync(file, TS_TASKS);
    const several = await runCli("eval", file, ...model());
    assert.equal(several.code, 2);
    assert.match(
      several.stderr,
      /defines several tasks \(capitals, capitals-styled\): pick one with .*@<name>/,
    );

    const out = await runOk("eval", `${file}@capitals`, ...model(), "--run-id", "tf1");
    assert.match(out, /task capitals v1\+[0-9a-f]{12}/);
    const store = new RunStore(db);
    try {
      const run = store.requireRun("tf1");
      assert.equal(run.task, "capitals");
      assert.equal(run.manifest.task.args.task_file, file);
      assert.match(String(run.manifest.task.args.task_file_sha256), /^[0-9a-f]{64}$/);
      const exact = (run.summary as { scorers: Array<{ metrics: Record<string, unknown> }> }).scorers[0]!;
      assert.equal(exact.metrics.accuracy, 1);
    } finally {
      store.close();
    }
    // By task name or export name; the option reaches the prompt (the short prompt has no ANSWER line).
    await runOk("eval", `${file}@capitals-styled`, ...model(), "-T", "style=short", "--run-id", "tf2");
    assert.ok(server.requests.some((r) => JSON.stringify(r.body.messages).includes('"France?"')));
    const unknownOption = await runCli("eval", `${file}@styled`, ...model(), "-T", "tone=x");
    assert.equal(unknownOption.code, 2);
    assert.match(unknownOption.stderr, /task "capitals-styled" has no option "tone" \(options: style\)/);
    const missing = await runCli("eval", `${file}@nope`, ...model());
    assert.match(missing.stderr, /defines no task "nope" \(it defines: capitals, capitals-styled\)/);
  });

  test("a .mjs file loads; assay tasks FILE lists its tasks and options", async () => {
    const file = join(dir, "plain.mjs");
    writeFileSync(
      file,
      `import { defineTask, exactMatch, memoryDataset } from "${LIB}";
export default defineTask({
  description: "inline samples",
  options: [{ name: "n", description: "how many", default: 2 }],
  create: (args) => ({ dataset: [{ input: "France", target: "Paris" }, { input: "Peru", target: "Lima" }].slice(0, Number(args.n)), scorer: exactMatch() }),
});
`,
    );
    const builtIn = await runOk("tasks");
    assert.match(builtIn, /^qa {2}/m, "without a file: the built-in tasks");
    assert.doesNotMatch(builtIn, /inline samples/);
    const listed = await runOk("tasks", file);
    assert.match(listed, /^plain {2}inline samples/m);
    assert.match(listed, /-T n= +how many \(default 2\)/);
    const out = await runOk("eval", file, ...model(), "-T", "n=1", "--json");
    const result = JSON.parse(out) as { summary: { samples: number } };
    assert.equal(result.summary.samples, 1);
  });

  test('a task file in a folder where no "assay" package is installed imports "assay" and its subpaths', async () => {
    const file = join(dir, "bare.task.ts");
    writeFileSync(
      file,
      `import { defineTask, exactMatch } from "assay";
import { median } from "assay/stats";
export const bare = defineTask({
  description: \`median is \${median([1, 3])}\`,
  dataset: [{ input: "France", target: "Paris" }],
  scorer: exactMatch(),
});
`,
    );
    assert.match(await runOk("tasks", file), /^bare {2}median is 2$/m);
    const out = JSON.parse(await runOk("eval", file, ...model(), "--json")) as {
      summary: { samples: number };
    };
    assert.equal(out.summary.samples, 1);
    // A package that really is missing is still named as such.
    writeFileSync(file, 'import "no-such-package-xyz";\n');
    const bad = await runCli("tasks", file);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /failed to load: Cannot find package 'no-such-package-xyz'/);
  });

  test("resume refuses an edited task file unless --force; rescore, report and export rebuild the task", async () => {
    const file = join(dir, "resumable.ts");
    writeFileSync(file, TS_TASKS.replace("export const styled", "const styled"));
    await runOk("eval", file, ...model(), "--run-id", "tf3");
    // Unchanged: resume has nothing to do and succeeds.
    await runOk("resume", "tf3", "--db", db, "--progress", "silent");
    appendFileSync(file, "\n// edited\n");
    const refused = await runCli("resume", "tf3", "--db", db, "--progress", "silent");
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /different configuration \(.*resumable\.ts was edited since/);
    await runOk("resume", "tf3", "--db", db, "--progress", "silent", "--force");

    const rescored = JSON.parse(await runOk("rescore", "tf3", "--db", db, "--json")) as {
      rescored: number;
      summary: { scorers: Array<{ scorer: string; metrics: { accuracy: number } }> };
    };
    assert.equal(rescored.rescored, 4);
    assert.equal(rescored.summary.scorers[0]!.metrics.accuracy, 1);
    assert.match(await runOk("report", "tf3", "--db", db), /tf3/);
    const lines = (await runOk("export", "tf3", "--db", db, "--format", "jsonl")).trim().split("\n");
    assert.equal(lines.length, 4);
  });
});

describe("bad task files: one UserError naming file and line, exit 2, no run", () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      "throws.ts",
      `import { defineTask } from "${LIB}";\nconst x: number = 1;\nthrow new Error("boom at import " + x);\n`,
      /throws\.ts:3: the task file failed to load: boom at import 1/,
    ],
    [
      "empty.mjs",
      "export const answer = 42;\n",
      /empty\.mjs: exports no task \(export one made with defineTask/,
    ],
    [
      "noscorer.ts",
      `import { defineTask, generate } from "${LIB}";\n\nexport const t = defineTask({ dataset: "capitals.jsonl", solver: [generate()] });\n`,
      /noscorer\.ts:3: task "t": scorer: missing/,
    ],
    [
      "badsolver.ts",
      `import { defineTask, exactMatch } from "${LIB}";\nexport const t = defineTask({ dataset: "capitals.jsonl", solver: ["generate"] as never, scorer: exactMatch() });\n`,
      /badsolver\.ts:2: task "t": solver\[0\]: expected a solver function, got string generate/,
    ],
    [
      "badreducer.ts",
      `import { defineTask, exactMatch } from "${LIB}";\nexport const t = defineTask({ dataset: "capitals.jsonl", scorer: exactMatch(), epochReducer: "avg" });\n`,
      /badreducer\.ts:2: task "t": epochReducer: .*avg/,
    ],
    [
      "builtin.ts",
      `import { defineTask, exactMatch } from "${LIB}";\nexport const qa = defineTask({ dataset: "capitals.jsonl", scorer: exactMatch() });\n`,
      /task "qa" has the name of a built-in task/,
    ],
    ["syntax.ts", "export const = ;\n", /syntax\.ts(:1)?: the task file failed to load/],
  ];
  for (const [name, source, expected] of cases) {
    test(name, async () => {
      const file = join(dir, name);
      writeFileSync(file, source);
      const isolated = join(dir, `${name}.db`);
      const r = await runCli(
        "eval",
        file,
        "--model",
        "openai/m",
        "--model-base-url",
        "http://127.0.0.1:9",
        "--db",
        isolated,
      );
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, expected);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      assertNoRuns(isolated);
    });
  }

  test("a missing task file", async () => {
    const r = await runCli("eval", join(dir, "absent.ts"), ...model());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /task file .*absent\.ts: no such file/);
  });
});
