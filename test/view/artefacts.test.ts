/** `assay view --fit / --moe-report`: SMI calibration and MoE fidelity plots beside the runs, read safely. */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadArtefacts } from "../../src/cli/commands/view-artefacts.js";
import { SMI_METHODS } from "../../src/smi/fit.js";
import { RunStore } from "../../src/store/run-store.js";
import { startViewServer } from "../../src/view/server.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { moeReport as report, writeFit } from "./artefact-fixture.js";
import { writeViewerFixture } from "./fixture.js";

test("a fit file gives one calibration plot per method, a MoE report its fidelity plot; names are escaped", () => {
  const dir = tempDir("assay-view-artefacts-");
  const fit = writeFit(dir, "pythia<script>alert(1)</script>");
  const moe = join(dir, "report.json");
  writeFileSync(moe, JSON.stringify(report("fit")));
  const list = loadArtefacts({ fit: [fit], moeReport: [moe] });
  assert.deepEqual(
    list.map((a) => [a.id, a.kind, a.source]),
    [
      [0, "smi-calibration", fit],
      [1, "smi-calibration", fit],
      [2, "smi-calibration", fit],
      [3, "moe-fidelity", moe],
    ],
  );
  assert.deepEqual(
    list.slice(0, 3).map((a) => a.title.replace(/^.*, /, "")),
    [...SMI_METHODS],
  );
  for (const a of list) {
    assert.match(a.svg, /^<svg /);
    assert.doesNotMatch(a.svg, /<script|onerror|javascript:/i);
  }
  // The calibration plot is the fit's own: its R² (1 for these bins) and the escaped model name.
  assert.match(list[0]!.svg, /R² = 1</);
  assert.match(list[0]!.svg, /pythia&lt;script&gt;/);
  assert.match(list[3]!.svg, /dense 12\.50/);
  assert.equal((list[3]!.svg.match(/<rect [^>]*><title>/g) ?? []).length, 2, "one bar per variant");
});

test("bad files are refused with the file and field named", () => {
  const dir = tempDir("assay-view-artefacts-");
  const moe = join(dir, "report.json");
  writeFileSync(moe, JSON.stringify(report('x"><script>')));
  assert.throws(() => loadArtefacts({ moeReport: [moe] }), /report\.json: rows\[0\]\.gate: must be a name/);
  writeFileSync(moe, JSON.stringify({ ...report("fit"), densePerplexity: "12" }));
  assert.throws(() => loadArtefacts({ moeReport: [moe] }), /"densePerplexity" must be a positive number/);
  const fit = writeFit(dir, "m");
  const broken = JSON.parse(readFileSync(fit, "utf8"));
  broken.models[0].results.mi.bins = [{ x: "0.5", meanAcc: 1 }];
  writeFileSync(fit, JSON.stringify(broken));
  assert.throws(
    () => loadArtefacts({ fit: [fit] }),
    /models\[0\]\.results\.mi\.bins: each bin needs numeric/,
  );
  assert.throws(() => loadArtefacts({ fit: [join(dir, "missing.json")] }), /cannot read the fit file/);
});

test("the viewer lists the plots and serves each as an SVG image under its CSP", async () => {
  const dir = tempDir("assay-view-artefacts-");
  const db = join(dir, "assay.db");
  writeViewerFixture(db);
  const moe = join(dir, "report.json");
  writeFileSync(moe, JSON.stringify(report("zero")));
  const store = new RunStore(db, { readonly: true });
  const srv = await startViewServer({ store, port: 0, artefacts: loadArtefacts({ moeReport: [moe] }) });
  try {
    const list = await (await fetch(new URL("api/artefacts", srv.url))).json();
    assert.deepEqual(list, [{ id: 0, kind: "moe-fidelity", title: "MoE fidelity: tiny-dense", source: moe }]);
    const svg = await fetch(new URL("api/artefacts/0.svg", srv.url));
    assert.equal(svg.headers.get("content-type"), "image/svg+xml");
    assert.match(svg.headers.get("content-security-policy") ?? "", /default-src 'none'/);
    assert.match(await svg.text(), /gate: zero/);
    assert.equal((await fetch(new URL("api/artefacts/1.svg", srv.url))).status, 404);
  } finally {
    await srv.close();
    store.close();
  }
});

test("assay view refuses a bad --moe-report before it listens", async () => {
  const dir = tempDir("assay-view-artefacts-");
  const db = join(dir, "assay.db");
  writeViewerFixture(db);
  const moe = join(dir, "report.json");
  writeFileSync(moe, "{}");
  const r = await runCli(["view", "--db", db, "--port", "0", "--moe-report", moe]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /report\.json: not a MoE report\.json/);
});
