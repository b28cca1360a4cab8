import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseHfConfig, requireSupported, toHfConfig } from "../../src/formats/hf-config.js";
import { assertUserError } from "./helpers.js";

const llama2_7b = {
  architectures: ["LlamaForCausalLM"],
  model_type: "llama",
  hidden_size: 4096,
  intermediate_size: 11008,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 32,
  max_position_embeddings: 4096,
  rms_norm_eps: 1e-5,
  vocab_size: 32000,
  hidden_act: "silu",
  tie_word_embeddings: false,
  bos_token_id: 1,
  eos_token_id: 2,
};

describe("HF config.json", () => {
  test("variants the engine cannot run are recorded (not refused) and written back", () => {
    const scaling = { rope_type: "llama3", factor: 8 };
    const c = parseHfConfig("c.json", { ...llama2_7b, rope_scaling: scaling, attention_bias: true });
    assert.equal(c.unsupported?.length, 2);
    assert.ok(c.unsupported?.[0]?.startsWith("attention_bias"));
    const back = toHfConfig(c, "bfloat16");
    assert.deepEqual(back.rope_scaling, scaling);
    assert.equal(back.attention_bias, true);
    assertUserError(
      () => requireSupported(c, "c.json", "the reference engine"),
      "c.json",
      "rope_scaling",
      "attention_bias",
    );
    requireSupported(parseHfConfig("ok.json", llama2_7b), "ok.json", "the reference engine");
  });

  test("normalises a LLaMA-2-7B config and fills defaults", () => {
    const c = parseHfConfig("config.json", llama2_7b);
    assert.equal(c.headDim, 128);
    assert.equal(c.numKvHeads, 32);
    assert.equal(c.ropeTheta, 10000);
    assert.equal(c.bosTokenId, 1);
    const gqa = parseHfConfig("c.json", { ...llama2_7b, num_key_value_heads: undefined, rope_theta: 500000 });
    assert.equal(gqa.numKvHeads, 32);
    assert.equal(gqa.ropeTheta, 500000);
  });

  test("round-trips through toHfConfig", () => {
    const c = parseHfConfig("config.json", llama2_7b);
    assert.deepEqual(parseHfConfig("again.json", toHfConfig(c, "bfloat16")), c);
  });

  test("errors name the file and the field", () => {
    assertUserError(
      () => parseHfConfig("x/config.json", { ...llama2_7b, hidden_size: "big" }),
      "x/config.json",
      "hidden_size",
    );
    assertUserError(
      () => parseHfConfig("c.json", { ...llama2_7b, model_type: "gpt2", architectures: [] }),
      "not a LLaMA-family",
    );
    assertUserError(
      () => parseHfConfig("c.json", { ...llama2_7b, model_type: "llama_moe", architectures: [] }),
      "assay moe convert",
    );
    assertUserError(
      () => parseHfConfig("c.json", { ...llama2_7b, num_key_value_heads: 5 }),
      "num_key_value_heads",
    );
    assert.match(
      parseHfConfig("c.json", { ...llama2_7b, hidden_act: "gelu" }).unsupported?.[0] ?? "",
      /hidden_act/,
    );
    assertUserError(() => parseHfConfig("c.json", { ...llama2_7b, rope_scaling: 3 }), "rope_scaling");
    assertUserError(() => parseHfConfig("c.json", [1, 2]), "JSON object");
  });
});
