import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { exportDataset } from "../../src/gameqa/export.js";
import { generateDataset, planJobs } from "../../src/gameqa/generate.js";
import { readDataset } from "../../src/gameqa/io.js";
import { findOptionKey, makeChoices, stripOptionKey } from "../../src/gameqa/options.js";
import { getGame, listGames, loadGames, registerGame } from "../../src/gameqa/registry.js";
import { readPngInfo, svgToPng } from "../../src/gameqa/render/png.js";
import { createRng, hashSeed } from "../../src/gameqa/rng.js";
import { type GameDefinition, LEVELS } from "../../src/gameqa/types.js";
import { UserError } from "../../src/util/errors.js";

const MINE = ["sudoku", "maze", "tictactoe", "lifegame", "langton_ant"];
const tmp = mkdtempSync(join(tmpdir(), "gameqa-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  }
  return out.sort();
}

describe("rng", () => {
  test("same seed, same stream; different seeds differ", () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 50 }, () => a.next());
    assert.deepEqual(
      xs,
      Array.from({ length: 50 }, () => b.next()),
    );
    assert.notDeepEqual(
      xs,
      Array.from({ length: 50 }, () => createRng(43).next()),
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
  });
  test("int covers its inclusive range roughly uniformly", () => {
    const r = createRng(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[r.int(0, 3)]! += 1;
    for (const c of counts) assert.ok(c > 850 && c < 1150, `count ${c}`);
    assert.throws(() => r.int(3, 1), RangeError);
  });
  test("hashSeed separates parts", () => {
    assert.notEqual(hashSeed("a", "bc"), hashSeed("ab", "c"));
    assert.equal(hashSeed(1, "x"), hashSeed(1, "x"));
  });
});

describe("options", () => {
  test("choices include the answer once and never duplicate", () => {
    const r = createRng(2);
    for (let i = 0; i < 50; i++) {
      const ch = makeChoices(r, "7", ["7", "6", "8", "6", "9", "10"], 4);
      assert.equal(ch.values.length, 4);
      assert.equal(new Set(ch.values).size, 4);
      assert.equal(ch.values[ch.correct], "7");
      assert.equal(ch.values.filter((v) => v === "7").length, 1);
    }
  });
  test("option keys are stripped and found", () => {
    assert.equal(stripOptionKey("A.red"), "red");
    assert.equal(stripOptionKey("B: 6"), "6");
    assert.equal(stripOptionKey("C. (4, 6)"), "(4, 6)");
    assert.equal(stripOptionKey("[2] up"), "up");
    assert.equal(findOptionKey(["A: 5", "B: 6"], "6", "letter"), "B");
    assert.equal(findOptionKey(["1: x", "2: y"], "y", "index1"), "2");
    assert.equal(findOptionKey(["A: 5", "B: 5"], "5", "letter"), undefined);
  });
});

describe("registry", () => {
  test("loads the five engine games with their original task ids", async () => {
    await loadGames();
    const names = listGames().map((g) => g.name);
    for (const g of MINE) assert.ok(names.includes(g), `${g} registered`);
    const ids = (g: string): number[] => getGame(g).tasks.map((t) => t.id);
    assert.deepEqual(ids("sudoku"), [1, 2, 3, 4, 5]);
    assert.deepEqual(ids("maze"), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(ids("tictactoe"), [1, 2, 3]);
    assert.deepEqual(ids("lifegame"), [1, 2, 3, 4]);
    assert.deepEqual(ids("langton_ant"), [1, 2, 3]);
    assert.throws(() => getGame("no-such-game"), UserError);
    const categories = new Set(MINE.map((g) => getGame(g).category));
    assert.deepEqual([...categories].sort(), ["Multi-step Reasoning", "Strategic Planning"]);
  });
});

describe("generation", () => {
  test("same seed gives byte-identical output with 1 and 2 workers; another seed differs", async () => {
    const base = {
      games: ["tictactoe", "langton_ant", "maze"],
      perTask: 1,
      plotLevels: ["Easy", "Hard"] as const,
      progress: "silent" as const,
    };
    const a = join(tmp, "a");
    const b = join(tmp, "b");
    const c = join(tmp, "c");
    await generateDataset({ ...base, plotLevels: [...base.plotLevels], seed: "s1", outDir: a, workers: 1 });
    await generateDataset({
      ...base,
      plotLevels: [...base.plotLevels],
      seed: "s1",
      outDir: b,
      workers: 2,
      threadsAfterMs: 0, // start the worker thread at once, however small the run
    });
    await generateDataset({ ...base, plotLevels: [...base.plotLevels], seed: "s2", outDir: c, workers: 1 });
    const files = listFiles(a);
    assert.deepEqual(listFiles(b), files);
    assert.ok(files.length >= 13); // 6 shared boards × (png + json) + data.json at least
    for (const f of files)
      assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs`);
    assert.notDeepEqual(readFileSync(join(a, "data.json")), readFileSync(join(c, "data.json")));
    assert.ok(!files.some((f) => f.includes(".tmp-")), "no temp files left behind");
  });

  test("a short run builds on the main thread; a long one (as timed there) hands over to workers", async () => {
    const base = {
      games: ["tictactoe"],
      plotLevels: ["Easy" as const],
      seed: 5,
      progress: "silent" as const,
    };
    // Three boards: far below the time worth a thread, with one worker or two.
    for (const workers of [1, 2]) {
      const r = await generateDataset({
        ...base,
        perTask: 1,
        outDir: join(tmp, `short-${workers}`),
        workers,
      });
      assert.equal(r.workerThreads, 0, `workers ${workers}`);
    }
    // 120 boards timed for 1 ms: the estimate of the rest is above the threshold, so threads take over.
    const long = await generateDataset({
      ...base,
      perTask: 120,
      outDir: join(tmp, "long"),
      workers: 2,
      threadsAfterMs: 1,
    });
    assert.ok(long.workerThreads > 0, `${long.workerThreads} workers`);
    assert.equal(long.samples, 360);
  });

  test("every sample has the published field set, a valid PNG and its state", async () => {
    const dir = join(tmp, "all");
    const res = await generateDataset({
      games: MINE,
      perTask: 1,
      plotLevels: ["Easy", "Medium", "Hard"],
      seed: 3,
      outDir: dir,
      progress: "silent",
    });
    const { samples } = readDataset(dir);
    const jobs = planJobs({ games: MINE, perTask: 1, plotLevels: ["Easy", "Medium", "Hard"] });
    assert.equal(jobs.length, 15); // one board per game and level
    const tasks = MINE.reduce((n, g) => n + getGame(g).tasks.length, 0);
    assert.equal(samples.length, tasks * 3);
    assert.equal(res.samples, tasks * 3);
    assert.ok(
      res.images >= 15 && res.images < samples.length,
      `${res.images} images shared by ${samples.length} samples`,
    );
    const keys = [
      "data_id",
      "qa_type",
      "question_id",
      "question_description",
      "image",
      "state",
      "plot_level",
      "qa_level",
      "question",
      "answer",
      "analysis",
    ];
    for (const s of samples) {
      const game = getGame(MINE.find((g) => s.data_id.startsWith(`${g}-`)) ?? "");
      const task = game.tasks.find((t) => t.id === s.question_id);
      assert.ok(task);
      assert.deepEqual(
        Object.keys(s).filter((k) => k !== "options"),
        keys,
      );
      assert.equal(
        s.options !== undefined,
        task.answerFormat.startsWith("option"),
        `${s.data_id} options presence`,
      );
      const png = readFileSync(join(dir, s.image));
      const info = readPngInfo(png);
      assert.ok(
        info.width >= 150 && info.width <= 800 && info.height >= 150 && info.height <= 800,
        `${s.image} ${info.width}x${info.height}`,
      );
      // The state written to disk is accepted by the game's own parser.
      game.parseState(JSON.parse(readFileSync(join(dir, s.state), "utf8")), s.state);
      if (s.options) {
        const i =
          typeof s.answer === "string" && /^[A-Z]$/.test(s.answer)
            ? s.answer.charCodeAt(0) - 65
            : Number(s.answer) - 1;
        assert.ok(i >= 0 && i < s.options.length, `${s.data_id}: answer names an option`);
        assert.ok(
          s.question.includes(String(s.options[i])),
          `${s.data_id}: options are printed in the question`,
        );
      }
      assert.ok(s.analysis.includes(String(s.answer)), `${s.data_id}: analysis ends in the answer`);
    }
  });

  test("per-sample boards (no sharing) are deterministic too and give one image per sample", async () => {
    const opts = {
      games: ["sudoku"],
      perTask: 1,
      plotLevels: ["Easy" as const],
      shareBoards: false,
      progress: "silent" as const,
    };
    const a = join(tmp, "ps-a");
    const b = join(tmp, "ps-b");
    const ra = await generateDataset({ ...opts, seed: 9, outDir: a, workers: 2, threadsAfterMs: 0 });
    await generateDataset({ ...opts, seed: 9, outDir: b, workers: 1 });
    assert.equal(ra.images, ra.samples);
    for (const f of listFiles(a)) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f);
  });

  test("a run large enough for the file thread writes the same bytes as worker threads", async () => {
    const opts = { games: ["lifegame"], perTask: 24, plotLevels: [...LEVELS], progress: "silent" as const };
    assert.ok(planJobs(opts).length >= 64, "enough boards to use the file thread");
    const a = join(tmp, "ft-a");
    const b = join(tmp, "ft-b");
    const ra = await generateDataset({ ...opts, seed: 4, outDir: a, workers: 1 });
    await generateDataset({ ...opts, seed: 4, outDir: b, workers: 2, threadsAfterMs: 0 });
    const files = listFiles(a);
    assert.equal(files.length, 1 + 2 * ra.images);
    assert.deepEqual(listFiles(b), files);
    for (const f of files) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f);
  });

  test("jsonl output", async () => {
    const dir = join(tmp, "jl");
    await generateDataset({
      games: ["lifegame"],
      perTask: 1,
      plotLevels: ["Easy"],
      seed: 1,
      outDir: dir,
      format: "jsonl",
      progress: "silent",
    });
    const lines = readFileSync(join(dir, "data.jsonl"), "utf8").trim().split("\n");
    assert.equal(lines.length, 4);
    assert.equal(readDataset(dir).samples.length, 4);
  });
});

describe("library games", () => {
  /** A one-task game registered from code: the answer is the number the state holds. */
  const counter: GameDefinition<{ n: number }> = {
    name: "test-counter",
    title: "Counter",
    category: "Pattern Recognition and Matching",
    domain: "ID",
    generateState: (rng) => ({ n: rng.int(0, 9) }),
    renderSvg: () => '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"></svg>',
    parseState: (json) => json as { n: number },
    tasks: [
      {
        id: 0,
        name: "read",
        description: "read the number",
        qaType: "Target Perception",
        qaLevel: "Easy",
        answerFormat: "number",
        generate: ({ state }) =>
          state.n === 0
            ? null
            : { question: "Which number?", answer: state.n, analysis: `It is ${state.n}.` },
      },
    ],
  };

  test("a game registered in code generates in-process; tasks may reject states", async () => {
    registerGame(counter);
    const dir = join(tmp, "lib");
    const res = await generateDataset({
      games: ["test-counter"],
      perTask: 5,
      plotLevels: ["Easy"],
      seed: 1,
      outDir: dir,
      progress: "silent",
    });
    assert.equal(res.samples, 5);
    for (const s of readDataset(dir).samples) assert.ok(Number(s.answer) >= 1 && Number(s.answer) <= 9);
  });

  test("a game registered in code runs in this thread even when worker threads are asked for", async () => {
    registerGame(counter);
    const dir = join(tmp, "lib-workers");
    const res = await generateDataset({
      games: ["test-counter"],
      perTask: 4,
      plotLevels: ["Easy"],
      seed: 1,
      outDir: dir,
      workers: 2,
      threadsAfterMs: 0,
      progress: "silent",
    });
    assert.equal(res.samples, 4);
    assert.deepEqual(readdirSync(dir).sort(), ["data.json", "images", "states"]);
  });
});

describe("png", () => {
  test("svgToPng produces a PNG of the SVG's size and text is drawn without system fonts", () => {
    const png = svgToPng(
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect width="120" height="80" fill="#fff"/></svg>',
    );
    assert.deepEqual(readPngInfo(png).width, 120);
    assert.deepEqual(readPngInfo(png).height, 80);
    assert.throws(() => readPngInfo(Buffer.from("not a png at all, definitely not one")), /not a PNG/);
  });
});

describe("export", () => {
  test("sharegpt, llava and swift records carry image, question and reasoning + answer", async () => {
    const dir = join(tmp, "exp");
    await generateDataset({
      games: ["tictactoe"],
      perTask: 1,
      plotLevels: ["Easy"],
      seed: 1,
      outDir: dir,
      progress: "silent",
    });
    const { samples } = readDataset(dir);
    for (const format of ["sharegpt", "llava", "swift"] as const) {
      const out = join(tmp, `exp-${format}.json`);
      const r = exportDataset({ data: dir, format, out });
      assert.equal(r.records, samples.length);
      const recs = JSON.parse(readFileSync(out, "utf8")) as Array<Record<string, unknown>>;
      const first = JSON.stringify(recs[0]);
      assert.ok(first.includes("<image>"));
      assert.ok(first.includes(JSON.stringify(`The answer is ${samples[0]?.answer}.`).slice(1, -1)));
      const image =
        format === "llava" ? (recs[0]?.image as string) : (recs[0]?.images as string[] | undefined)?.[0];
      assert.equal(image, join("exp", samples[0]?.image ?? ""));
    }
  });

  test("malformed dataset files give UserError naming the place", () => {
    const bad = join(tmp, "bad");
    rmSync(bad, { recursive: true, force: true });
    readdirSync(tmp);
    writeFileSync(join(tmp, "bad.json"), JSON.stringify([{ data_id: "x", qa_type: "Target Perception" }]));
    assert.throws(
      () => readDataset(join(tmp, "bad.json")),
      (e: unknown) => e instanceof UserError && /bad\.json\[0\]: field "question_id"/.test(e.message),
    );
    assert.throws(() => readDataset(join(tmp, "missing")), UserError);
  });
});

describe("interruption and clean-up", () => {
  const big = {
    games: ["sudoku"],
    perTask: 60,
    plotLevels: [...LEVELS],
    shareBoards: false,
    progress: "silent" as const,
    seed: 5,
  };
  /** A four-sample dataset to be replaced (or not) by a later run. */
  const smallDataset = (dir: string) =>
    generateDataset({
      games: ["lifegame"],
      perTask: 1,
      plotLevels: ["Easy"],
      seed: 1,
      outDir: dir,
      progress: "silent",
    });

  for (const workers of [1, 2]) {
    test(`an abort mid-run (${workers} worker${workers > 1 ? "s" : ""}) removes the staging folder and keeps the earlier dataset`, async () => {
      const dir = join(tmp, `abort-${workers}`);
      await smallDataset(dir);
      const before = readFileSync(join(dir, "data.json"));
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      await assert.rejects(
        generateDataset({ ...big, outDir: dir, workers, threadsAfterMs: 0, signal: controller.signal }),
        (err: unknown) => err instanceof UserError && err.exitCode === 130 && /interrupted/.test(err.message),
      );
      assert.deepEqual(readdirSync(dir).sort(), ["data.json", "images", "states"]);
      assert.ok(readFileSync(join(dir, "data.json")).equals(before), "earlier data.json unchanged");
      assert.equal(readDataset(dir).samples.length, 4);
    });
  }

  test("staging folders of dead runs are removed; a live run's is left alone", async () => {
    const dir = join(tmp, "stale");
    mkdirSync(dir, { recursive: true });
    let dead = 4_000_000; // a pid no process has
    for (;;) {
      try {
        process.kill(dead, 0);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ESRCH") break;
      }
      dead--;
    }
    mkdirSync(join(dir, `.gameqa-partial-${dead}`, "images"), { recursive: true });
    mkdirSync(join(dir, `.gameqa-partial-${process.ppid}`));
    await smallDataset(dir);
    assert.deepEqual(readdirSync(dir).sort(), [
      `.gameqa-partial-${process.ppid}`,
      "data.json",
      "images",
      "states",
    ]);
  });
});
