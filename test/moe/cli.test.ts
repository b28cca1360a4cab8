import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { randomLlamaWeights, saveHfModel } from "../../src/llama/weights.js";
import { tempDir } from "../formats/helpers.js";
import { runOk, usageError } from "../helpers/in-process-cli.js";
import { tinyLlamaConfig } from "./tiny-config.js";

const dir = tempDir("moe-cli");

const run = runOk;

const config = tinyLlamaConfig({
  intermediateSize: 24,
  numHeads: 2,
  numKvHeads: 1,
  headDim: 8,
  vocabSize: 280,
  maxSeqLen: 32,
});

describe("assay moe CLI", () => {
  test("split → build → verify with --json; bad flags are UserErrors", async () => {
    const model = join(dir, "m");
    saveHfModel(model, randomLlamaWeights(config, 5, 0.2), "BF16");
    const split = join(dir, "split.json");
    const s = JSON.parse(
      await run(
        "moe",
        "split",
        "--model",
        model,
        "--experts",
        "4",
        "--method",
        "random",
        "--seed",
        "3",
        "--out",
        split,
        "--json",
      ),
    );
    assert.deepEqual(s.expertSizes, [6]);
    const out = join(dir, "moe.gguf");
    const b = JSON.parse(
      await run(
        "moe",
        "build",
        "--model",
        model,
        "--split",
        split,
        "--format",
        "gguf",
        "--top-k",
        "1",
        "--out",
        out,
        "--json",
      ),
    );
    assert.equal(b.experts, 4);
    assert.deepEqual(b.scale, [4, 4]);
    const v = JSON.parse(await run("moe", "verify", out, "--dense", model, "--no-llama-cpp", "--json"));
    assert.equal(v.ok, true);
    assert.ok(v.equivalence.maxAbsDiff < 1e-5);
    await assert.rejects(
      run("moe", "split", "--model", model, "--experts", "4", "--method", "magic", "--out", split),
      usageError,
    );
    await assert.rejects(
      run("moe", "build", "--model", model, "--split", split, "--format", "onnx", "--out", out),
      /--format must be one of/,
    );
    await assert.rejects(
      run("moe", "build", "--model", model, "--split", join(dir, "nope.json"), "--out", out),
      /nope\.json/,
    );
  });
});
