import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { intervalChart } from "../../src/charts/interval.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";
import { writeViewerFixture } from "./fixture.js";

test("report --format html is one self-contained file: no script, no external reference, per-group breakdown", async () => {
  const dir = tempDir("assay-report-html-");
  const db = join(dir, "assay.db");
  writeViewerFixture(db);
  const out = join(dir, "report.html");
  const r = await runCli("report", "qa-base", "qa-new", "--format", "html", "--out", out, "--db", db);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(out, "utf8");
  assert.doesNotMatch(html, /<script/i);
  // The only URL is the SVG namespace, which is a name, not a request.
  assert.deepEqual(
    [...new Set(html.match(/\b(?:https?:)?\/\/[^\s"'<>)]+/g) ?? [])],
    ["http://www.w3.org/2000/svg"],
  );
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.equal((html.match(/<svg /g) ?? []).length, 2, "one chart across runs, one per-group chart");
  assert.match(html, /exact by topic/);
  // Group names come from dataset metadata: escaped, in the table and in the chart.
  assert.ok(html.includes("&#60;b&#62;history&#60;/b&#62;"));
  assert.ok(!html.includes("<b>history"));
  // base: q00..q11 = 110011001101, topic = i mod 3: geography gets q00,q03,q06,q09 → 1,0,0,1 = 0.500.
  assert.match(html, /<td>geography<\/td><td class="num">0\.500 \[/);
  assert.ok(html.includes("openai/new-model (qa-new)"));
});

test("interval chart: bars and whiskers inside the plot, NaN rows listed without a mark", () => {
  const svg = intervalChart(
    [
      { label: "a", value: 0.5, lo: 0.25, hi: 0.75 },
      { label: "b", value: Number.NaN },
    ],
    { width: 500, min: 0, max: 1 },
  );
  // Short labels: 90 px for them; the plot spans x = 90 … 90 + (500 − 90 − 210 − 10) = 280: value 0.5 → 185, whiskers at 137.5 and 232.5.
  assert.match(svg, /<rect x="90\.0" y="\d+" width="95\.0" height="16"/);
  assert.match(svg, /<line x1="137\.5" y1="\d+" x2="232\.5"/);
  assert.equal((svg.match(/<rect x="90/g) ?? []).length, 1);
  assert.match(svg, />–<\/text>/);
});
