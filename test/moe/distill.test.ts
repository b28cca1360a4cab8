import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { LlamaEngine } from "../../src/llama/engine.js";
import { loadLlamaWeights, randomLlamaWeights, saveHfModel } from "../../src/llama/weights.js";
import { openDense } from "../../src/moe/dense.js";
import { distillData } from "../../src/moe/distill.js";
import { parseDomainWeights, readTrainingData } from "../../src/moe/train-data.js";
import { assertUserError, tempDir } from "../formats/helpers.js";
import { runOk, usageError } from "../helpers/in-process-cli.js";
import { tinyLlamaConfig } from "./tiny-config.js";

const dir = tempDir("moe-distill");
const config = tinyLlamaConfig({ vocabSize: 64 });

describe("moe distill-data", () => {
  const model = join(dir, "dense");
  saveHfModel(model, randomLlamaWeights(config, 7, 0.5));

  test("one domain per temperature, train/valid split, dense_nll = the engine's loss; seeded", () => {
    const dense = openDense(model);
    const out = join(dir, "d.jsonl");
    const r = distillData(dense, out, {
      tokens: 400,
      length: 20,
      validFraction: 0.25,
      temperatures: [0.5, 1.5],
      seed: 3,
    });
    assert.deepEqual(
      r.domains.map((d) => d.domain),
      ["temp-0.5", "temp-1.5"],
    );
    assert.deepEqual(r.sequences, { train: 20, valid: 6 });
    const data = readTrainingData(out, config.vocabSize);
    assert.equal(data.train.get("temp-0.5")!.length, 10);
    assert.equal(data.valid.get("temp-1.5")!.length, 3);
    // A hotter domain is harder for the dense model.
    assert.ok(r.domains[1]!.densePerplexity > r.domains[0]!.densePerplexity);
    const engine = new LlamaEngine(loadLlamaWeights(dense.ck), { maxSeqLen: 20 });
    const first = JSON.parse(readFileSync(out, "utf8").split("\n")[0]!);
    assert.equal(first.tokens.length, 20);
    assert.equal(first.tokens[0], 1);
    const ll = engine.logLikelihood(first.tokens);
    assert.ok(Math.abs(first.dense_nll + ll.total / 19) < 1e-9);
    const again = join(dir, "d2.jsonl");
    distillData(dense, again, {
      tokens: 400,
      length: 20,
      validFraction: 0.25,
      temperatures: [0.5, 1.5],
      seed: 3,
    });
    assert.equal(readFileSync(again, "utf8"), readFileSync(out, "utf8"));
    dense.ck.close();
  });

  test("CLI with --json; bad temperatures and lengths are usage errors", async () => {
    const out = join(dir, "cli.jsonl");
    const r = JSON.parse(
      await runOk(
        "moe",
        "distill-data",
        "--model",
        model,
        "--tokens",
        "100",
        "--length",
        "10",
        "--out",
        out,
        "--json",
      ),
    );
    assert.equal(r.domains.length, 3);
    await assert.rejects(
      runOk(
        "moe",
        "distill-data",
        "--model",
        model,
        "--tokens",
        "100",
        "--temperatures",
        "1,-2",
        "--out",
        out,
      ),
      usageError,
    );
    await assert.rejects(
      runOk("moe", "distill-data", "--model", model, "--tokens", "100", "--length", "999", "--out", out),
      /--length/,
    );
  });

  test("training data: an empty corpus, bad records and bad domain weights are one clear error each", () => {
    const empty = join(dir, "empty.jsonl");
    writeFileSync(empty, "\n");
    assertUserError(() => readTrainingData(empty, 64), "empty.jsonl", "no training sequences");
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, '{"tokens":[1,2,3]}\n{"tokens":[1,99]}\n');
    assertUserError(() => readTrainingData(bad, 64), "bad.jsonl:2", "outside the vocabulary");
    writeFileSync(bad, '{"text":"once upon a time"}\n');
    assertUserError(() => readTrainingData(bad, 64), "bad.jsonl:1", "tokenizer");
    const domains = ["a", "b"];
    assert.deepEqual(
      [...parseDomainWeights("a=3,b=1", domains)],
      [
        ["a", 0.75],
        ["b", 0.25],
      ],
    );
    assert.deepEqual(
      [...parseDomainWeights('{"b": 2}', domains)],
      [
        ["a", 0],
        ["b", 1],
      ],
    );
    assertUserError(() => parseDomainWeights("a=-1", domains), "--domain-weights", '"a"', "≥ 0");
    assertUserError(() => parseDomainWeights("a=x", domains), "--domain-weights", '"a"');
    assertUserError(() => parseDomainWeights("c=1", domains), "--domain-weights", '"c"');
    assertUserError(() => parseDomainWeights("a=0,b=0", domains), "--domain-weights", "positive");
  });
});
