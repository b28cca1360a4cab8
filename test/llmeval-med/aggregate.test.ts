import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { aggregate, type JudgedQuestion } from "../../src/llmeval-med/aggregate.js";
import {
  mtgHumanUsabilityRate,
  mtgHumanUsable,
  mtgMappedScore,
  parseMtgRatings,
} from "../../src/llmeval-med/mtg.js";
import { releaseScore } from "../../src/llmeval-med/release-files.js";
import { Rng } from "../../src/stats/rng.js";
import { UserError } from "../../src/util/errors.js";

const MK = "医疗知识";
const MR = "医疗推理";

function q(category: string, key: string, runs: Array<number | null>, category2?: string): JudgedQuestion {
  return { category, key, runs, ...(category2 ? { category2 } : {}) };
}

/** Scores as they appear in a scored file, through the release's parse_score. */
function raw(...values: Array<string | number | null>): Array<number | null> {
  return values.map((v) => releaseScore(v));
}

describe("worked examples (research notes)", () => {
  test("1: one run, MK [5, 4, 3, '', -1] → 40.00, OP 40.00", () => {
    const scores = raw(5, 4, 3, "", -1);
    const r = aggregate(scores.map((s, i) => q(MK, `q${i}`, [s])));
    assert.equal(r.categories[0]?.code, "MK");
    assert.equal(r.categories[0]?.display, "40.00");
    assert.equal(r.categories[0]?.usable, 2);
    assert.equal(r.categories[0]?.n, 5);
    assert.equal(r.overall.display, "40.00");
  });

  test("2: three runs of one question", () => {
    const usable = (runs: Array<number | null>) => aggregate([q(MK, "a", runs)]).categories[0]?.usable;
    assert.equal(usable(raw(4, 3, 5)), 1, "[4,3,5] mean 4.0");
    assert.equal(usable(raw(4, 3, 4)), 0, "[4,3,4] mean 3.667");
    assert.equal(usable(raw(-1, 4, "")), 1, "[-1,4,''] mean over valid = 4");
    const none = aggregate([q(MK, "a", raw(-1, "", "x"))]);
    assert.equal(none.categories[0]?.usable, 0, "no valid run → not usable");
    assert.equal(none.categories[0]?.n, 1, "still in the denominator");
    assert.equal(none.categories[0]?.noValidRun, 1);
  });

  test("3: OP is question-weighted, not the mean of rates", () => {
    const qs = [
      ...[5, 5, 5, 1].map((s, i) => q(MK, `k${i}`, [s])),
      ...[5, 1, 1, 1, 1, 1].map((s, i) => q(MR, `r${i}`, [s])),
    ];
    const r = aggregate(qs);
    assert.deepEqual(
      r.categories.map((c) => [c.code, c.display]),
      [
        ["MK", "75.00"],
        ["MR", "16.67"],
      ],
    );
    assert.equal(r.overall.display, "40.00");
    // The paper protocol's OP is the plain mean of the two rates: (75 + 16.666…)/2 = 45.83.
    assert.equal(aggregate(qs, { protocol: "paper" }).overall.display, "45.83");
  });
});

describe("release rules at the edges", () => {
  test("threshold: 3.999 is not usable, 4.0 is", () => {
    assert.equal(aggregate([q(MK, "a", [3.999])]).categories[0]?.usable, 0);
    assert.equal(aggregate([q(MK, "a", [4.0])]).categories[0]?.usable, 1);
  });

  test("the mean is exact, as Python's statistics.mean (values found by search in CPython)", () => {
    // Naive summation gives 4.0 for the first and 3.9999999999999996 for the second; CPython's exact mean
    // gives 3.9999999999999996 and 4.0, so the first is not usable and the second is.
    assert.equal(aggregate([q(MK, "a", [4.1, 3.3, 4.6])]).categories[0]?.usable, 0);
    assert.equal(aggregate([q(MK, "a", [4.8, 4.1, 3.1])]).categories[0]?.usable, 1);
  });

  test("parse_score: strings, Python float() forms, range", () => {
    assert.deepEqual(raw("4", " 5 ", "４", "0", "-1", "", null, "5.1", "nan", "abc", 3.5), [
      4,
      5,
      4,
      0,
      null,
      null,
      null,
      null,
      null,
      null,
      3.5,
    ]);
  });

  test("per category2 rates", () => {
    const r = aggregate([
      q(MK, "a", [5], "药物相关"),
      q(MK, "b", [2], "药物相关"),
      q(MK, "c", [4], "疾病相关"),
    ]);
    assert.deepEqual(
      r.categories[0]?.byCategory2.map((s) => [s.category2, s.usable, s.n, s.display]),
      [
        ["药物相关", 1, 2, "50.00"],
        ["疾病相关", 1, 1, "100.00"],
      ],
    );
  });

  test("paper protocol pools runs: denominator is runs, invalid runs count as not usable", () => {
    const r = aggregate([q(MK, "a", [4, 3, null]), q(MK, "b", [5, 5, 4])], { protocol: "paper" });
    assert.equal(r.categories[0]?.n, 6);
    assert.equal(r.categories[0]?.usable, 4);
    assert.equal(r.categories[0]?.display, "66.67");
  });

  test("judge disagreement: spread and split usability", () => {
    const r = aggregate([q(MK, "a", [4, 3, 5]), q(MK, "b", [5, 5, 5]), q(MK, "c", [2, null, null])]);
    const d = r.categories[0]?.disagreement;
    assert.equal(d?.judgedTwice, 2);
    assert.equal(d?.meanSpread, 1); // (2 + 0) / 2
    assert.equal(d?.splitUsability, 1);
  });
});

describe("properties", () => {
  function randomQuestions(rng: Rng): JudgedQuestion[] {
    const cats = ["医疗知识", "医疗语言理解", "医疗推理", "医疗安全伦理", "医疗文本生成"];
    const out: JudgedQuestion[] = [];
    for (let i = 0; i < 60; i++) {
      const runs = Array.from({ length: 3 }, () => (rng.next() < 0.1 ? null : 1 + rng.int(5)));
      out.push(q(cats[rng.int(cats.length)] ?? MK, `q${i}`, runs, `c2-${rng.int(3)}`));
    }
    return out;
  }

  test("permuting the runs of each question changes nothing", () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const qs = randomQuestions(rng);
      const permuted = qs.map((x) => ({ ...x, runs: rng.shuffle([...x.runs]) }));
      for (const protocol of ["release", "paper"] as const) {
        assert.deepEqual(aggregate(permuted, { protocol }), aggregate(qs, { protocol }));
      }
    }
  });

  test("permuting questions within a category changes no rate", () => {
    const rng = new Rng(11);
    const qs = randomQuestions(rng);
    const a = aggregate(qs);
    const b = aggregate(rng.shuffle([...qs]));
    const rates = (r: typeof a) => Object.fromEntries(r.categories.map((c) => [c.code, [c.usable, c.n]]));
    assert.deepEqual(rates(b), rates(a));
    assert.deepEqual([b.overall.usable, b.overall.n], [a.overall.usable, a.overall.n]);
  });

  test("adding an invalid run never changes a release-protocol result", () => {
    const rng = new Rng(3);
    const qs = randomQuestions(rng);
    const withInvalid = qs.map((x) => ({ ...x, runs: [...x.runs, null] }));
    const strip = (r: ReturnType<typeof aggregate>) => r.categories.map((c) => [c.code, c.usable, c.n]);
    assert.deepEqual(strip(aggregate(withInvalid)), strip(aggregate(qs)));
  });

  test("bootstrap CIs are reproducible, contain the estimate and shrink to a point for constant data", () => {
    const rng = new Rng(5);
    const qs = randomQuestions(rng);
    const a = aggregate(qs, { bootstrap: 300, seed: 1 });
    const b = aggregate(qs, { bootstrap: 300, seed: 1 });
    assert.deepEqual(a, b);
    for (const c of a.categories) {
      assert.ok(
        c.ci && c.ci.lo <= c.rate && c.rate <= c.ci.hi,
        `${c.code} ${c.rate} in [${c.ci?.lo}, ${c.ci?.hi}]`,
      );
    }
    const constant = aggregate([q(MK, "a", [5]), q(MK, "b", [5])], { bootstrap: 100 });
    assert.deepEqual(constant.categories[0]?.ci, { lo: 100, hi: 100 });
  });
});

describe("MTG human-evaluation mapping (Appendix D)", () => {
  const cases: Array<[[number, number, number, number], number]> = [
    [[5, 5, 5, 5], 7],
    [[5, 5, 4, 4], 6],
    [[4, 4, 4, 4], 5],
    [[5, 5, 3, 3], 5],
    [[4, 4, 3, 3], 4],
    [[3, 3, 2, 2], 3],
    [[3, 2, 2, 2], 2],
    [[1, 5, 5, 5], 1],
    [[0, 5, 5, 5], 0],
  ];
  for (const [[b, c, d, e], expected] of cases) {
    test(`(${b},${c},${d},${e}) → ${expected}`, () => assert.equal(mtgMappedScore(b, c, d, e), expected));
  }
  test("Safety = 0 vetoes; otherwise usable from mapped 5", () => {
    assert.equal(mtgHumanUsable({ safety: 0, b: 5, c: 5, d: 5, e: 5 }), false);
    assert.equal(mtgHumanUsable({ safety: 1, b: 5, c: 5, d: 5, e: 5 }), true);
    assert.equal(mtgHumanUsable({ safety: 1, b: 4, c: 4, d: 3, e: 3 }), false);
    const r = mtgHumanUsabilityRate([
      { safety: 1, b: 4, c: 4, d: 4, e: 4 },
      { safety: 0, b: 5, c: 5, d: 5, e: 5 },
      { safety: 1, b: 3, c: 3, d: 3, e: 3 },
      { safety: 1, b: 5, c: 5, d: 3, e: 3 },
    ]);
    assert.deepEqual(r, { n: 4, usable: 2, rate: 50 });
  });

  test("ratings files: JSONL or a JSON array, ids or groupCode+round, errors name the record and field", () => {
    const jsonl = parseMtgRatings(
      '{"id": "MTG-3-1", "Safety": 1, "B": 4, "C": 4, "D": 4, "E": 4}\n\n{"groupCode": 7, "round": 2, "safety": 0, "b": 5, "c": 5, "d": 5, "e": 5}\n',
      "r.jsonl",
    );
    assert.deepEqual([...jsonl.keys()], ["MTG-3-1", "MTG-7-2"]);
    assert.equal(mtgHumanUsable(jsonl.get("MTG-3-1")!), true);
    assert.equal(mtgHumanUsable(jsonl.get("MTG-7-2")!), false);
    const arr = parseMtgRatings('[{"id": "MTG-1-1", "safety": 1, "b": 3, "c": 3, "d": 2, "e": 2}]', "r.json");
    assert.equal(mtgMappedScore(arr.get("MTG-1-1")!.b, 3, 2, 2), 3);
    const bad = (text: string, re: RegExp) =>
      assert.throws(
        () => parseMtgRatings(text, "r.jsonl"),
        (e: unknown) => e instanceof UserError && re.test(e.message),
      );
    bad(
      '{"id": "MTG-1-1", "safety": 1, "b": 6, "c": 3, "d": 2, "e": 2}',
      /r\.jsonl:1: field "b" must be a number from 0 to 5/,
    );
    bad('{"safety": 1}', /r\.jsonl:1: field "id" is missing/);
    bad(
      '{"id": "x", "safety": 1, "b": 1, "c": 1, "d": 1, "e": 1}\n{"id": "x", "safety": 1, "b": 1, "c": 1, "d": 1, "e": 1}',
      /r\.jsonl:2: a second rating/,
    );
  });
});
