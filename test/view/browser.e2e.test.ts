/**
 * The viewer end to end in headless Chromium (playwright-core + Debian's chromium, see
 * test/helpers/playwright.ts): runs → run → samples → sample, the errors filter, the compare page's
 * flipped-sample count and paired CI checked against values computed here from the fixture, a model
 * answer holding <script>, <img onerror> and javascript: links rendering inert, and the HTML report
 * opened from file://, and the research plots page (--fit, --moe-report). $ASSAY_SCREENSHOT_DIR keeps the screenshots (docs/images/view-*.png).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { bootstrapStatistic } from "../../src/stats/bootstrap.js";
import { CLI, runCli, tempDir } from "../helpers/cli.js";
import { launchChromium, type PwPage, waitUntil } from "../helpers/playwright.js";
import { moeReport, writeFit } from "./artefact-fixture.js";
import { expectedDiffs, HOSTILE_SAMPLE, IMAGE_SAMPLE, writeViewerFixture } from "./fixture.js";

function startViewer(db: string, extra: string[]): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [CLI, "view", "--port", "0", "--db", db, ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /serving on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, base: m[1]! });
    });
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => reject(new Error(`viewer exited with ${code}: ${out}`)));
  });
}

const rows = (page: PwPage, selector: string) => page.locator(selector).count();
const signed = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(3)}`;

test("viewer in headless Chromium: navigation, filters, compare statistics, inert model output, HTML report", {
  timeout: 120_000,
}, async (t) => {
  const browser = await launchChromium(t, "docs/view.md");
  if (!browser) return;
  const dir = tempDir("assay-view-e2e-");
  const db = join(dir, "assay.db");
  writeViewerFixture(db);
  const shots = process.env.ASSAY_SCREENSHOT_DIR ?? dir;
  const fit = writeFit(dir, "pythia-1.4b");
  const moe = join(dir, "report.json");
  writeFileSync(moe, JSON.stringify(moeReport("fit")));
  const { child, base } = await startViewer(db, ["--fit", fit, "--moe-report", moe]);
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (r) => requests.push(r.url()));

    // Runs: both listed, the model filter narrows the list.
    const res = await page.goto(base);
    assert.equal(res?.status(), 200);
    assert.doesNotMatch(res?.headers()["content-security-policy"] ?? "", /unsafe/);
    await page.waitForSelector('#runs tr[data-run="qa-new"]');
    assert.equal(await rows(page, "#runs tbody tr"), 2);
    await page.screenshot({ path: join(shots, "view-runs.png") });
    await page.locator("#filter-model").selectOption("openai/base-model");
    await waitUntil("the model filter", async () => (await rows(page, "#runs tbody tr")) === 1);
    await page.locator("#filter-model").selectOption("");
    await waitUntil("all runs again", async () => (await rows(page, "#runs tbody tr")) === 2);

    // A run: metrics chart (an image from the viewer itself), the per-group table, the errors.
    await page.locator('#runs a[href="#/run/qa-new"]').click();
    await page.waitForSelector("#run-title");
    await page.waitForSelector("table.groups");
    await waitUntil(
      "the charts to load",
      async () =>
        (await page
          .locator("img.chart")
          .first()
          .evaluate((el) => el.naturalWidth)) > 0,
    );
    assert.equal(await rows(page, "table.groups tbody tr"), 3);
    assert.match((await page.locator("#errors").textContent()) ?? "", /HTTP 500: upstream unavailable/);
    await page.screenshot({ path: join(shots, "view-run.png"), fullPage: true });

    // A group's row leads to its samples (server-side filter on the metadata value).
    await page.locator('table.groups a.group-link:text-is("arithmetic")').click();
    await waitUntil("the arithmetic samples", async () => (await rows(page, "#samples tbody tr")) === 4);
    assert.match((await page.locator("#filter-group").textContent()) ?? "", /topic=arithmetic/);
    await page.goto(`${base}#/run/qa-new`);
    await page.waitForSelector("#to-samples");

    // Samples: all 12 on one page, then only the failed one.
    await page.locator("#to-samples").click();
    await waitUntil("12 samples", async () => (await rows(page, "#samples tbody tr")) === 12);
    assert.equal(await page.locator("#page-range").textContent(), "1–12 of 12");
    await page.screenshot({ path: join(shots, "view-samples.png") });
    await page.locator("#filter-errors").selectOption("only");
    await page.locator("#apply").click();
    await waitUntil("the errors filter", async () => (await rows(page, "#samples tbody tr")) === 1);
    assert.equal(
      await page
        .locator("#samples tbody tr")
        .first()
        .evaluate((el) => el.textContent?.slice(0, 3)),
      "q11",
    );

    // A sample with a hostile answer: shown as text, nothing runs, nothing loads, no javascript: link.
    await page.goto(`${base}#/samples/qa-new`);
    await page.waitForSelector(`#samples a[href="#/sample/qa-new/${HOSTILE_SAMPLE}/1"]`);
    await page.locator(`#samples a[href="#/sample/qa-new/${HOSTILE_SAMPLE}/1"]`).click();
    await page.waitForSelector(".conversation .msg.assistant");
    const answer = (await page.locator(".conversation .msg.assistant").textContent()) ?? "";
    assert.ok(answer.includes("<script>") && answer.includes("onerror=") && answer.includes("javascript:"));
    assert.equal(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned), undefined);
    assert.equal(await rows(page, "main script"), 0);
    assert.equal(await rows(page, "main img"), 0);
    assert.equal(await rows(page, ".msg.assistant .md .katex .mfrac"), 1, "TeX renders through KaTeX");
    assert.equal(await rows(page, 'a[href^="javascript"]'), 0);
    assert.match((await page.locator("table.scores").textContent()) ?? "", /matches the target/);
    // Each scorer's metadata under its own heading, as text (not "[object HTMLHeadingElement]").
    const main = (await page.locator("main").textContent()) ?? "";
    assert.match(main, /exact: judge calls and details[\s\S]*ANSWER: prefix removed/);
    assert.doesNotMatch(main, /\[object /);
    await page.screenshot({ path: join(shots, "view-sample.png"), fullPage: true });

    // A sample with an image: served from the store's blobs.
    await page.goto(`${base}#/sample/qa-base/${IMAGE_SAMPLE}/1`);
    await page.waitForSelector(".conversation img");
    await waitUntil(
      "the board image",
      async () =>
        (await page
          .locator(".conversation img")
          .first()
          .evaluate((el) => el.naturalWidth)) === 140,
    );

    // Compare: pick both runs, check the statistics against the fixture.
    await page.goto(`${base}#/runs`);
    await page.waitForSelector('#runs input.pick[data-run="qa-base"]');
    await page.locator('#runs input.pick[data-run="qa-base"]').check();
    await page.locator('#runs input.pick[data-run="qa-new"]').check();
    await page.locator("#compare-selected").click();
    await page.waitForSelector("#compare-table");
    const d = expectedDiffs();
    const flips = d.filter((x) => x !== 0).length;
    assert.equal(flips, 3, "fixture: q02, q06, q10 went from wrong to right");
    assert.equal(await page.locator('.flipped-count[data-scorer="exact"]').textContent(), String(flips));
    assert.equal(await rows(page, 'table.flips[data-scorer="exact"] tbody tr'), flips);
    const ci = bootstrapStatistic(d.length, (idx) => idx.reduce((s, i) => s + d[i]!, 0) / idx.length, {
      seed: 0,
    });
    assert.equal(
      await page.locator('#compare-table tr[data-scorer="exact"] .paired-ci').textContent(),
      `[${signed(ci.lower)}, ${signed(ci.upper)}]`,
    );
    assert.equal(
      await page.locator('#compare-table tr[data-scorer="exact"] .diff').textContent(),
      signed(flips / d.length),
    );
    await page.screenshot({ path: join(shots, "view-compare.png"), fullPage: true });
    await page.locator('table.flips tr[data-sample="q02"] a[href^="#/pair/"]').click();
    await waitUntil("both samples side by side", async () => (await rows(page, ".pair .sample")) === 2);

    // Several runs against a baseline: one row per run and scorer, the same paired CI as the pair page.
    await page.goto(`${base}#/compare-many/qa-base/qa-new`);
    await page.waitForSelector("#compare-many");
    assert.equal(await rows(page, "#compare-many tbody tr"), 1);
    assert.equal(
      await page.locator('#compare-many tr[data-run="qa-new"] .paired-ci').textContent(),
      `[${signed(ci.lower)}, ${signed(ci.upper)}]`,
    );

    // Research plots: SMI's calibration (one per method) and MoE's fidelity plot, each image drawn.
    await page.goto(`${base}#/runs`);
    await page.locator("#to-artefacts").click();
    await page.waitForSelector("figure.artefact img");
    assert.equal(await rows(page, 'figure.artefact[data-kind="smi-calibration"]'), 3);
    assert.equal(await rows(page, 'figure.artefact[data-kind="moe-fidelity"]'), 1);
    for (let i = 0; i < 4; i++) {
      const img = page.locator("figure.artefact img").nth(i);
      await waitUntil(`plot ${i} drawn`, async () => (await img.evaluate((el) => el.naturalWidth)) > 0);
    }
    await page.screenshot({ path: join(shots, "view-artefacts.png"), fullPage: true });

    assert.deepEqual(errors, []);
    const origin = new URL(base).origin;
    assert.deepEqual(
      requests.filter((u) => !u.startsWith(`${origin}/`)),
      [],
      "every request stays on the viewer",
    );
    assert.ok(!requests.some((u) => new URL(u).pathname === "/x"), "the payload's <img src=x> never loaded");

    // The HTML report from file://: charts render with no request beyond the file itself.
    const report = join(dir, "report.html");
    const r = await runCli(["report", "qa-base", "qa-new", "--format", "html", "--out", report, "--db", db]);
    assert.equal(r.code, 0, r.stderr);
    const before = requests.length;
    await page.goto(pathToFileURL(report).href);
    await page.waitForSelector("svg");
    assert.deepEqual(requests.slice(before), [pathToFileURL(report).href]);
    await page.screenshot({ path: join(shots, "view-report.png"), fullPage: true });
  } finally {
    await browser.close();
    child.kill("SIGINT");
  }
});
