/**
 * `assay sweep`: a model whose accuracy depends on the prompt format (a scripted server that answers
 * right only when options are labelled with capital letters) gets exactly the spread that follows from
 * the formats drawn; the formats are reproducible for a seed; a second sweep reuses its runs.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  DEFAULT_FORMAT,
  extractOption,
  generateFormats,
  optionLabel,
  renderPrompt,
} from "../../src/sweep/formats.js";
import { lastUserText, startMockServer } from "../../src/testing/mock-openai-server.js";
import { runCli } from "../helpers/in-process-cli.js";

const dir = mkdtempSync(join(tmpdir(), "assay-sweep-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const QUESTIONS = Array.from({ length: 6 }, (_, i) => ({
  id: `q${i}`,
  question: `Which number is ${i * 7}?`,
  choices: [String(i * 7 + 1), String(i * 7), String(i * 7 + 2)],
  answer: 1,
}));

/** Right when the prompt labels options "B." / "(B)" etc. with capital letters; else the first option. */
function scriptedAnswer(prompt: string): string {
  const capital = /(^|[\s([])B(\.|\)|\]|:| -)/m.test(prompt);
  if (capital) return "B";
  // Lower-case letters, numbers or roman numerals: the model "misreads" and picks the first option.
  if (/(^|[\s([])a(\.|\)|\]|:| -)/m.test(prompt)) return "a";
  if (/(^|[\s([])1(\.|\)|\]|:| -)/m.test(prompt)) return "1";
  return "I";
}

describe("format grammar", () => {
  test("format 0 is the default; draws are distinct and the same for a seed", () => {
    const a = generateFormats(12, 7, "mcq");
    assert.deepEqual(a[0], DEFAULT_FORMAT);
    assert.equal(new Set(a.map((f) => JSON.stringify(f))).size, 12);
    assert.deepEqual(generateFormats(12, 7, "mcq"), a);
    assert.notDeepEqual(generateFormats(12, 8, "mcq"), a);
  });

  test("every format's prompt holds the question and each option once, and its labels read back", () => {
    for (const f of generateFormats(40, 3, "mcq")) {
      const prompt = renderPrompt(f, "What is 2+2?", ["3", "4", "5"]);
      assert.ok(prompt.includes("What is 2+2?"));
      for (let i = 0; i < 3; i++) {
        const label = optionLabel(f, i);
        assert.ok(prompt.includes(f.wrap.replace("{}", label)), `${label} in ${JSON.stringify(prompt)}`);
        assert.equal(extractOption(f, f.wrap.replace("{}", label), ["3", "4", "5"]), i);
        assert.equal(extractOption(f, `The answer is ${label}`, ["3", "4", "5"]), i);
      }
    }
  });
});

describe("assay sweep", () => {
  test("accuracy per format follows the scripted model; min/median/max and the spread; reruns reuse", async () => {
    const data = join(dir, "mcq.jsonl");
    writeFileSync(data, `${QUESTIONS.map((q) => JSON.stringify(q)).join("\n")}\n`);
    const server = await startMockServer({ reply: (req) => scriptedAnswer(lastUserText(req)) });
    const db = join(dir, "runs.db");
    try {
      const args = ["sweep", "mcq", "--dataset", data, "--model", "openai/m", "--model-base-url", server.url];
      const r = await runCli(...args, "--formats", "8", "--seed", "5", "--db", db, "--json");
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      const formats = generateFormats(8, 5, "mcq");
      assert.deepEqual(out.formats, formats);
      const expected = formats.map((f) => (f.labels === "A" ? 1 : 0));
      const m = out.models[0];
      assert.deepEqual(
        m.results.map((x: { accuracy: number }) => x.accuracy),
        expected,
      );
      assert.equal(m.max, Math.max(...expected));
      assert.equal(m.min, Math.min(...expected));
      assert.equal(m.spread, m.max - m.min);
      assert.equal(m.best.format.labels, "A");
      assert.equal(m.best.index, 0, "ties go to the lower format number");
      const sorted = [...expected].sort((a, b) => a - b);
      assert.equal(m.median, (sorted[3]! + sorted[4]!) / 2);

      // The runs are ordinary runs: listed, and a rerun makes no model call.
      const before = server.requests.length;
      const again = await runCli(...args, "--formats", "8", "--seed", "5", "--db", db);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(server.requests.length, before);
      assert.match(again.stdout, /spread/);
      assert.match(again.stderr, /reusing sweep-/);
      const show = await runCli("show", m.results[1].runId, "--db", db, "--json");
      assert.equal(show.code, 0, show.stderr);
    } finally {
      await server.close();
    }
  });

  test("only mcq and qa can be swept", async () => {
    const r = await runCli("sweep", "llmeval-med", "--dataset", "x", "--model", "openai/m");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give mcq or qa/);
  });
});

test("a sweep whose run fails on every sample stops with the cause and exit 5, not as if Ctrl-C stopped it", async () => {
  const data = join(dir, "mcq-fail.jsonl");
  writeFileSync(data, `${QUESTIONS.map((q) => JSON.stringify(q)).join("\n")}\n`);
  // Every completion is refused with a 400 (not retried); the pre-flight /models check passes.
  const server = createServer((req, res) => {
    const models = req.method === "GET";
    res.writeHead(models ? 200 : 400, { "content-type": "application/json" });
    res.end(JSON.stringify(models ? { data: [{ id: "m" }] } : { error: { message: "unsupported field" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  try {
    const r = await runCli(
      ...["sweep", "mcq", "--dataset", data, "--model", "openai/m", "--model-base-url", url],
      ...["--formats", "2", "--db", join(dir, "fail.db"), "--progress", "silent"],
    );
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /^ {2}6 × HTTP 400: unsupported field/m);
    assert.match(r.stderr, /no sample succeeded/);
    assert.match(r.stderr, /sweep stopped at run sweep-\S+: fix the cause, then run the same command again/);
  } finally {
    server.close();
  }
});
