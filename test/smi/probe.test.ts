import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { ChatMessage } from "../../src/core/types.js";
import { Model, ModelStats } from "../../src/providers/model.js";
import { ScriptedProvider } from "../../src/providers/scripted.js";
import { AdaptiveLimiter } from "../../src/scheduler/limiter.js";
import { runProbe } from "../../src/smi/cli-actions.js";
import { fillTemplate, mergeOutputs } from "../../src/smi/probe.js";
import { type ProbeOptions, probeTriples } from "../../src/smi/probe-run.js";
import type { CountRow, Triple } from "../../src/smi/rows.js";
import { RunStore } from "../../src/store/run-store.js";
import { lastUserText, startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli, runOk } from "../helpers/in-process-cli.js";

const dir = tempDir("smi-probe-test-");

const TRIPLES: Triple[] = [
  { idx: 1, subj: "Herbie Mann", rel: "plays", obj: "jazz" },
  { idx: 2, subj: "John Cage", rel: "plays", obj: "opera" },
  { idx: 3, subj: "Royal Malaysian Navy", rel: "citizen", obj: "Malaysia" },
  { idx: 4, subj: "Paris", rel: "citizen", obj: "France" },
];
const TEMPLATES = { plays: ["[S] plays", "[S] performs"], citizen: ["[S] is from", "[S] [S] belongs to"] };
const triplesFile = join(dir, "triples.json");
const templatesFile = join(dir, "templates.json");
writeFileSync(triplesFile, JSON.stringify(TRIPLES));
writeFileSync(templatesFile, JSON.stringify(TEMPLATES));

function lastUser(messages: ChatMessage[]): string {
  const m = messages[messages.length - 1];
  return typeof m?.content === "string" ? m.content : "";
}

/** Herbie Mann: always "jazz". Paris: "France" on every other call per prompt. Others: unrelated text. */
function reply(perPrompt: Map<string, number>, prompt: string): string {
  const k = (perPrompt.get(prompt) ?? 0) + 1;
  perPrompt.set(prompt, k);
  if (prompt.startsWith("Herbie Mann")) return " jazz flute";
  if (prompt.startsWith("Paris")) return k % 2 === 0 ? " France, of course" : " the river";
  return " something else";
}

function makeModel(calls: { n: number }, onCall?: (n: number) => void): Model {
  const perPrompt = new Map<string, number>();
  const provider = new ScriptedProvider("smi-test", (messages) => {
    calls.n++;
    onCall?.(calls.n);
    return reply(perPrompt, lastUser(messages));
  });
  return new Model(provider, {
    id: "scripted/smi-test",
    limiter: new AdaptiveLimiter(4),
    stats: new ModelStats(),
  });
}

function store(name: string): RunStore {
  return new RunStore(join(dir, `${name}.db`));
}

const OPTS: ProbeOptions = {
  triples: triplesFile,
  templates: templatesFile,
  samples: 2,
  temperature: 0.7,
  maxTokens: 32,
  scoring: "exact",
  completion: true,
  concurrency: 4,
  progress: "silent",
};

/** A Model whose answers are cached in `s`, as `smi probe` builds it. */
function cachedModel(s: RunStore, calls: { n: number }, onCall?: (n: number) => void): Model {
  const m = makeModel(calls, onCall);
  return new Model(m.provider, {
    id: m.id,
    limiter: new AdaptiveLimiter(4),
    cache: s,
    stats: new ModelStats(),
  });
}

describe("smi probe", () => {
  test("fills every [S] like Python's str.replace", () => {
    assert.equal(fillTemplate("[S] and [S]", "X"), "X and X");
  });

  test("accuracy = correct samples / (templates × samples); exact scoring sees the prompt", async () => {
    const calls = { n: 0 };
    const s1 = store("exact");
    const exact = await probeTriples(s1, cachedModel(s1, calls), OPTS);
    assert.equal(calls.n, 4 * 2 * 2);
    assert.deepEqual(
      exact.accuracies.map((r) => [r.idx, r.correct, r.total, r.acc]),
      [
        [1, 4, 4, 1],
        [2, 0, 4, 0],
        [3, 4, 4, 1], // "Malaysia" is inside the subject, so the prompt always contains it
        [4, 2, 4, 0.5],
      ],
    );
    // The probe is an ordinary run: one sample per (triple, template), the samples are its epochs.
    const run = s1.requireRun(exact.runId);
    assert.equal(run.task, "smi-probe");
    assert.equal(run.status, "completed");
    assert.deepEqual(s1.countSamples(exact.runId), { total: 4 * 2 * 2, errors: 0 });
    s1.close();
    const s2 = store("completion");
    const completion = await probeTriples(s2, cachedModel(s2, { n: 0 }), { ...OPTS, scoring: "completion" });
    assert.deepEqual(
      completion.accuracies.map((r) => r.acc),
      [1, 0, 0, 0.5],
    );
    s2.close();
  });

  test("probing more triples later asks the model only about the new ones", async () => {
    const s = store("more");
    await probeTriples(s, cachedModel(s, { n: 0 }), { ...OPTS, limit: 2 });
    const calls = { n: 0 };
    const all = await probeTriples(s, cachedModel(s, calls), OPTS);
    assert.equal(calls.n, 2 * 2 * 2); // only triples 3 and 4
    assert.deepEqual(
      all.accuracies.map((r) => r.acc),
      [1, 0, 1, 0.5],
    );
    s.close();
  });

  test("an interrupted probe continues where it stopped, and a failed sample fails its triple only", async () => {
    const s = store("interrupt");
    const controller = new AbortController();
    const first = { n: 0 };
    const stopped = await probeTriples(
      s,
      cachedModel(s, first, (n) => n === 5 && controller.abort(new Error("interrupted"))),
      { ...OPTS, concurrency: 1, signal: controller.signal },
    );
    assert.equal(stopped.interrupted, true);
    assert.equal(s.requireRun(stopped.runId).status, "interrupted");
    assert.ok(stopped.accuracies.some((a) => a.error !== undefined));
    const second = { n: 0 };
    const done = await probeTriples(s, cachedModel(s, second), { ...OPTS, concurrency: 1 });
    assert.equal(done.runId, stopped.runId);
    assert.equal(first.n + second.n, 4 * 2 * 2, "no sample is asked twice");
    assert.deepEqual(
      done.accuracies.map((r) => r.acc),
      [1, 0, 1, 0.5],
    );
    assert.equal(s.requireRun(done.runId).status, "completed");
    s.close();

    const f = store("fail");
    const broken = new Model(
      new ScriptedProvider("smi-broken", (messages) => {
        if (lastUser(messages).startsWith("John Cage performs")) throw new Error("server fell over");
        return " jazz";
      }),
      {
        id: "scripted/smi-broken",
        limiter: new AdaptiveLimiter(4),
        retry: { maxRetries: 0, baseMs: 1, maxMs: 1 },
      },
    );
    const partial = await probeTriples(f, broken, OPTS);
    assert.deepEqual(
      partial.accuracies.map((r) => r.error === undefined),
      [true, false, true, true],
    );
    assert.match(partial.accuracies[1]!.error!, /2 of 4 samples failed or missing/);
    f.close();
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

  test("a probe whose every sample fails is reported as stopped with the error, not as interrupted", async (t) => {
    // Every request refused with 400, which is not retried: each sample fails at once.
    const refuse = createServer((req, res) => {
      req.resume();
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "model pythia is not served here" } }));
    });
    await new Promise<void>((resolve) => refuse.listen(0, "127.0.0.1", resolve));
    t.after(() => refuse.close());
    const server = { url: `http://127.0.0.1:${(refuse.address() as AddressInfo).port}/v1` };
    const db = join(dir, "stopped.db");
    const r = await runCli(
      "smi",
      "probe",
      "--model",
      "openai/pythia",
      "--model-base-url",
      server.url,
      "--triples",
      triplesFile,
      "--templates",
      templatesFile,
      "--out",
      join(dir, "stopped.json"),
      "--db",
      db,
    );
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /no sample succeeded/);
    assert.match(r.stderr, /probe stopped .* the same command retries the failed samples/);
    assert.doesNotMatch(r.stderr, /probe interrupted/);
  });

  test("assay smi probe writes the merge_outputs JSON, through a server, and reruns from the store", async (t) => {
    const perPrompt = new Map<string, number>();
    const server = await startMockServer({
      reply: (req) => reply(perPrompt, lastUserText(req)),
      record: true,
    });
    t.after(() => server.close());
    const count = (idx: number, subj: string, rel: string, obj: string, k: number) => ({
      idx,
      subj,
      rel,
      obj,
      time_seqs: 8,
      time_subj: k,
      time_obj: 2,
      time_s1j1: 2,
      time_s1j0: k - 2,
      time_s0j1: 0,
      time_s0j0: 6 - (k - 2),
    });
    const counts = [
      count(1, "Herbie Mann", "plays", "jazz", 2),
      count(2, "John Cage", "plays", "opera", 4),
      count(4, "Paris", "citizen", "France", 2),
      count(3, "Royal Malaysian Navy", "citizen", "Malaysia", 2),
    ];
    const countsFile = join(dir, "counts.json");
    writeFileSync(countsFile, JSON.stringify(counts));
    const out = join(dir, "merged.json");
    const flags = {
      model: "openai/pythia",
      modelBaseUrl: server.url,
      triples: triplesFile,
      templates: templatesFile,
      counts: countsFile,
      out,
      samples: 2,
      temperature: 0.7,
      maxTokens: 32,
      scoring: "exact",
      concurrency: 3,
      db: join(dir, "cli.db"),
      progress: "silent" as const,
    };
    const r = await runProbe(flags);
    process.exitCode = 0;
    assert.deepEqual([r.probed, r.failed, r.interrupted], [4, 0, false]);
    // The rows in the counts file's order, each with acc and the original's mi, as JSON.stringify wrote them.
    const mi = [0.5, 0.25, 0.5, 0.5];
    const accs = [1, 0, 0.5, 1];
    const expected = counts.map((c, i) => ({ ...c, acc: accs[i], mi: mi[i] }));
    assert.equal(readFileSync(out, "utf8"), JSON.stringify(expected));
    assert.equal(server.requests.length, 16);
    // Raw continuation by default: each prompt as it is, with the original's sampling.
    const body = server.requests[0]!.body;
    assert.equal(body.temperature, 0.7);
    assert.equal(body.max_tokens, 32);
    // Run again: the finished run is reused, nothing is asked, the file comes out the same.
    const again = await runProbe(flags);
    process.exitCode = 0;
    assert.equal(again.runId, r.runId);
    assert.equal(server.requests.length, 16);
    assert.equal(readFileSync(out, "utf8"), JSON.stringify(expected));
    // An ordinary run: export shows every (triple, template, sample); retry-errors rebuilds the task.
    const lines = (await runOk("export", r.runId, "--db", flags.db)).trim().split("\n");
    assert.equal(lines.length, 16);
    const first = JSON.parse(lines[0]!);
    assert.deepEqual(
      [first.sample_id, first.metadata.idx, first.scores.contains_object.value],
      ["1/0", 1, 1],
    );
    const retried = JSON.parse(
      await runOk("retry-errors", r.runId, "--db", flags.db, "--json", "--progress", "silent"),
    );
    process.exitCode = 0;
    assert.deepEqual([retried.status, retried.ran], ["completed", 0]);
    assert.equal(server.requests.length, 16);
  });
});
