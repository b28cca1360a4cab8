/**
 * Shards + merge end to end through the CLI: one eval run unsharded and in 4 shards (each into its own
 * database), merged, must give the same summary, report and export as the unsharded run (timing fields
 * and order aside); a wrong set of shards is refused with a clear error.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { lastUserText, type MockServer, startMockServer } from "../../src/testing/mock-openai-server.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { qaEvalArgs, writeQaData } from "../scale/qa-eval.js";

const N = 37;
const dir = tempDir();
let server: MockServer;
let data: string;

/** Right for questions divisible by 3, wrong otherwise; a deterministic server. */
const reply = (req: Parameters<typeof lastUserText>[0]) => {
  const i = Number(/question (\d+)/.exec(lastUserText(req))?.[1]);
  return `ANSWER: answer ${i % 3 === 0 ? i : i + 1}`;
};

const evalArgs = (db: string, ...extra: string[]) =>
  qaEvalArgs(
    data,
    server.url,
    db,
    "--epochs",
    "2",
    "--seed",
    "7",
    "-T",
    "group_by=level",
    "--progress",
    "silent",
    ...extra,
  );

/** Fields that say when or how fast, not what: left out of comparisons. */
function stripTiming(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripTiming);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      if (!["computedAt", "meanLatencyMs", "latency_ms", "createdAt", "finished_at"].includes(k))
        out[k] = stripTiming(v);
    return out;
  }
  return value;
}

async function ok(args: string[]) {
  const r = await runCli(args, { cwd: dir });
  assert.equal(r.code, 0, `${args.join(" ")}\n${r.stderr}`);
  return r;
}

const exportRows = async (id: string, db: string) =>
  (await ok(["export", id, "--db", db, "--format", "jsonl"])).stdout
    .trim()
    .split("\n")
    .map((l) => JSON.stringify(stripTiming(JSON.parse(l))));

describe("eval --shard i/N + assay merge", () => {
  before(async () => {
    server = await startMockServer({ reply, record: false });
    data = writeQaData(dir, N);
  });
  after(() => server.close());

  test("4 shards merged equal the unsharded run: summary, report, export", async () => {
    const full = join(dir, "full.db");
    const whole = JSON.parse((await ok(evalArgs(full, "--run-id", "R"))).stdout);
    const sizes: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const out = JSON.parse(
        (await ok(evalArgs(join(dir, `shard-${i}.db`), "--run-id", "R", "--shard", `${i}/4`))).stdout,
      );
      sizes.push(out.summary.samples);
    }
    assert.equal(
      sizes.reduce((a, b) => a + b),
      N * 2,
    );
    assert.ok(
      sizes.every((n) => n > 0 && n < N * 2),
      `every shard does part of the work: ${sizes}`,
    );

    const merged = join(dir, "merged.db");
    const shardDbs = [1, 2, 3, 4].map((i) => join(dir, `shard-${i}.db`));
    const m = JSON.parse(
      (await ok(["merge", ...shardDbs, "--run-id", "R", "--into", merged, "--json"])).stdout,
    );
    assert.equal(m.units, N * 2);
    assert.equal(m.shards, 4);
    assert.deepEqual(stripTiming(m.summary), stripTiming(whole.summary));

    const show = async (db: string) => JSON.parse((await ok(["show", "R", "--db", db, "--json"])).stdout);
    const [a, b] = [await show(full), await show(merged)];
    assert.deepEqual(stripTiming(b), stripTiming(a));
    assert.equal(
      b.manifest?.configHash ?? b.run?.manifest?.configHash,
      a.manifest?.configHash ?? a.run?.manifest?.configHash,
    );

    const report = async (db: string) => (await ok(["report", "R", "--db", db, "--format", "json"])).stdout;
    assert.deepEqual(
      stripTiming(JSON.parse(await report(merged))),
      stripTiming(JSON.parse(await report(full))),
    );

    const [ea, eb] = [await exportRows("R", full), await exportRows("R", merged)];
    assert.equal(eb.length, N * 2);
    // Byte for byte once timing is left out, in the same order (samples keep their unsharded positions).
    assert.deepEqual(eb, ea);
    const csv = async (db: string) =>
      (await ok(["export", "R", "--db", db, "--format", "csv"])).stdout
        .split("\n")
        // No cell here holds a comma: blank the latency column (the 12th).
        .map((l) =>
          l
            .split(",")
            .map((c, i) => (i === 11 ? "" : c))
            .join(","),
        );
    assert.deepEqual(await csv(merged), await csv(full));
  });

  test("--into a shard database with --from the others merges in place", async () => {
    const into = join(dir, "inplace.db");
    for (let i = 1; i <= 4; i++)
      await ok(evalArgs(i === 1 ? into : join(dir, `ip-${i}.db`), "--run-id", "P", "--shard", `${i}/4`));
    const from = [2, 3, 4].flatMap((i) => ["--from", join(dir, `ip-${i}.db`)]);
    const m = JSON.parse((await ok(["merge", "--into", into, "P", ...from, "--json"])).stdout);
    assert.equal(m.units, N * 2);
    const shown = JSON.parse((await ok(["show", "P", "--db", into, "--json"])).stdout);
    assert.equal(JSON.stringify(shown).includes('"shard"'), false, "the merged manifest has no shard");
  });

  test("missing, duplicate, foreign and unfinished shards are refused", async () => {
    const s = (i: number, tag: string) => join(dir, `${tag}-${i}.db`);
    for (let i = 1; i <= 3; i++) await ok(evalArgs(s(i, "bad"), "--run-id", "B", "--shard", `${i}/3`));
    const into = join(dir, "bad-merged.db");
    const missing = await runCli(["merge", s(1, "bad"), s(2, "bad"), "--run-id", "B", "--into", into], {
      cwd: dir,
    });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /shard\(s\) 3\/3 missing/);
    // A mistyped shard file is a missing file, not an unknown run id.
    const typo = await runCli(
      ["merge", s(1, "bad"), join(dir, "bda-2.db"), "--run-id", "B", "--into", into],
      {
        cwd: dir,
      },
    );
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /bda-2\.db: no such database file/);

    const twice = await runCli(
      [
        "merge",
        s(1, "bad"),
        s(2, "bad"),
        s(2, "bad"),
        "--from",
        s(2, "bad"),
        "--run-id",
        "B",
        "--into",
        into,
      ],
      { cwd: dir },
    );
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /given twice|missing/);

    // A shard of another eval (other seed): same shard layout, different manifest.
    await ok(evalArgs(s(3, "other"), "--run-id", "B", "--shard", "3/3", "--seed", "8"));
    const foreign = await runCli(
      ["merge", s(1, "bad"), s(2, "bad"), s(3, "other"), "--run-id", "B", "--into", into],
      { cwd: dir },
    );
    assert.equal(foreign.code, 2);
    assert.match(foreign.stderr, /not made by the same eval.*seed/);

    // A shard of another split (4 instead of 3).
    await ok(evalArgs(s(3, "four"), "--run-id", "B", "--shard", "3/4"));
    const split = await runCli(
      ["merge", s(1, "bad"), s(2, "bad"), s(3, "four"), "--run-id", "B", "--into", into],
      { cwd: dir },
    );
    assert.equal(split.code, 2);
    assert.match(split.stderr, /one of 3/);
  });

  test("--limit A-B and --sample-id compose with --shard", async () => {
    const db = join(dir, "range.db");
    let total = 0;
    for (let i = 1; i <= 2; i++) {
      const out = JSON.parse(
        (await ok(evalArgs(db, "--run-id", `G${i}`, "--limit", "5-14", "--shard", `${i}/2`))).stdout,
      );
      total += out.summary.samples;
    }
    assert.equal(total, 10 * 2);
    const rows = [...(await exportRows("G1", db)), ...(await exportRows("G2", db))].map(
      (l) => JSON.parse(l).sample_id,
    );
    assert.deepEqual([...new Set(rows)].sort(), Array.from({ length: 10 }, (_, k) => `q${k + 4}`).sort());
    const merged = JSON.parse(
      (await ok(["merge", "--db", db, "G1", "G2", "--run-id", "G", "--json"])).stdout,
    );
    assert.equal(merged.units, 20);

    const ids = JSON.parse((await ok(evalArgs(db, "--run-id", "I", "--sample-id", "q3,q30,q8"))).stdout);
    assert.equal(ids.summary.samples, 6);
    const bad = await runCli(evalArgs(db, "--run-id", "I2", "--sample-id", "q3,nope"), { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no sample nope/);
    const range = await runCli(evalArgs(db, "--run-id", "I3", "--limit", "9-3"), { cwd: dir });
    assert.equal(range.code, 2);
  });
});
