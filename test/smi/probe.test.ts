import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { ChatMessage } from "../../src/core/types.js";
import { Model } from "../../src/providers/model.js";
import { ScriptedProvider } from "../../src/providers/scripted.js";
import { AdaptiveLimiter } from "../../src/scheduler/limiter.js";
import { fillTemplate, mergeOutputs, probeTriples } from "../../src/smi/probe.js";
import type { CountRow, Triple } from "../../src/smi/rows.js";

const dir = mkdtempSync(join(tmpdir(), "smi-probe-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const TRIPLES: Triple[] = [
  { idx: 1, subj: "Herbie Mann", rel: "plays", obj: "jazz" },
  { idx: 2, subj: "John Cage", rel: "plays", obj: "opera" },
  { idx: 3, subj: "Royal Malaysian Navy", rel: "citizen", obj: "Malaysia" },
  { idx: 4, subj: "Paris", rel: "citizen", obj: "France" },
];
const TEMPLATES = { plays: ["[S] plays", "[S] performs"], citizen: ["[S] is from", "[S] [S] belongs to"] };

function lastUser(messages: ChatMessage[]): string {
  const m = messages[messages.length - 1];
  return typeof m?.content === "string" ? m.content : "";
}

/** Herbie Mann: always "jazz". Paris: "France" on every other call per prompt. Others: unrelated text. */
function makeModel(calls: { n: number }): Model {
  const perPrompt = new Map<string, number>();
  const provider = new ScriptedProvider("smi-test", (messages) => {
    calls.n++;
    const prompt = lastUser(messages);
    const k = (perPrompt.get(prompt) ?? 0) + 1;
    perPrompt.set(prompt, k);
    if (prompt.startsWith("Herbie Mann")) return " jazz flute";
    if (prompt.startsWith("Paris")) return k % 2 === 0 ? " France, of course" : " the river";
    return " something else";
  });
  return new Model(provider, { id: "scripted/smi-test", limiter: new AdaptiveLimiter(4) });
}

const OPTS = {
  samples: 2,
  temperature: 0.7,
  maxTokens: 32,
  completion: true,
  parallelTriples: 2,
  progress: "silent" as const,
};

describe("smi probe", () => {
  test("fills every [S] like Python's str.replace", () => {
    assert.equal(fillTemplate("[S] and [S]", "X"), "X and X");
  });

  test("accuracy = correct samples / (templates × samples); exact scoring sees the prompt", async () => {
    const calls = { n: 0 };
    const exact = await probeTriples(makeModel(calls), TRIPLES, TEMPLATES, { ...OPTS, scoring: "exact" });
    assert.equal(calls.n, 4 * 2 * 2);
    assert.deepEqual(
      exact.map((r) => [r.idx, r.correct, r.total, r.acc]),
      [
        [1, 4, 4, 1],
        [2, 0, 4, 0],
        [3, 4, 4, 1], // "Malaysia" is inside the subject, so the prompt always contains it
        [4, 2, 4, 0.5],
      ],
    );
    const completion = await probeTriples(makeModel({ n: 0 }), TRIPLES, TEMPLATES, {
      ...OPTS,
      scoring: "completion",
    });
    assert.deepEqual(
      completion.map((r) => r.acc),
      [1, 0, 0, 0.5],
    );
  });

  test("a checkpoint lets a second run skip finished triples", async () => {
    const checkpoint = join(dir, "ck.jsonl");
    await probeTriples(makeModel({ n: 0 }), TRIPLES.slice(0, 2), TEMPLATES, {
      ...OPTS,
      scoring: "exact",
      checkpoint,
    });
    const calls = { n: 0 };
    const all = await probeTriples(makeModel(calls), TRIPLES, TEMPLATES, {
      ...OPTS,
      scoring: "exact",
      checkpoint,
    });
    assert.equal(calls.n, 2 * 2 * 2); // only triples 3 and 4
    assert.deepEqual(
      all.map((r) => r.acc),
      [1, 0, 1, 0.5],
    );
  });

  test("merge_outputs rows carry counts, acc and the original's mi", () => {
    const counts: CountRow[] = [
      {
        ...TRIPLES[0]!,
        time_seqs: 8,
        time_subj: 2,
        time_obj: 2,
        time_s1j1: 2,
        time_s1j0: 0,
        time_s0j1: 0,
        time_s0j0: 6,
      },
    ];
    const rows = mergeOutputs(counts, [{ idx: 1, correct: 3, total: 4, acc: 0.75 }]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.acc, 0.75);
    assert.equal(rows[0]!.mi, 0.5); // 0.25 · log2(0.25 / 0.25 / 0.25)
  });
});
