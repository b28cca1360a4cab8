import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getMetric, metricNames, registerMetric } from "../../src/metrics/index.js";
import { listProviders, registerProvider } from "../../src/providers/registry.js";
import { ScriptedProvider } from "../../src/providers/scripted.js";
import { createScorer, listScorers, registerScorer } from "../../src/scorers/registry.js";
import { UserError } from "../../src/util/errors.js";

describe("registries list what a library user can name", () => {
  test("listScorers: the built-ins with descriptions, then a newly registered scorer", () => {
    const names = listScorers().map((s) => s.name);
    assert.ok(names.includes("exact") && names.includes("choice"), names.join(","));
    assert.ok(listScorers().every((s) => s.description.length > 0));
    registerScorer("test-always-right", "gives every sample 1", () => createScorer("exact"));
    assert.deepEqual(
      listScorers().find((s) => s.name === "test-always-right"),
      { name: "test-always-right", description: "gives every sample 1" },
    );
  });

  test("listProviders: the built-ins with descriptions, then a newly registered provider", () => {
    const names = listProviders().map((p) => p.name);
    for (const n of ["openai", "vllm", "ollama", "llamacpp", "gguf", "scripted"])
      assert.ok(names.includes(n), `${n} missing from ${names.join(",")}`);
    registerProvider("test-echo", "echoes the question", (model) => new ScriptedProvider(model, () => "x"));
    assert.equal(listProviders().find((p) => p.name === "test-echo")?.description, "echoes the question");
  });

  test("metricNames: the built-ins, a new metric, and the names an unknown metric's error offers", () => {
    for (const n of ["mean", "accuracy", "std", "stderr", "bootstrap_ci"])
      assert.ok(metricNames().includes(n), n);
    registerMetric("test-count", (v) => v.length);
    assert.ok(metricNames().includes("test-count"));
    assert.throws(
      () => getMetric("nope"),
      (e: unknown) => e instanceof UserError && e.message.includes(metricNames().join(", ")),
    );
  });
});
