/**
 * Through the CLI on the fixture run: import fixed ratings (and refuse bad files with file:line:field),
 * export them back, the agreement numbers worked out by hand, the disagreement list, and the refinement
 * loop (snapshot → edit one checklist → rejudge only that question against a local judge server).
 */
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { judgeOnScale } from "../../src/annotate/agreement-run.js";
import { loadItems } from "../../src/annotate/items.js";
import { startAnnotateServer } from "../../src/annotate/server.js";
import { RatingsDb } from "../../src/store/ratings.js";
import { RunStore } from "../../src/store/run-store.js";
import { lastUserText, startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { ALICE, BOB, QUESTIONS, writeFixtureRun } from "./fixture.js";
import { cli } from "./helpers.js";

interface Comparison {
  id: string;
  kind: string;
  a: string;
  b: string;
  confusion: { labels: number[]; counts: number[][] };
  n: number;
  stats: Record<string, { value: number | null; lower: number | null; upper: number | null }>;
}
interface ReportJson {
  report: {
    overall: { views: { scale: { comparisons: Comparison[] }; binary: { comparisons: Comparison[] } } };
    groups: Array<{
      group: string;
      section: { items: number; views: { scale: { comparisons: Comparison[] } } };
    }>;
  };
}

const close = (a: number | null | undefined, b: number) =>
  a !== null && a !== undefined && Math.abs(a - b) < 1e-12;

async function fixture(): Promise<{ dir: string; db: string }> {
  const dir = tempDir("assay-annotate-cli-");
  const db = join(dir, "assay.db");
  await writeFixtureRun(db);
  return { dir, db };
}

function ratingsCsv(): string {
  const rows = ["item_id,annotator,score,dim.safety,dim.b,dim.c,dim.d,dim.e,comment"];
  QUESTIONS.forEach((q, i) => {
    const mtg = q.code === "MTG";
    rows.push(`${q.id},alice,${ALICE[i]},${mtg ? "0,2,2,2,2" : ",,,,"},"alice on ${q.id}, ""quoted"""`);
    rows.push(`${q.id},bob,${BOB[i]},${mtg ? "1,5,5,4,4" : ",,,,"},`);
  });
  return `${rows.join("\n")}\n`;
}

describe("annotate CLI", () => {
  test("import refuses bad rows with file:line and field, and writes nothing", async () => {
    const { dir, db } = await fixture();
    const cases: Array<[string, RegExp]> = [
      [
        "item_id,annotator,score\nMK-1-1,alice,5\nNOPE-1,alice,4\n",
        /bad\.csv:3: field item_id: "NOPE-1" is not an item/,
      ],
      [
        "item_id,annotator,score\nMK-1-1,alice,6\n",
        /bad\.csv:2: field score: "6" is not one of 1, 2, 3, 4, 5/,
      ],
      [
        'item_id,annotator,score,comment\n"MK-1-1",alice,5,"two\nlines"\nMK-2-1,,4,\n',
        /bad\.csv:4: field annotator: missing/,
      ],
      [
        "item_id,annotator,score,dim.safety\nMTG-1-1,alice,2,7\n",
        /bad\.csv:2: field dimensions\.safety: "7" is not one of 0, 1/,
      ],
      [
        "item_id,annotator,score,dim.b\nMK-1-1,alice,2,3\n",
        /bad\.csv:2: field dimensions\.b: this item has no dimensions/,
      ],
      ["item_id,annotator\nMK-1-1,alice\n", /bad\.csv:1: header has no "score" column/],
      [
        "item_id,annotator,score\nMK-1-1,alice,5\nMK-1-1,alice,4\n",
        /bad\.csv:3: item MK-1-1 rated twice by alice \(first on line 2\)/,
      ],
    ];
    for (const [text, want] of cases) {
      writeFileSync(join(dir, "bad.csv"), text);
      const r = await cli(["annotate", "import", join(dir, "bad.csv"), "--run", "med-run", "--db", db]);
      assert.equal(r.code, 2, text);
      assert.match(r.stderr, want);
    }
    writeFileSync(
      join(dir, "bad.jsonl"),
      '{"item_id":"MK-1-1","annotator":"alice","score":5}\n{"item_id":"MK-2-1",\n',
    );
    const j = await cli(["annotate", "import", join(dir, "bad.jsonl"), "--run", "med-run", "--db", db]);
    assert.equal(j.code, 2);
    assert.match(j.stderr, /bad\.jsonl:2: not valid JSON/);
    const out = await cli(["annotate", "export", "--run", "med-run", "--db", db, "--format", "jsonl"]);
    assert.equal(out.stdout, "", "a refused file writes no rating");
  });

  test("import, export round trip, and agreement numbers computed by hand", async () => {
    const { dir, db } = await fixture();
    writeFileSync(join(dir, "ratings.csv"), ratingsCsv());
    const imp = await cli(["annotate", "import", join(dir, "ratings.csv"), "--run", "med-run", "--db", db]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stdout, /imported 16 rating\(s\)/);

    // Export as JSONL, import that into a fresh run database: the same ratings come back.
    const exp = await cli(["annotate", "export", "--run", "med-run", "--db", db, "--format", "jsonl"]);
    const rows = exp.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rows.length, 16);
    const mtgAlice = rows.find((r) => r.item_id === "MTG-1-1" && r.annotator === "alice")!;
    assert.deepEqual(mtgAlice.dimensions, { safety: 0, b: 2, c: 2, d: 2, e: 2 });
    assert.equal(
      rows.find((r) => r.item_id === "MK-1-1" && r.annotator === "alice")!.comment,
      'alice on MK-1-1, "quoted"',
    );
    const other = await fixture();
    writeFileSync(join(other.dir, "back.jsonl"), exp.stdout);
    assert.equal(
      (await cli(["annotate", "import", join(other.dir, "back.jsonl"), "--run", "med-run", "--db", other.db]))
        .code,
      0,
    );
    const csvA = await cli(["annotate", "export", "--run", "med-run", "--db", db]);
    const csvB = await cli(["annotate", "export", "--run", "med-run", "--db", other.db]);
    const strip = (s: string) =>
      s
        .split("\n")
        .map((l) => l.split(",").slice(0, 9).join(","))
        .join("\n");
    assert.equal(strip(csvB.stdout), strip(csvA.stdout));

    const r = await cli(["agreement", "--run", "med-run", "--db", db, "--json", "--rounds", "200"]);
    assert.equal(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as ReportJson & { appendixD: unknown };
    // MTG by Appendix D: alice vetoes on Safety; bob's (5,5,4,4) maps to 6 ≥ 5 (the paper's example).
    assert.deepEqual(parsed.appendixD, { alice: { rated: 1, usable: 0 }, bob: { rated: 1, usable: 1 } });
    const rep = parsed.report;
    const scale = (id: string) => rep.overall.views.scale.comparisons.find((c) => c.id === id)!;
    const binary = (id: string) => rep.overall.views.binary.comparisons.find((c) => c.id === id)!;
    // judge vs alice over 8 items (fixture.ts): 6 equal → exact 0.75; margins judge {5:2,4:3,3:1,2:1,1:1},
    // alice {5:1,4:3,3:2,2:1,1:1} → p_e = 15/64 → κ = (48−15)/(64−15) = 33/49.
    assert.equal(scale("judge~alice").n, 8);
    assert.ok(close(scale("judge~alice").stats.exact!.value, 0.75));
    assert.ok(close(scale("judge~alice").stats.kappa!.value, 33 / 49));
    // Quadratic weights ((i−j)/4)²: observed Σ = 2/16 over 8 items; expected Σ n_i m_j (i−j)² = 208 over
    // 64·16 → κ_w = 1 − (2/128)/(208/1024) = 12/13.
    assert.ok(close(scale("judge~alice").stats.quadraticKappa!.value, 12 / 13));
    assert.ok(close(scale("judge~bob").stats.kappa!.value, 42 / 50));
    assert.ok(close(scale("alice~bob").stats.kappa!.value, 26 / 50));
    // Usable (≥ 4): judge 11100101, alice 11000101 → 7/8 agree, p_e = (5·4 + 3·4)/64 = 1/2 → κ = 0.75.
    assert.ok(close(binary("judge~alice").stats.kappa!.value, 0.75));
    const ci = scale("judge~alice").stats.kappa!;
    assert.ok(ci.lower !== null && ci.upper !== null && ci.lower <= ci.upper);
    // Per category: MK has three items; judge 5,4,4 vs alice 5,4,3 → exact 2/3.
    const mk = rep.groups.find((g) => g.group === "MK")!;
    assert.equal(mk.section.items, 3);
    const mkAlice = mk.section.views.scale.comparisons.find((c) => c.id === "judge~alice")!;
    assert.ok(close(mkAlice.stats.exact!.value, 2 / 3));
    assert.deepEqual(
      rep.groups.map((g) => g.group),
      ["MK", "MLU", "MR", "MSE", "MTG"],
    );

    const text = await cli(["agreement", "--run", "med-run", "--db", db, "--rounds", "50"]);
    assert.match(text.stdout, /scorer llmeval_med_judge/);
    assert.match(text.stdout, /human usability by Appendix D .*: alice 0\/1, bob 1\/1/);
    assert.match(text.stdout, /judge vs human majority/);
    assert.match(text.stdout, /Leave-one-out/);
    // The paper's headline: agreement per category and the mean of the non-MTG ones.
    assert.match(text.stdout, /as the paper reports it/);
    assert.match(text.stdout, /mean of MK, MLU, MR, MSE: \d+\.\d\d% \[/);
    const json = JSON.parse(
      (await cli(["agreement", "--run", "med-run", "--db", db, "--json", "--rounds", "50"])).stdout,
    );
    assert.deepEqual(json.headline.mean.groups, ["MK", "MLU", "MR", "MSE"]);

    // --html: the same report as a self-contained page, with the judge-vs-consensus confusion heatmaps
    // (scale and usable views) and one scatter point per item rated by both.
    const page = join(dir, "agreement.html");
    const html = await cli(["agreement", "--run", "med-run", "--db", db, "--rounds", "0", "--html", page]);
    assert.equal(html.code, 0, html.stderr);
    const doc = readFileSync(page, "utf8");
    assert.match(doc, /Content-Security-Policy" content="default-src 'none'/);
    assert.doesNotMatch(doc, /<script/i);
    const mean = (json.report as ReportJson["report"]).overall.views.scale.comparisons.find(
      (c) => c.kind === "judge-mean",
    )!;
    assert.ok(doc.includes(`scale: ${mean.a} against ${mean.b} (n=${mean.n})`));
    // Every cell count of the confusion matrix is drawn, row by row.
    const cells = [
      ...doc.matchAll(/<rect x="\d+" y="\d+" width="44" height="44"[^>]*\/><text[^>]*>(\d+)<\/text>/g),
    ].map((m) => Number(m[1]));
    assert.deepEqual(cells.slice(0, mean.confusion.counts.flat().length), mean.confusion.counts.flat());
    assert.equal((doc.match(/<circle /g) ?? []).length > 0, true);
    assert.match(doc, /8 items; the dashed line is agreement/);
  });

  test("disagreements: largest gap first, with checklist, judge reasoning and comments", async () => {
    const { dir, db } = await fixture();
    // Everyone agrees with the judge except on MR-1-1 (judge 3, humans 5 and 5: gap 2) and MK-2-1 (gap 1).
    const rows = ["item_id,annotator,score,comment"];
    for (const q of QUESTIONS) {
      const h = q.id === "MR-1-1" ? 5 : q.id === "MK-2-1" ? 5 : q.judge;
      rows.push(`${q.id},alice,${h},${q.id === "MR-1-1" ? "ECG first is exactly right" : ""}`);
      rows.push(`${q.id},bob,${h},`);
    }
    writeFileSync(join(dir, "r.csv"), `${rows.join("\n")}\n`);
    assert.equal(
      (await cli(["annotate", "import", join(dir, "r.csv"), "--run", "med-run", "--db", db])).code,
      0,
    );
    const r = await cli([
      "agreement",
      "disagreements",
      "--run",
      "med-run",
      "--db",
      db,
      "--top",
      "2",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const items = (
      JSON.parse(r.stdout) as {
        items: Array<{
          itemId: string;
          gap: number;
          checklist: string;
          answer: string;
          reference: string | null;
          judge: { explanation: string };
          humans: Array<{ comment: string }>;
        }>;
      }
    ).items;
    assert.deepEqual(
      items.map((i) => [i.itemId, i.gap]),
      [
        ["MR-1-1", 2],
        ["MK-2-1", 1],
      ],
    );
    assert.match(items[0]!.checklist, /ECG first/);
    assert.match(items[0]!.judge.explanation, /Final score: \[3\]/);
    assert.ok(items[0]!.humans.some((h) => h.comment === "ECG first is exactly right"));
    const text = await cli(["agreement", "disagreements", "--run", "med-run", "--db", db, "--top", "1"]);
    assert.match(text.stdout, /#1 MR-1-1 \[MR\]\s+judge 3\.00 vs humans 5\.00 \(gap 2\.00\)/);
    assert.match(text.stdout, /checklist:\n\s+Core: 1\. ECG first/);
    // The answer being rated and the reference are in the text output too, not only in --json.
    assert.match(
      text.stdout,
      new RegExp(`answer rated:\\n\\s+${escapeRegExp(items[0]!.answer.trim().split("\n")[0]!)}`),
    );
    if (items[0]!.reference) assert.match(text.stdout, /reference:\n/);
    assert.match(text.stdout, /alice: 5 — ECG first is exactly right/);
  });

  test("refinement: snapshot, edit one checklist, rejudge only that question, agreement before/after", async () => {
    const { dir, db } = await fixture();
    writeFileSync(join(dir, "ratings.csv"), ratingsCsv());
    assert.equal(
      (await cli(["annotate", "import", join(dir, "ratings.csv"), "--run", "med-run", "--db", db])).code,
      0,
    );
    const v1 = join(dir, "refine", "v1");
    const snap = await cli(["annotate", "snapshot", "--run", "med-run", "--out", v1, "--db", db]);
    assert.equal(snap.code, 0, snap.stderr);
    assert.equal(readFileSync(join(v1, "checklists", "MR-1-2.md"), "utf8"), `${QUESTIONS[4]!.checklist}\n`);
    const v2 = join(dir, "refine", "v2");
    cpSync(v1, v2, { recursive: true });
    // Unchanged except trailing whitespace an editor might leave: not an edit.
    writeFileSync(join(v2, "checklists", "MK-1-1.md"), `${QUESTIONS[0]!.checklist}\n\n`);
    writeFileSync(
      join(v2, "checklists", "MR-1-2.md"),
      "Core: 1. inferior STEMI\n2. reperfusion\nEDITED: accept 'inferior MI'\n",
    );

    const dry = await cli(["rejudge", "med-run", "--prompts", v2, "--db", db, "--dry-run"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^1 item\(s\) changed: MR-1-2$/m);

    // The judge gives 4 when it sees the edited checklist; any other request would score 1.
    const judge = await startMockServer({
      record: true,
      reply: (req) =>
        lastUserText(req).includes("EDITED") ? "Meets the core needs.\nFinal score: [4]" : "Final score: [1]",
    });
    try {
      const r = await cli([
        "rejudge",
        "med-run",
        "--prompts",
        v2,
        "--db",
        db,
        "--judge",
        "openai/judge",
        "--judge-base-url",
        judge.url,
        "--rounds",
        "0",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(judge.requests.length, 1, "only the edited question is judged again");
      assert.match(
        r.stdout,
        /re-judged 1 changed item\(s\) in 1 sample\(s\) \(6 copied unchanged\) → new run med-run~v2/,
      );
      assert.match(r.stdout, /agreement before/);
      assert.match(r.stdout, /agreement after/);
    } finally {
      await judge.close();
    }
    // After: MR-1-2's judge score is 4 (was 2); alice and bob gave 2, so judge vs alice drops from
    // 6/8 to 5/8 exact, and the new run keeps every other judgement.
    const after = await cli([
      "agreement",
      "--run",
      "med-run",
      "--judge-run",
      "med-run~v2",
      "--db",
      db,
      "--json",
      "--rounds",
      "0",
    ]);
    const rep = (JSON.parse(after.stdout) as ReportJson).report;
    const ja = rep.overall.views.scale.comparisons.find((c) => c.id === "judge~alice")!;
    assert.equal(ja.n, 8);
    assert.ok(close(ja.stats.exact!.value, 5 / 8));
    const dis = await cli([
      "agreement",
      "disagreements",
      "--run",
      "med-run",
      "--judge-run",
      "med-run~v2",
      "--db",
      db,
      "--json",
      "--top",
      "1",
    ]);
    const top = (JSON.parse(dis.stdout) as { items: Array<{ itemId: string; checklist: string }> }).items[0]!;
    assert.equal(top.itemId, "MR-1-2");
    assert.match(top.checklist, /EDITED/);
    // Nothing changed between v2 and the new run: nothing to do.
    const again = await cli(["rejudge", "med-run~v2", "--prompts", v2, "--db", db, "--dry-run"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing changed/);
  });
});

describe("pieces", () => {
  test("judge means onto the scale: nearest (halfway down) or floor", () => {
    const s = [1, 2, 3, 4, 5];
    assert.equal(judgeOnScale(11 / 3, s, "nearest"), 4);
    assert.equal(judgeOnScale(11 / 3, s, "floor"), 3);
    assert.equal(judgeOnScale(3.5, s, "nearest"), 3);
    assert.equal(judgeOnScale(4, s, "floor"), 4);
    assert.equal(judgeOnScale(0, s, "nearest"), undefined);
  });
});

describe("generic judged task", () => {
  test("items, blind app API, import and agreement for a non-LLMEval-Med run", async () => {
    const dir = tempDir("assay-annotate-generic-");
    const db = join(dir, "assay.db");
    const store = new RunStore(db);
    store.createRun({
      runId: "g1",
      createdAt: new Date().toISOString(),
      toolVersion: "test",
      task: { name: "my-judged-task", version: "1", args: {} },
      model: { id: "openai/secret-model" },
      judge: { id: "openai/judge" },
      generate: {},
      epochs: 1,
      epochReducer: "mean",
      scorers: [
        { name: "exact", metrics: ["accuracy"] },
        { name: "rubric_judge", metrics: ["mean"] },
      ],
      execution: { concurrency: 1, maxRetries: 0, cache: true },
      configHash: "x",
    });
    const judge = [5, 2, 4, 1];
    judge.forEach((j, i) => {
      const input = [
        { role: "user" as const, content: `earlier question ${i}` },
        { role: "assistant" as const, content: `earlier answer ${i}` },
        { role: "user" as const, content: `question ${i}` },
      ];
      store.addResult("g1", {
        sampleId: `s${i}`,
        epoch: 1,
        seq: i,
        input,
        target: `reference ${i}`,
        metadata: { category: i < 2 ? "easy" : "hard", checklist: `must say ${i}` },
        messages: [...input, { role: "assistant", content: `answer ${i}` }],
        output: `answer ${i}`,
        inputTokens: 0,
        outputTokens: 0,
        judgeInputTokens: 0,
        judgeOutputTokens: 0,
        cached: false,
        scores: {
          exact: { value: i % 2 === 0 },
          rubric_judge: { value: j, explanation: `judge thinks ${j}` },
        },
      });
    });
    store.flush();
    const ratings = new RatingsDb(store.sideSql());
    const token = ratings.addAnnotator("dana", "g1");
    const items = loadItems(store, store.requireRun("g1"));
    assert.deepEqual(
      items.map((it) => [it.itemId, it.category, it.judge?.value]),
      [
        ["s0", "easy", 5],
        ["s1", "easy", 2],
        ["s2", "hard", 4],
        ["s3", "hard", 1],
      ],
    );
    const srv = await startAnnotateServer({ ratings, run: store.requireRun("g1"), items, port: 0 });
    try {
      const list = (await (await fetch(`${srv.url}/a/${token}/api/items`)).json()) as {
        items: Array<{ itemId: string }>;
      };
      assert.equal(list.items.length, 4);
      const first = list.items[0]!.itemId;
      const raw = await (await fetch(`${srv.url}/a/${token}/api/items/0`)).text();
      const item = JSON.parse(raw) as {
        question: string;
        answer: string;
        reference: string;
        checklist: string;
        history: Array<{ content: string }>;
      };
      const n = first.slice(1);
      assert.equal(item.question, `question ${n}`);
      assert.equal(item.answer, `answer ${n}`);
      assert.equal(item.reference, `reference ${n}`);
      assert.equal(item.checklist, `must say ${n}`);
      assert.deepEqual(
        item.history.map((h) => h.content),
        [`earlier question ${n}`, `earlier answer ${n}`],
      );
      // Blind: neither the model nor the judge's score or reasoning reaches the annotator.
      assert.ok(
        !raw.includes("secret-model") && !raw.includes("judge thinks") && !raw.includes("rubric_judge"),
      );
      const bad = await fetch(`${srv.url}/a/${token}/api/ratings`, {
        method: "POST",
        headers: { "Content-Type": "text/plain" },
        body: "{}",
      });
      assert.equal(bad.status, 415);
      const cross = await fetch(`${srv.url}/a/${token}/api/ratings`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: "http://evil.example" },
        body: JSON.stringify({ itemId: first, score: 3 }),
      });
      assert.equal(cross.status, 403);
      const ok = await fetch(`${srv.url}/a/${token}/api/ratings`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ itemId: first, score: 3, comment: "meh" }),
      });
      assert.equal(ok.status, 200);
      assert.equal(ratings.ratingsFor("g1", "dana")[0]?.comment, "meh");
    } finally {
      await srv.close();
      store.close();
    }
    // Two more annotators from a file; the judge scorer is found by name ("judge" in it).
    writeFileSync(
      join(dir, "r.jsonl"),
      ["s0,5", "s1,2", "s2,3", "s3,1"]
        .flatMap((x) => {
          const [id, v] = x.split(",");
          return [
            JSON.stringify({ item_id: id, annotator: "eve", score: Number(v) }),
            JSON.stringify({ item_id: id, annotator: "finn", score: Number(v), dimensions: {} }),
          ];
        })
        .join("\n"),
    );
    assert.equal(
      (await cli(["annotate", "import", join(dir, "r.jsonl"), "--run", "g1", "--db", db])).code,
      0,
    );
    const r = await cli(["agreement", "--run", "g1", "--db", db, "--json", "--rounds", "0"]);
    assert.equal(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as ReportJson & { judgeScorer: string };
    assert.equal(parsed.judgeScorer, "rubric_judge");
    // judge 5,2,4,1 vs eve 5,2,3,1: exact 3/4.
    const je = parsed.report.overall.views.scale.comparisons.find((c) => c.id === "judge~eve")!;
    assert.ok(close(je.stats.exact!.value, 3 / 4));
    assert.deepEqual(
      parsed.report.groups.map((g) => g.group),
      ["easy", "hard"],
    );
    const wrong = await cli(["agreement", "--run", "g1", "--db", db, "--scorer", "nope"]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--scorer: run g1 has no scorer "nope" \(it has: exact, rubric_judge\)/);
    const rj = await cli(["rejudge", "g1", "--prompts", dir, "--db", db]);
    assert.equal(rj.code, 2);
    assert.match(
      rj.stderr,
      /task "my-judged-task" is not registered here: re-judging needs the task's own scorers/,
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
