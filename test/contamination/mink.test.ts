import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { deflateSync } from "node:zlib";
import { main } from "../../src/cli/program.js";
import { minKProb, perplexity, rocAuc, zlibRatio } from "../../src/contamination/mink.js";
import { type MinkResult, type MinkRow, runMink } from "../../src/contamination/mink-run.js";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import { convertCheckpoint } from "../../src/formats/convert.js";
import { encodeText } from "../../src/formats/tokenizer-codec.js";
import { writeLlama2cTokenizer } from "../../src/formats/tokenizer-llama2c.js";
import { LlamaEngine } from "../../src/llama/engine.js";
import { loadLlamaWeights } from "../../src/llama/weights.js";
import { buildSentencePiece } from "../formats/tokenizer-fixtures.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { plantedItems } from "./mink-fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "contamination-mink-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("membership scores by hand", () => {
  test("Min-K% averages the lowest ⌊kT⌋ log-probabilities (at least one)", () => {
    const lp = [-0.1, -3, -0.5, -2, -0.2, -4, -0.3, -0.4, -1, -0.6];
    assert.equal(minKProb(lp, 0.2), (-4 + -3) / 2);
    assert.equal(minKProb(lp, 0.05), -4);
    assert.ok(Math.abs(minKProb(lp, 1) - lp.reduce((a, b) => a + b) / 10) < 1e-12);
    assert.ok(Math.abs(perplexity([-1, -3]) - Math.exp(2)) < 1e-12);
    const text = Buffer.from("the cat sat on the mat");
    assert.equal(zlibRatio([-1, -3], text), 2 / deflateSync(text, { level: 9 }).length);
  });

  test("ROC-AUC is the share of member/non-member pairs ranked right, ties one half", () => {
    assert.equal(rocAuc([0.9, 0.8, 0.1, 0.2], [true, true, false, false]), 1);
    assert.equal(rocAuc([0.1, 0.2, 0.9, 0.8], [true, true, false, false]), 0);
    // pairs (m, n): (3,1) right, (3,2) right, (1,1) tie, (1,2) wrong → (2 + 0.5) / 4
    assert.equal(rocAuc([3, 1, 1, 2], [true, true, false, false]), 0.625);
    assert.ok(Number.isNaN(rocAuc([1, 2], [true, true])));
  });
});

describe("Min-K% on stories260K", () => {
  const model = sharedPath("models", "stories260K.bin");

  test("separates greedy generations from shuffled ones, the same on the GGUF conversion", async (t) => {
    if (!model) return t.skip(SHARED_MISSING);
    const ck = openCheckpoint(model);
    const engine = new LlamaEngine(loadLlamaWeights(ck));
    convertCheckpoint(ck, join(dir, "s260.gguf"), { to: "gguf" });
    ck.close();
    const tokensFile = join(dir, "items.jsonl");
    writeFileSync(
      tokensFile,
      plantedItems(engine)
        .map((x) => JSON.stringify(x))
        .join("\n"),
    );

    const out = join(dir, "mink.json");
    assert.equal(
      await main([
        "node",
        "assay",
        "contamination",
        "mink",
        "--model",
        model,
        "--tokens",
        tokensFile,
        "--json",
        "--out",
        join(dir, "rows.jsonl"),
      ]),
      0,
    );
    const ref = runMink({ model, tokens: tokensFile, k: 0.2, bos: true, progress: "silent" });
    assert.equal(readFileSync(join(dir, "rows.jsonl"), "utf8").trim().split("\n").length, 48);
    assert.ok(ref.auc, "labels given for both classes");
    assert.ok(ref.auc.minK > 0.9, `Min-K% AUC ${ref.auc.minK}`);
    assert.ok(ref.auc.perplexity > 0.9, `perplexity AUC ${ref.auc.perplexity}`);

    const gguf: MinkResult = runMink({
      model: join(dir, "s260.gguf"),
      tokens: tokensFile,
      k: 0.2,
      bos: true,
      progress: "silent",
    });
    gguf.rows.forEach((r, i) => {
      assert.ok(Math.abs(r.minK - ref.rows[i]!.minK) < 1e-4, `item ${r.id}`);
      assert.ok(Math.abs(r.perplexity / ref.rows[i]!.perplexity - 1) < 1e-4, `item ${r.id}`);
    });
    assert.equal(gguf.auc!.minK, ref.auc.minK);
    writeFileSync(out, JSON.stringify(ref.auc));
  });

  test("labels from a scan override the items' own; bad token ids name file and line", async (t) => {
    if (!model) return t.skip(SHARED_MISSING);
    const tokens = join(dir, "few.jsonl");
    writeFileSync(tokens, '{"id":"a","tokens":[5,6,7]}\n{"id":"b","tokens":[9,8,7,6]}\n');
    const labels = new Map([
      ["a", true],
      ["b", false],
    ]);
    const r = runMink({ model, tokens, k: 0.5, bos: false, labels, progress: "silent" });
    assert.deepEqual(
      r.rows.map((x) => [x.id, x.tokens, x.member]),
      [
        ["a", 2, true],
        ["b", 3, false],
      ],
    );
    writeFileSync(tokens, '{"id":"a","tokens":[5,6,7]}\n{"id":"b","tokens":[5,9999]}\n');
    assert.throws(
      () => runMink({ model, tokens, k: 0.2, bos: true, progress: "silent" }),
      /few\.jsonl:2: field "tokens": 9999/,
    );
  });

  test("--task: a task's text through a tokenizer file or the GGUF's own, the same as its token ids", async (t) => {
    if (!model) return t.skip(SHARED_MISSING);
    const tok = buildSentencePiece(512);
    const tokFile = join(dir, "tok.bin");
    writeLlama2cTokenizer(tok, tokFile);
    const dataset = join(dir, "qa.jsonl");
    const samples = [
      { id: "q1", input: "once upon a time there was a cat", target: "it sat" },
      { id: "q2", input: "zq xv kj", target: "wp" },
    ];
    writeFileSync(dataset, samples.map((x) => JSON.stringify(x)).join("\n"));
    const rowsFile = join(dir, "task-rows.jsonl");
    const cli = (m: string, ...more: string[]) =>
      main([
        "node",
        "assay",
        "contamination",
        "mink",
        "--model",
        m,
        "--task",
        "qa",
        "--dataset",
        dataset,
        "--json",
        ...more,
      ]);
    assert.equal(await cli(model, "--tokenizer", tokFile, "--out", rowsFile), 0);
    const rows = readFileSync(rowsFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as MinkRow);

    // the same items as token ids, encoded here: identical scores
    const tokensFile = join(dir, "task-tokens.jsonl");
    writeFileSync(
      tokensFile,
      samples
        .map((x) => {
          const text = `${x.input}\n${x.target}`;
          return JSON.stringify({ id: x.id, tokens: encodeText(tok, text, { specials: false }), text });
        })
        .join("\n"),
    );
    const ref = runMink({ model, tokens: tokensFile, k: 0.2, bos: true, progress: "silent" });
    assert.deepEqual(rows, ref.rows);
    assert.ok(rows[0]!.tokens > 5);

    // GGUF carrying the tokenizer: no --tokenizer needed, same numbers
    const ck = openCheckpoint(model);
    convertCheckpoint(ck, join(dir, "s260-tok.gguf"), { to: "gguf", tokenizer: tok });
    ck.close();
    const texts = samples.map((x) => ({ id: x.id, text: `${x.input}\n${x.target}` }));
    const gguf = runMink({ model: join(dir, "s260-tok.gguf"), texts, k: 0.2, bos: true, progress: "silent" });
    gguf.rows.forEach((r, i) => {
      assert.equal(r.tokens, rows[i]!.tokens);
      assert.ok(Math.abs(r.minK - rows[i]!.minK) < 1e-4, `item ${r.id}`);
    });

    // a llama2.c checkpoint carries no tokenizer: a user error, not a crash
    assert.throws(
      () => runMink({ model, texts, k: 0.2, bos: true, progress: "silent" }),
      /carries no tokenizer: give --tokenizer/,
    );
  });
});
