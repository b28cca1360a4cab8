import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ChatMessage, ModelHandle, Sample, TaskState } from "../../src/core/types.js";
import {
  approveRecords,
  parseGeneratedTrap,
  parseIndexList,
  parseTrapTypes,
  planJobs,
} from "../../src/mathtrap/generate.js";
import { loadPromptSet } from "../../src/mathtrap/prompts.js";
import { resultsFromRows } from "../../src/mathtrap/report.js";
import { majority, mathtrapScorer } from "../../src/mathtrap/scorer.js";
import { UserError } from "../../src/util/errors.js";

const prompts = loadPromptSet();

function stateOf(sample: Sample, output: string): TaskState {
  return {
    sample,
    epoch: 1,
    messages: [],
    output: { text: output, latencyMs: 0 },
    store: {},
    usage: { inputTokens: 0, outputTokens: 0 },
    completed: false,
  };
}

/** A judge that replies from a list in turn and records what it was asked. */
function scriptedJudge(
  replies: string[],
): ModelHandle & { prompts: string[]; temps: (number | undefined)[] } {
  let i = 0;
  const asked: string[] = [];
  const temps: (number | undefined)[] = [];
  return {
    id: "test/judge",
    prompts: asked,
    temps,
    async generate(messages: ChatMessage[], config) {
      asked.push(String(messages[0]?.content));
      temps.push(config?.temperature);
      const text = replies[i % replies.length] ?? "";
      i++;
      return { text, latencyMs: 0 };
    },
  };
}

const scorer = mathtrapScorer({ prompts, judgeSamples: 3, judgeTemperature: 0.7, requiresJudge: true });
const ctx = (judge?: ModelHandle) => ({
  ...(judge ? { judge } : {}),
  signal: new AbortController().signal,
  epoch: 1,
});

const original: Sample = {
  id: "o",
  input: "x",
  target: "\\frac{1}{2}",
  metadata: { kind: "original", problem: "Half of one?" },
};
const trap: Sample = {
  id: "t",
  input: "x",
  target: "The count cannot be negative.",
  metadata: { kind: "trap", problem: "P" },
};
const concept: Sample = {
  id: "c",
  input: "x",
  target: "False",
  metadata: { kind: "conceptual", problem: "Is 1 > 2?" },
};

describe("scorer paths", () => {
  test("original decided by rule: no judge call", async () => {
    const judge = scriptedJudge(["VERDICT: NO"]);
    const s = await scorer.score(stateOf(original, "so the answer is 0.5"), ctx(judge));
    assert.equal(s.value, 1);
    assert.equal((s.metadata as Record<string, unknown>).path, "rule");
    assert.equal(judge.prompts.length, 0);
  });
  test("original the rule cannot decide goes to the judge once, at temperature 0", async () => {
    const judge = scriptedJudge(["It equals one half.\nVERDICT: YES"]);
    const s = await scorer.score(stateOf(original, "The answer is one half of a unit"), ctx(judge));
    assert.equal(s.value, 1);
    assert.equal((s.metadata as Record<string, unknown>).path, "judge");
    assert.equal(judge.prompts.length, 1);
    assert.deepEqual(judge.temps, [0]);
    assert.match(judge.prompts[0] ?? "", /Half of one\?/);
  });
  test("without a judge an undecided original scores 0 and says so", async () => {
    const s = await scorer.score(stateOf(original, "no idea"), ctx());
    assert.equal(s.value, 0);
    assert.equal((s.metadata as Record<string, unknown>).path, "no-judge");
  });
  test("conceptual by rule, and by judge when unclear", async () => {
    const s = await scorer.score(stateOf(concept, "False, since 1 < 2."), ctx());
    assert.equal(s.value, 1);
    const judge = scriptedJudge(["VERDICT: NO"]);
    const j = await scorer.score(stateOf(concept, "Hmm, it depends."), ctx(judge));
    assert.equal(j.value, 0);
    assert.equal((j.metadata as Record<string, unknown>).path, "judge");
  });
  test("trap: three judge samples, majority and agreement", async () => {
    const judge = scriptedJudge(["VERDICT: YES", "VERDICT: NO", "**VERDICT:** yes"]);
    const s = await scorer.score(
      stateOf(trap, "The problem is contradictory: a count cannot be negative."),
      ctx(judge),
    );
    assert.equal(s.value, 1);
    const m = s.metadata as Record<string, unknown>;
    assert.deepEqual(m.votes, { yes: 2, no: 1, invalid: 0 });
    assert.ok(Math.abs((m.agreement as number) - 2 / 3) < 1e-12);
    assert.deepEqual(judge.temps, [0.7, 0.7, 0.7]);
    assert.match(judge.prompts[0] ?? "", /The count cannot be negative\./);
  });
  test("trap: unreadable verdicts are not votes; none readable is an error", async () => {
    const judge = scriptedJudge(["VERDICT: NO", "hmm", "hmm"]);
    const s = await scorer.score(stateOf(trap, "42"), ctx(judge));
    assert.equal(s.value, 0);
    assert.deepEqual((s.metadata as Record<string, unknown>).votes, { yes: 0, no: 1, invalid: 2 });
    await assert.rejects(
      scorer.score(stateOf(trap, "42"), ctx(scriptedJudge(["no idea"]))),
      /no readable verdict/,
    );
  });
  test("trap: empty response is wrong without asking the judge", async () => {
    const judge = scriptedJudge(["VERDICT: YES"]);
    const s = await scorer.score(stateOf(trap, "  "), ctx(judge));
    assert.equal(s.value, 0);
    assert.equal(judge.prompts.length, 0);
  });
  test("majority: ties are not a yes", () => {
    assert.deepEqual(majority({ yes: 1, no: 1, invalid: 1 }), { verdict: false, agreement: 0.5, tie: true });
    assert.deepEqual(majority({ yes: 3, no: 0, invalid: 0 }), { verdict: true, agreement: 1, tie: false });
  });
});

describe("results from stored rows", () => {
  test("epochs are averaged; paths and agreement are counted", () => {
    const samples = [
      {
        sampleId: "o",
        epoch: 1,
        metadata: { kind: "original", subject: "GSM8K", group: "g", trap_types: "Missing Condition" },
        error: null,
      },
      {
        sampleId: "o",
        epoch: 2,
        metadata: { kind: "original", subject: "GSM8K", group: "g", trap_types: "Missing Condition" },
        error: null,
      },
      {
        sampleId: "t",
        epoch: 1,
        metadata: { kind: "trap", subject: "GSM8K", group: "g", trap_type: "Missing Condition" },
        error: null,
      },
      { sampleId: "x", epoch: 1, metadata: { kind: "trap" }, error: "boom" },
    ];
    const scores = [
      { sampleId: "o", epoch: 1, scorer: "mathtrap", value: 1, metadata: { kind: "original", path: "rule" } },
      {
        sampleId: "o",
        epoch: 2,
        scorer: "mathtrap",
        value: 0,
        metadata: { kind: "original", path: "judge" },
      },
      {
        sampleId: "t",
        epoch: 1,
        scorer: "mathtrap",
        value: 1,
        metadata: { kind: "trap", path: "judge", agreement: 2 / 3, votes: { yes: 2, no: 1, invalid: 0 } },
      },
    ];
    const r = resultsFromRows(samples, scores);
    assert.equal(r.errors, 1);
    assert.deepEqual(r.decidedBy, { original: { rule: 1, judge: 1 }, trap: { judge: 1 } });
    assert.equal(r.items.find((i) => i.id === "o")?.correct, 0.5);
    assert.deepEqual(r.items.find((i) => i.id === "o")?.trapTypes, ["Missing Condition"]);
    assert.equal(r.judge.judged, 1);
    assert.equal(r.judge.unanimous, 0);
  });
});

describe("generation helpers", () => {
  test("trap types by name, loosely spelled", () => {
    assert.deepEqual(parseTrapTypes("missing-condition, Direct Contradiction"), [
      "Missing Condition",
      "Direct Contradiction",
    ]);
    assert.equal(parseTrapTypes("all").length, 5);
    assert.throws(() => parseTrapTypes("nonsense"), UserError);
  });
  test("generator replies: bare, fenced, embedded, broken", () => {
    const obj = { trap_problem: "P", human_annotation: "A" };
    assert.deepEqual(parseGeneratedTrap(JSON.stringify(obj)), { trapProblem: "P", humanAnnotation: "A" });
    assert.deepEqual(parseGeneratedTrap(`Sure:\n\`\`\`json\n${JSON.stringify(obj)}\n\`\`\``), {
      trapProblem: "P",
      humanAnnotation: "A",
    });
    assert.deepEqual(parseGeneratedTrap(`Result: ${JSON.stringify(obj)} done`), {
      trapProblem: "P",
      humanAnnotation: "A",
    });
    assert.ok("error" in parseGeneratedTrap('{"trap_problem": "P"}'));
    assert.ok("error" in parseGeneratedTrap("no json"));
  });
  test("jobs: types in turn, or all types per problem", () => {
    const src = [1, 2, 3].map((i) => ({
      where: `f:${i}`,
      category: "GSM8K",
      problem: `p${i}`,
      solution: "#### 1",
    }));
    const types = parseTrapTypes("Missing Condition,Direct Contradiction");
    assert.deepEqual(
      planJobs(src, types, {}).map((j) => j.trapType),
      ["Missing Condition", "Direct Contradiction", "Missing Condition"],
    );
    assert.equal(planJobs(src, types, { allTypes: true, limit: 2 }).length, 4);
  });
  test("index lists and approval", () => {
    assert.deepEqual(parseIndexList("0,3-5,3", 10, "--index"), [0, 3, 4, 5]);
    assert.throws(() => parseIndexList("12", 10, "--index"), /out of range/);
    assert.throws(() => parseIndexList("5-3", 10, "--index"), /backwards/);
    const records = [{ verified: false }, { verified: false }, { verified: true }];
    const r = approveRecords(records, [0], [1], "me");
    assert.equal(r.records.length, 2);
    assert.equal(r.records[0]?.verified, true);
    assert.equal((r.records[0]?.generation as Record<string, unknown> | undefined)?.approved_by, "me");
    assert.throws(() => approveRecords(records, [1], [1]), /both approved and rejected/);
  });
});
