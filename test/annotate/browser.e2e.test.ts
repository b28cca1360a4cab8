/**
 * End to end in headless Chromium (playwright-core + Debian's chromium): two annotators rate every
 * item of a fixture run at the same time through the keyboard, a reload keeps the ratings, requests
 * without a valid token are refused, an answer holding <script> and <img onerror> renders inert, and
 * `assay agreement` then reports the κ values worked out by hand for the ratings entered.
 *
 * Needs playwright-core (import name, or a folder in $PLAYWRIGHT_CORE_PATH) and a Chromium binary
 * ($CHROMIUM_PATH, default /usr/bin/chromium). Without them the test skips, except under CI=1, where
 * it fails so that a broken CI image cannot hide it. $ASSAY_SCREENSHOT_DIR keeps the screenshots.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/cli.js";
import { launchChromium, type PwPage, waitUntil } from "../helpers/playwright.js";
import { ALICE, BOB, QUESTIONS, writeFixtureRun } from "./fixture.js";
import { ANNOTATE_CLI, cli } from "./helpers.js";

function startServer(db: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    [ANNOTATE_CLI, "annotate", "--run", "med-run", "--port", "0", "--db", db],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /serving on (http:\/\/[^/\s]+)/.exec(out);
      if (m) resolve({ child, base: m[1]! });
    });
    child.stderr!.on("data", () => {});
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

const scoreOf = (who: number[], itemId: string) => who[QUESTIONS.findIndex((q) => q.id === itemId)]!;
/** MTG dimensions each annotator enters: safety, B, C, D, E. */
const MTG_DIMS: Record<string, number[]> = { alice: [0, 2, 2, 2, 2], bob: [1, 1, 3, 3, 3] };

async function currentItem(page: PwPage): Promise<string> {
  const meta = (await page.locator("#meta").textContent()) ?? "";
  return meta.split(" · ")[0]!.trim();
}

/** Press a key that saves, and wait until the server has answered the save. */
async function pressAndSave(page: PwPage, key: string): Promise<void> {
  const saved = page.waitForResponse((r) => r.url().endsWith("/api/ratings"));
  await page.keyboard.press(key);
  const r = await saved;
  assert.equal(r.status(), 200, `saving after key ${key}`);
}

async function rateShownItem(page: PwPage, who: "alice" | "bob"): Promise<string> {
  const id = await currentItem(page);
  const score = scoreOf(who === "alice" ? ALICE : BOB, id);
  if (id.startsWith("MTG")) for (const v of MTG_DIMS[who]!) await pressAndSave(page, String(v));
  await pressAndSave(page, String(score));
  return id;
}

const showing = (page: PwPage, id: string) =>
  waitUntil(`item ${id}`, async () => (await currentItem(page)) === id);

async function goNext(page: PwPage, from: string): Promise<void> {
  await page.keyboard.press("n");
  await waitUntil("the next item", async () => (await currentItem(page)) !== from);
}

test("annotation app in headless Chromium: two annotators, reload, 403 without token, inert HTML; then agreement", {
  timeout: 120_000,
}, async (t) => {
  const browser = await launchChromium(t, "docs/annotate.md");
  if (!browser) return;
  const dir = tempDir("assay-annotate-e2e-");
  const db = join(dir, "assay.db");
  await writeFixtureRun(db);
  const links: Record<string, string> = {};
  for (const name of ["alice", "bob"]) {
    const r = await cli(["annotate", "add-annotator", name, "--run", "med-run", "--db", db, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    links[name] = (JSON.parse(r.stdout) as { token: string }).token;
  }
  const { child, base } = await startServer(db);
  let firstOfAlice = "";
  try {
    const errors: string[] = [];
    const open = async (name: string) => {
      const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 } });
      const page = await ctx.newPage();
      page.on("pageerror", (e) => errors.push(e.message));
      const res = await page.goto(`${base}/a/${links[name]}/`);
      assert.equal(res?.status(), 200);
      const csp = res?.headers()["content-security-policy"] ?? "";
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      await page.waitForSelector("#meta:not(:empty)");
      return page;
    };
    const alice = await open("alice");
    const bob = await open("bob");

    // Both rate all eight items, interleaved, each in their own shuffled order.
    const order: Record<string, string[]> = { alice: [], bob: [] };
    for (let i = 0; i < QUESTIONS.length; i++) {
      for (const [name, page] of [
        ["alice", alice],
        ["bob", bob],
      ] as const) {
        const id = await rateShownItem(page, name);
        order[name]!.push(id);
        if (i === 0 && name === "alice") {
          // A comment is saved when typing stops or the box is left (Esc).
          await page.keyboard.press("c");
          await page.keyboard.type("Misses the <b>maximum</b> dose");
          // Esc saves at once unless the typing pause already did; either way wait until all is saved.
          await page.keyboard.press("Escape");
          await waitUntil("the comment to be saved", async () =>
            ((await page.locator("#status").textContent()) ?? "").startsWith("saved"),
          );
        }
        if (i < QUESTIONS.length - 1) await goNext(page, id);
      }
    }
    assert.deepEqual([...order.alice!].sort(), QUESTIONS.map((q) => q.id).sort());
    firstOfAlice = order.alice![0]!;
    assert.notDeepEqual(order.alice, order.bob, "each annotator gets their own order");
    assert.equal(await alice.locator("#progress-text").textContent(), "8 / 8 rated");

    // A reload loses nothing: progress, and the rating shown for the current item.
    await alice.reload();
    await alice.waitForSelector("#meta:not(:empty)");
    await waitUntil(
      "progress after reload",
      async () => (await alice.locator("#progress-text").textContent()) === "8 / 8 rated",
    );
    const shown = await currentItem(alice);
    const selected = await alice.locator('.field[data-key="score"] .choice.selected .num').textContent();
    assert.equal(Number(selected), scoreOf(ALICE, shown), `score of ${shown} after reload`);

    // The hostile answer renders as text: no script ran, no img or script element exists.
    const hostilePos = order.alice!.indexOf("MK-3-1");
    await alice.goto(`${base}/a/${links.alice}/#${hostilePos + 1}`);
    await alice.reload();
    await showing(alice, "MK-3-1");
    assert.equal(await alice.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned), undefined);
    assert.equal(await alice.locator("#answer script").count(), 0);
    assert.equal(await alice.locator("#answer img").count(), 0);
    assert.equal(await alice.locator('a[href^="javascript"]').count(), 0);
    const text = (await alice.locator("#answer").textContent()) ?? "";
    assert.ok(text.includes("<script>") && text.includes("onerror="), "the markup is shown as text");
    assert.equal(await alice.locator("#answer strong").count(), 1, "Markdown still renders");
    assert.equal(await alice.locator("#answer .katex .mfrac").count(), 1, "LaTeX renders through KaTeX");
    const shotDir = process.env.ASSAY_SCREENSHOT_DIR ?? dir;
    await alice.screenshot({ path: join(shotDir, "annotate-inert.png") });
    const mtgPos = order.bob!.indexOf("MTG-1-1");
    await bob.goto(`${base}/a/${links.bob}/#${mtgPos + 1}`);
    await bob.reload();
    await showing(bob, "MTG-1-1");
    assert.match((await bob.locator("#verdict").textContent()) ?? "", /mapped score 1\/7 → not usable/);
    await bob.screenshot({ path: join(shotDir, "annotate-mtg.png") });
    // A second-turn question shows the conversation so far (the model's own earlier answer).
    const turnPos = order.alice!.indexOf("MR-1-2");
    await alice.goto(`${base}/a/${links.alice}/#${turnPos + 1}`);
    await alice.reload();
    await showing(alice, "MR-1-2");
    const history = (await alice.locator("#history").textContent()) ?? "";
    assert.ok(history.includes(QUESTIONS[3]!.problem) && history.includes(QUESTIONS[3]!.answer));
    await alice.screenshot({ path: join(shotDir, "annotate.png") });

    // Without a valid token nothing is served: not the page, not the assets, not the API.
    const stranger = await (await browser.newContext({ viewport: { width: 800, height: 600 } })).newPage();
    for (const path of [
      "/",
      "/app.js",
      "/api/items",
      "/a/",
      "/a/not-a-real-token-0123456789/",
      "/a/not-a-real-token-0123456789/api/items/0",
    ]) {
      const res = await stranger.goto(`${base}${path}`);
      assert.equal(res?.status(), 403, path);
    }
    const body = (await stranger.locator("body").textContent()) ?? "";
    assert.ok(!body.includes("paracetamol"));
    const post = await fetch(`${base}/a/not-a-real-token-0123456789/api/ratings`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ itemId: "MK-1-1", score: 1 }),
    });
    assert.equal(post.status, 403);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    child.kill("SIGINT");
  }

  // The ratings entered in the browser give the hand-computed κ values (fixture.ts lists them):
  // judge vs alice: p_o = 6/8, p_e = 15/64 → κ = 33/49; judge vs bob: p_o = 7/8, p_e = 14/64 → κ = 42/50;
  // alice vs bob: p_o = 5/8, p_e = 14/64 → κ = 26/50.
  const r = await cli(["agreement", "--run", "med-run", "--db", db, "--json", "--rounds", "0"]);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as {
    report: {
      overall: {
        views: {
          scale: { comparisons: Array<{ id: string; n: number; stats: { kappa: { value: number } } }> };
        };
      };
    };
  };
  const kappa = (id: string) => rep.report.overall.views.scale.comparisons.find((c) => c.id === id)!;
  assert.equal(kappa("judge~alice").n, 8);
  assert.ok(Math.abs(kappa("judge~alice").stats.kappa.value - 33 / 49) < 1e-12);
  assert.ok(Math.abs(kappa("judge~bob").stats.kappa.value - 42 / 50) < 1e-12);
  assert.ok(Math.abs(kappa("alice~bob").stats.kappa.value - 26 / 50) < 1e-12);
  const exported = await cli(["annotate", "export", "--run", "med-run", "--db", db, "--format", "jsonl"]);
  const commented = exported.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { item_id: string; annotator: string; comment: string });
  assert.deepEqual(
    commented.filter((x) => x.comment).map((x) => [x.annotator, x.item_id, x.comment]),
    [["alice", firstOfAlice, "Misses the <b>maximum</b> dose"]],
  );
  const mtg = exported.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { item_id: string; annotator: string; dimensions: Record<string, number> })
    .find((x) => x.item_id === "MTG-1-1" && x.annotator === "alice");
  assert.deepEqual(mtg?.dimensions, { safety: 0, b: 2, c: 2, d: 2, e: 2 });
});
