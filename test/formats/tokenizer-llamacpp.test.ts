/**
 * Converted checkpoints carry their tokenizer: a small random model with a test-built tokenizer goes through
 * `model convert` into GGUF, and llama.cpp (node-llama-cpp) must tokenize and detokenize texts exactly as our
 * tokenizer does; our engine's `model generate` prints text. stories260K (vocabulary 512, no tokenizer
 * shipped) is converted with a test-built 512-piece tokenizer.bin.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Token } from "node-llama-cpp";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import type { LlamaConfig } from "../../src/formats/hf-config.js";
import type { Tokenizer } from "../../src/formats/tokenizer.js";
import { decodeTokens, encodeText } from "../../src/formats/tokenizer-codec.js";
import { checkpointTokenizer } from "../../src/formats/tokenizer-files.js";
import { writeHfTokenizer } from "../../src/formats/tokenizer-hf.js";
import { encodeLlama2cTokenizer } from "../../src/formats/tokenizer-llama2c.js";
import { randomLlamaWeights, saveHfModel } from "../../src/llama/weights.js";
import { sharedLlama } from "../../src/providers/gguf-provider.js";
import { runCli, runOk } from "../helpers/in-process-cli.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { tempDir } from "./helpers.js";
import { buildByteLevel, buildSentencePiece, SAMPLE_TEXTS } from "./tokenizer-fixtures.js";

const dir = tempDir("tok-llamacpp");

function tinyConfig(vocabSize: number, bos: number | undefined, eos: number | undefined): LlamaConfig {
  return {
    hiddenSize: 32,
    intermediateSize: 64,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 8,
    vocabSize,
    maxSeqLen: 128,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
    ...(bos !== undefined ? { bosTokenId: bos } : {}),
    ...(eos !== undefined ? { eosTokenId: eos } : {}),
    modelType: "llama",
  };
}

/** A random model saved as a HF folder with `tok` as its tokenizer.json. */
function hfModelWithTokenizer(name: string, tok: Tokenizer): string {
  const folder = join(dir, name);
  saveHfModel(folder, randomLlamaWeights(tinyConfig(tok.pieces.length, tok.bosId, tok.eosId), 5, 0.2));
  writeHfTokenizer(tok, folder);
  return folder;
}

/** llama.cpp's token ids and detokenized texts for `texts` (no BOS, special tokens not parsed). */
async function llamaCppTokenizer(
  path: string,
  texts: string[],
): Promise<{ ids: number[][]; decoded: string[] }> {
  const llama = await sharedLlama(false);
  const model = await llama.loadModel({ modelPath: path });
  try {
    const ids = texts.map((t) => model.tokenize(t).map(Number));
    const decoded = ids.map((list) => model.detokenize(list as Token[]));
    return { ids, decoded };
  } finally {
    await model.dispose();
  }
}

async function assertSameAsLlamaCpp(gguf: string, ours: Tokenizer): Promise<void> {
  const theirs = await llamaCppTokenizer(gguf, SAMPLE_TEXTS);
  SAMPLE_TEXTS.forEach((text, i) => {
    const ids = encodeText(ours, text, { specials: false });
    assert.deepEqual(theirs.ids[i], ids, `token ids of ${JSON.stringify(text)}`);
    assert.equal(theirs.decoded[i], decodeTokens(ours, ids), `text of ${JSON.stringify(text)}`);
    assert.equal(decodeTokens(ours, ids), text);
  });
}

describe("tokenizers carried into GGUF agree with llama.cpp", () => {
  test("SentencePiece-style (400 pieces, byte fallback): HF folder → GGUF → HF folder", async () => {
    const tok = buildSentencePiece(400);
    const hf = hfModelWithTokenizer("spm-hf", tok);
    const gguf = join(dir, "spm.gguf");
    const out = await runOk("model", "convert", hf, gguf, "--to", "gguf");
    assert.match(out, /tokenizer llama, 400 pieces \(BOS 1 "<s>", EOS 2 "<\/s>"\)/);
    assert.doesNotMatch(out, /placeholder/);
    await assertSameAsLlamaCpp(gguf, tok);
    // Back to a Hugging Face folder: tokenizer.json is written and encodes the same way.
    await runOk("model", "convert", gguf, join(dir, "spm-back"), "--to", "safetensors");
    const back = openCheckpoint(join(dir, "spm-back"));
    const again = checkpointTokenizer(back)!;
    back.close();
    assert.deepEqual(again.pieces, tok.pieces);
    for (const text of SAMPLE_TEXTS) assert.deepEqual(encodeText(again, text), encodeText(tok, text));
    // inspect names the tokenizer.
    const text = await runOk("model", "inspect", gguf);
    assert.match(
      text,
      /tokenizer\s+SentencePiece-style \(llama\) · 400 pieces · \d+ merges · BOS 1 "<s>" \(added\) · EOS 2 "<\/s>"/,
    );
  });

  test("byte-level BPE (GPT-2 style): HF folder → GGUF", async () => {
    const tok = buildByteLevel(100);
    const hf = hfModelWithTokenizer("bpe-hf", tok);
    const gguf = join(dir, "bpe.gguf");
    await runOk("model", "convert", hf, gguf, "--to", "gguf");
    await assertSameAsLlamaCpp(gguf, tok);
  });

  test("model generate prints the text of the tokens it generates, from --prompt-text", async () => {
    const tok = buildSentencePiece(400);
    const gguf = join(dir, "gen.gguf");
    await runOk("model", "convert", hfModelWithTokenizer("gen-hf", tok), gguf, "--to", "gguf");
    const json = JSON.parse(
      await runOk(
        "model",
        "generate",
        gguf,
        "--prompt-text",
        "Once upon a time",
        "--max-tokens",
        "12",
        "--json",
      ),
    );
    assert.deepEqual(json.prompt, encodeText(tok, "Once upon a time"));
    assert.equal(json.tokens.length, 12);
    assert.equal(json.text, decodeTokens(tok, [...json.prompt, ...json.tokens]));
    assert.ok(json.text.startsWith("Once upon a time"), json.text);
    const human = await runOk("model", "generate", gguf, "--prompt-text", "the dog", "--max-tokens", "5");
    assert.ok(human.split("\n")[1]!.startsWith("the dog"), human);
    // Without a tokenizer, --prompt-text is a user error.
    const plain = join(dir, "plain-hf");
    saveHfModel(plain, randomLlamaWeights(tinyConfig(300, 1, 2), 6, 0.2));
    const r = await runCli("model", "generate", plain, "--prompt-text", "hi");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no tokenizer/);
  });

  test("a tokenizer larger than the model's vocabulary is refused, naming the file", async () => {
    const tokFile = join(dir, "big.bin");
    writeFileSync(tokFile, encodeLlama2cTokenizer(buildSentencePiece(400), tokFile));
    const plain = join(dir, "small-hf");
    saveHfModel(plain, randomLlamaWeights(tinyConfig(300, 1, 2), 6, 0.2));
    const r = await runCli(
      "model",
      "convert",
      plain,
      join(dir, "x.gguf"),
      "--to",
      "gguf",
      "--tokenizer",
      tokFile,
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /big\.bin/);
    assert.match(r.stderr, /vocab_size (is )?300/);
  });

  test("stories260K with a test-built 512-piece tokenizer.bin: GGUF, HF folder and tokenizer.bin out", async (t) => {
    const bin = sharedPath("models", "stories260K.bin");
    if (!bin) {
      t.skip(SHARED_MISSING);
      return;
    }
    const tok = buildSentencePiece(512);
    const tokFile = join(dir, "tok512.bin");
    writeFileSync(tokFile, encodeLlama2cTokenizer(tok, tokFile));
    const gguf = join(dir, "stories.gguf");
    const outBin = join(dir, "tok512-out.bin");
    const out = await runOk(
      "model",
      "convert",
      bin,
      gguf,
      "--to",
      "gguf",
      "--tokenizer",
      tokFile,
      "--tokenizer-out",
      outBin,
    );
    assert.match(out, /tokenizer llama, 512 pieces/);
    assert.ok(readFileSync(outBin).equals(readFileSync(tokFile)), "tokenizer.bin written back byte for byte");
    await assertSameAsLlamaCpp(gguf, tok);
    await runOk(
      "model",
      "convert",
      bin,
      join(dir, "stories-hf"),
      "--to",
      "safetensors",
      "--tokenizer",
      tokFile,
    );
    assert.ok(existsSync(join(dir, "stories-hf", "tokenizer.json")));
    assert.ok(existsSync(join(dir, "stories-hf", "tokenizer_config.json")));
    // The llama2.c file itself decodes with --tokenizer; its GGUF conversion with its own keys: same text.
    const a = JSON.parse(
      await runOk("model", "generate", bin, "--tokenizer", tokFile, "--max-tokens", "30", "--json"),
    );
    const b = JSON.parse(await runOk("model", "generate", gguf, "--max-tokens", "30", "--json"));
    assert.deepEqual(a.tokens, b.tokens);
    assert.equal(a.text, b.text);
    assert.equal(a.text, decodeTokens(tok, [1, ...a.tokens]));
    assert.ok(a.text.length > 0);
    // The HF folder's tokenizer.json, given to the llama2.c file, decodes the same way.
    const c = JSON.parse(
      await runOk(
        "model",
        "generate",
        bin,
        "--tokenizer",
        join(dir, "stories-hf", "tokenizer.json"),
        "--max-tokens",
        "30",
        "--json",
      ),
    );
    assert.equal(c.text, a.text);
    // Without a tokenizer the placeholder stays, and the output says so.
    const plain = await runOk("model", "convert", bin, join(dir, "plain.gguf"), "--to", "gguf");
    assert.match(plain, /note: no tokenizer: the GGUF file carries a placeholder vocabulary/);
  });
});
