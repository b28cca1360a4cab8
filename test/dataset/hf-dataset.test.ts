import assert from "node:assert/strict";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { Sample } from "../../src/core/types.js";
import { fieldMapper, fileDataset, parseFieldSpec, parseHfDatasetRef } from "../../src/dataset/index.js";
import { evaluate } from "../../src/index.js";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { UserError } from "../../src/util/errors.js";
import { tempDir } from "../helpers/cli.js";
import { commitId, type FakeHub, type FakeRepo, parquet, startFakeHub } from "./fake-hub.js";

const spec = parseFieldSpec("input=question,target=answer", { input: "input", target: "target", id: "id" });

async function rows(source: string): Promise<Sample[]> {
  const out: Sample[] = [];
  for await (const s of fileDataset(source, fieldMapper(spec)).samples()) out.push(s);
  return out;
}

const inputs = (samples: Sample[]) => samples.map((s) => s.input);

const TOKEN = "hf_gatedTokenForTests123456";
const C = { arith: commitId(0xa1), old: commitId(0xb1), moving: commitId(0xb2) } as const;

function repos(): Record<string, FakeRepo> {
  return {
    "acme/arith": {
      refs: { main: C.arith },
      commits: {
        [C.arith]: {
          files: {
            ".gitattributes": "*.parquet filter=lfs\n",
            "README.md": "# arithmetic\n",
            "data/test-00000-of-00002.parquet": parquet({ question: ["1+1", "2+2"], answer: ["2", "4"] }),
            "data/test-00001-of-00002.parquet": parquet({ question: ["3+3"], answer: ["6"] }),
            "data/train-00000-of-00001.parquet": parquet({ question: ["9+9"], answer: ["18"] }),
          },
        },
      },
    },
    "acme/multi": {
      refs: { main: commitId(0xc1) },
      commits: {
        [commitId(0xc1)]: {
          configs: [
            { config_name: "easy", data_files: [{ split: "test", path: "easy/test-*" }] },
            { config_name: "hard", data_files: [{ split: "test", path: ["hard/*.parquet"] }], default: true },
          ],
          files: {
            "README.md":
              "---\nconfigs:\n- config_name: easy\n  data_files:\n  - split: test\n    path: easy/test-*\n" +
              "- config_name: hard\n  data_files:\n  - split: test\n    path: [hard/*.parquet]\n  default: true\n---\n",
            "easy/test-00000-of-00001.parquet": parquet({ question: ["easy 1"], answer: ["e"] }),
            "hard/test-00000-of-00001.parquet": parquet({
              question: ["hard 1", "hard 2"],
              answer: ["h", "h"],
            }),
          },
        },
      },
    },
    "acme/moving": {
      refs: { main: C.moving, v1: C.old },
      commits: {
        [C.old]: { files: { "test.parquet": parquet({ question: ["old"], answer: ["o"] }) } },
        [C.moving]: { files: { "test.parquet": parquet({ question: ["new"], answer: ["n"] }) } },
      },
    },
    "acme/csvonly": {
      refs: { main: commitId(0xd1), "refs/convert/parquet": commitId(0xd2) },
      commits: {
        [commitId(0xd1)]: { files: { "data.csv": "question,answer\nq,a\n" } },
        [commitId(0xd2)]: {
          files: {
            "default/test/0000.parquet": parquet({ question: ["converted"], answer: ["c"] }),
            "default/train/0000.parquet": parquet({ question: ["t"], answer: ["t"] }),
          },
        },
      },
    },
    "acme/jsonfiles": {
      refs: { main: commitId(0x91) },
      commits: {
        [commitId(0x91)]: {
          files: {
            "test.json": '{"question": "line 1", "answer": "a"}\n{"question": "line 2", "answer": "b"}\n',
            "train.json": JSON.stringify({ data: [{ question: "array 1", answer: "x" }] }),
          },
        },
      },
    },
    "acme/gated": {
      token: TOKEN,
      refs: { main: commitId(0xe1) },
      commits: {
        [commitId(0xe1)]: {
          files: { "data/test.parquet": parquet({ question: ["secret"], answer: ["s"] }) },
        },
      },
    },
  };
}

describe("hf: dataset references", () => {
  test("owner/name[/config][@revision][:split]", () => {
    assert.deepEqual(parseHfDatasetRef("hf:openai/gsm8k/main:test"), {
      repo: "openai/gsm8k",
      config: "main",
      revision: "main",
      pinned: false,
      split: "test",
    });
    assert.deepEqual(parseHfDatasetRef("hf:a/b@refs/convert/parquet"), {
      repo: "a/b",
      revision: "refs/convert/parquet",
      pinned: true,
    });
    for (const bad of ["hf:a", "hf:a/b/c/d:test", "hf:a/b@..:x", "hf:a/b:", "hf:/b:test", "hf:a b/c"])
      assert.throws(() => parseHfDatasetRef(bad), UserError, bad);
  });
});

test("Parquet is read row group by row group, in order, with row numbers across groups", async () => {
  const path = join(tempDir(), "groups.parquet");
  const n = 25;
  const ids = Array.from({ length: n }, (_, i) => `q${i + 1}`);
  writeFileSync(
    path,
    Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: "question", data: ids, type: "STRING" },
          { name: "answer", data: ids.map((_, i) => (i === 21 ? "" : "a")), type: "STRING" },
        ],
        rowGroupSize: 4,
      }),
    ),
  );
  const { parquetMetadataAsync, asyncBufferFromFile } = await import("hyparquet");
  assert.equal((await parquetMetadataAsync(await asyncBufferFromFile(path))).row_groups.length, 7);
  const seen: string[] = [];
  const err = await (async () => {
    for await (const s of fileDataset(path, fieldMapper(spec)).samples()) seen.push(String(s.input));
  })().catch((e: Error) => e.message);
  assert.deepEqual(seen, ids.slice(0, 21));
  assert.match(String(err), /groups\.parquet row 22: field "answer": empty string/);
});

describe("hf: datasets against a local hub", () => {
  let hub: FakeHub;
  let cache: string;
  const saved = { ...process.env };

  beforeEach(async () => {
    hub = await startFakeHub(repos());
    cache = join(tempDir(), "hub");
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = cache;
    delete process.env.ASSAY_HF_ENDPOINT;
    delete process.env.HF_TOKEN;
    delete process.env.HF_HUB_OFFLINE;
  });
  afterEach(async () => {
    await hub.close();
    process.env = { ...saved };
  });

  test("default config: shards read in order, cached in the hub layout, second load makes no request", async () => {
    const samples = await rows("hf:acme/arith:test");
    assert.deepEqual(inputs(samples), ["1+1", "2+2", "3+3"]);
    assert.deepEqual(
      samples.map((s) => s.id),
      ["1", "2", "3"],
      "records are numbered across shards",
    );
    const repoDir = join(cache, "datasets--acme--arith");
    assert.equal(readFileSync(join(repoDir, "refs", "main"), "utf8"), C.arith);
    const shard = join(repoDir, "snapshots", C.arith, "data", "test-00000-of-00002.parquet");
    assert.ok(lstatSync(shard).isSymbolicLink());
    assert.match(readlinkSync(shard), /^\.\.\/\.\.\/\.\.\/blobs\/[0-9a-f]{64}$/);
    assert.ok(!existsSync(join(repoDir, "snapshots", C.arith, "data", "train-00000-of-00001.parquet")));

    const before = hub.requests.length;
    const ds = fileDataset("hf:acme/arith:test", fieldMapper(spec));
    assert.equal(await ds.count(), 3);
    const fingerprint = await ds.fingerprint!();
    assert.match(fingerprint, new RegExp(`^${C.arith}:[0-9a-f]{64}$`));
    assert.deepEqual(inputs(await rows("hf:acme/arith:test")), ["1+1", "2+2", "3+3"]);
    assert.equal(hub.requests.length, before, "the cached split is read without asking the hub");

    assert.deepEqual(inputs(await rows("hf:acme/arith:train")), ["9+9"]);
    const train = await fileDataset("hf:acme/arith:train", fieldMapper(spec)).fingerprint!();
    assert.notEqual(train, fingerprint, "the same commit, another split");

    await assert.rejects(rows("hf:acme/arith"), /several splits \(test, train\)/);
    await assert.rejects(
      rows("hf:acme/arith:validation"),
      /no split "validation"; the splits are test, train/,
    );
  });

  test("named and default configs from the README's configs; the README is cached for offline use", async () => {
    assert.deepEqual(inputs(await rows("hf:acme/multi/easy:test")), ["easy 1"]);
    assert.deepEqual(inputs(await rows("hf:acme/multi:test")), ["hard 1", "hard 2"]);
    await assert.rejects(rows("hf:acme/multi/medium:test"), /no config "medium"; the dataset has easy, hard/);
    const snapshot = join(cache, "datasets--acme--multi", "snapshots", commitId(0xc1));
    assert.ok(existsSync(join(snapshot, "README.md")));
    await hub.close();
    process.env.HF_HUB_OFFLINE = "1";
    assert.deepEqual(inputs(await rows("hf:acme/multi/easy:test")), ["easy 1"]);
    assert.deepEqual(inputs(await rows("hf:acme/multi:test")), ["hard 1", "hard 2"]);
  });

  test("a revision pins a commit, a tag or the branch; the fingerprint names the commit", async () => {
    assert.deepEqual(inputs(await rows("hf:acme/moving:test")), ["new"]);
    assert.deepEqual(inputs(await rows(`hf:acme/moving@${C.old}:test`)), ["old"]);
    assert.deepEqual(inputs(await rows("hf:acme/moving@v1:test")), ["old"]);
    const fp = (s: string) => fileDataset(s, fieldMapper(spec)).fingerprint!();
    assert.match(await fp("hf:acme/moving:test"), new RegExp(C.moving));
    assert.match(await fp("hf:acme/moving@v1:test"), new RegExp(C.old));
    assert.notEqual(await fp("hf:acme/moving:test"), await fp("hf:acme/moving@v1:test"));
    assert.equal(readFileSync(join(cache, "datasets--acme--moving", "refs", "v1"), "utf8"), C.old);

    // The branch moves on: a fresh ref is trusted, a stale one is checked against the hub.
    hub.repos["acme/moving"]!.refs.main = C.old;
    assert.deepEqual(inputs(await rows("hf:acme/moving:test")), ["new"]);
    const ref = join(cache, "datasets--acme--moving", "refs", "main");
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(ref, old, old);
    assert.deepEqual(inputs(await rows("hf:acme/moving:test")), ["old"]);
    assert.equal(readFileSync(ref, "utf8"), C.old);
  });

  test("a dataset without Parquet files is read from the hub's Parquet conversion", async () => {
    assert.deepEqual(inputs(await rows("hf:acme/csvonly:test")), ["converted"]);
    const repoDir = join(cache, "datasets--acme--csvonly");
    assert.equal(readFileSync(join(repoDir, "refs", "refs", "convert", "parquet"), "utf8"), commitId(0xd2));
    assert.ok(existsSync(join(repoDir, "snapshots", commitId(0xd2), "default", "test", "0000.parquet")));
    const before = hub.requests.length;
    assert.deepEqual(inputs(await rows("hf:acme/csvonly/default:test")), ["converted"]);
    assert.equal(hub.requests.length, before);
    await assert.rejects(
      rows(`hf:acme/csvonly@${commitId(0xd1)}:test`),
      /no Parquet or JSON data files at revision .*conversion covers only the latest commit/,
    );
    assert.deepEqual(inputs(await rows("hf:acme/csvonly/default@refs/convert/parquet:train")), ["t"]);
  });

  test("JSON data files: JSON Lines kept in .json files, and JSON documents", async () => {
    assert.deepEqual(inputs(await rows("hf:acme/jsonfiles:test")), ["line 1", "line 2"]);
    assert.deepEqual(inputs(await rows("hf:acme/jsonfiles:train")), ["array 1"]);
  });

  test("gated: 401 without HF_TOKEN, read with it; the token goes to the hub only and is never shown", async () => {
    const err = await rows("hf:acme/gated:test").then(
      () => assert.fail("expected an error"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof UserError);
    assert.match(err.message, /HTTP 401 .*gated or private.*set HF_TOKEN/);

    process.env.HF_TOKEN = "hf_wrongTokenForTests987654";
    const wrong = await rows("hf:acme/gated:test").catch((e: Error) => e.message);
    assert.match(String(wrong), /the token in HF_TOKEN has no access/);
    assert.ok(!String(wrong).includes("hf_wrongTokenForTests987654"));

    process.env.HF_TOKEN = TOKEN;
    assert.deepEqual(inputs(await rows("hf:acme/gated:test")), ["secret"]);
    const fingerprint = await fileDataset("hf:acme/gated:test", fieldMapper(spec)).fingerprint!();
    assert.ok(!fingerprint.includes(TOKEN));
    const hubCalls = hub.requests.filter((r) => r.server === "hub" && r.path.includes("gated"));
    const cdnCalls = hub.requests.filter((r) => r.server === "cdn");
    assert.ok(hubCalls.some((r) => r.authorization === `Bearer ${TOKEN}`));
    assert.ok(cdnCalls.length > 0 && cdnCalls.every((r) => r.authorization === undefined));
  });

  test("an eval run on a gated hf: split: the manifest names the commit, the token is stored nowhere", async () => {
    process.env.HF_TOKEN = TOKEN;
    const model = await startMockServer({ reply: () => "ANSWER: s" });
    const dir = tempDir();
    try {
      const db = join(dir, "runs.db");
      const run = await evaluate({
        task: "qa",
        dataset: "hf:acme/gated:test",
        taskArgs: { fields: "input=question,target=answer" },
        model: { id: "openai/m", baseUrl: model.url },
        db,
      });
      assert.equal(run.ran, 1);
      assert.equal(run.summary.scorers[0]?.metrics.accuracy, 1);
      assert.match(String(run.manifest.dataset?.sha256), new RegExp(`^${commitId(0xe1)}:`));
      const stored = Buffer.concat(
        [db, `${db}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
      );
      assert.ok(stored.includes("secret"), "the store holds the run");
      assert.ok(!stored.includes(TOKEN) && !JSON.stringify(run.manifest).includes(TOKEN));
    } finally {
      await model.close();
    }
  });

  test("a cache filled by another tool (huggingface_hub layout) is used without any request", async () => {
    const commit = commitId(0xf1);
    const repoDir = join(cache, "datasets--other--tool");
    const blob = join(repoDir, "blobs", "f".repeat(64));
    mkdirSync(dirname(blob), { recursive: true });
    writeFileSync(blob, parquet({ question: ["from the other tool"], answer: ["x"] }));
    const link = join(repoDir, "snapshots", commit, "data", "validation-00000-of-00001.parquet");
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join("..", "..", "..", "blobs", "f".repeat(64)), link);
    mkdirSync(join(repoDir, "refs"), { recursive: true });
    writeFileSync(join(repoDir, "refs", "main"), commit);
    assert.deepEqual(inputs(await rows("hf:other/tool:validation")), ["from the other tool"]);
    assert.deepEqual(inputs(await rows("hf:other/tool:dev")), ["from the other tool"], "split synonyms");
    assert.equal(hub.requests.length, 0);
  });

  test("offline: one clear error naming what to fetch and where to put it", async () => {
    process.env.HF_ENDPOINT = "http://127.0.0.1:9";
    const err = await rows("hf:acme/arith:test").catch((e: unknown) => e);
    assert.ok(err instanceof UserError);
    assert.match(
      err.message,
      /hf:acme\/arith:test: not in the Hugging Face cache and cannot reach http:\/\/127\.0\.0\.1:9/,
    );
    assert.match(err.message, /hf download acme\/arith --repo-type dataset/);
    assert.ok(err.message.includes(join(cache, "datasets--acme--arith")));

    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_OFFLINE = "1";
    await assert.rejects(rows("hf:acme/arith@v2:test"), /HF_HUB_OFFLINE is set.*--revision v2/);
    assert.equal(hub.requests.length, 0);

    // The API answers but the file cannot be fetched: the error lists each file's URL and cache path,
    // and a file put there by hand is used.
    delete process.env.HF_HUB_OFFLINE;
    hub.cdnDown = true;
    const failed = await rows("hf:acme/moving:test").catch((e: unknown) => e);
    assert.ok(failed instanceof UserError);
    const target = join(cache, "datasets--acme--moving", "snapshots", C.moving, "test.parquet");
    assert.ok(
      failed.message.includes(`${hub.url}/datasets/acme/moving/resolve/${C.moving}/test.parquet → ${target}`),
      failed.message,
    );
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, parquet({ question: ["by hand"], answer: ["h"] }));
    const calls = hub.requests.length;
    assert.deepEqual(inputs(await rows("hf:acme/moving:test")), ["by hand"]);
    assert.equal(hub.requests.length, calls);
    hub.cdnDown = false;

    // A stale cached split is still used when the hub cannot be reached.
    delete process.env.HF_HUB_OFFLINE;
    await rows("hf:acme/arith:test");
    const ref = join(cache, "datasets--acme--arith", "refs", "main");
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(ref, old, old);
    process.env.HF_ENDPOINT = "http://127.0.0.1:9";
    assert.deepEqual(inputs(await rows("hf:acme/arith:test")), ["1+1", "2+2", "3+3"]);
  });
});
