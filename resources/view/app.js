// Assay results viewer (browser side). Plain ES module, no framework. Everything that comes from a run
// reaches the page as text nodes or textContent, except the conversation's message texts, which go through
// the shared safe renderer (render/browser.js: markdown-it without raw HTML, KaTeX without trust). The only
// innerHTML assignment is that renderer's output; links and image sources this file builds point back
// into the viewer itself.
import { renderInto } from "./render/browser.js";

const main = document.getElementById("main");
const crumbs = document.getElementById("crumbs");
const statusEl = document.getElementById("status");
let refreshTimer = 0;
let renderSeq = 0;

/** Element builder: strings become text nodes; only a fixed set of properties is set. */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "href" || k === "src") {
      // Only the viewer's own routes and API: never a URL that came from the data.
      if (!(v.startsWith("#/") || v.startsWith("api/"))) throw new Error(`refusing link ${v}`);
      el.setAttribute(k, v);
    } else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "checked" || k === "disabled" || k === "selected") el[k] = Boolean(v);
    else if (k === "value") el.value = v;
    else el.setAttribute(k, String(v));
  }
  // Nested lists of children (a list of [heading, body] pairs) are flattened to any depth.
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const enc = encodeURIComponent;
const fmt = (v) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(3) : "–");
const signed = (v) => (typeof v === "number" && Number.isFinite(v) ? `${v >= 0 ? "+" : ""}${v.toFixed(3)}` : "–");
const ci = (lo, hi) => (Number.isFinite(lo) && Number.isFinite(hi) ? `[${fmt(lo)}, ${fmt(hi)}]` : "");
const pval = (p) => (!Number.isFinite(p) ? "–" : p < 0.001 ? p.toExponential(1) : p.toFixed(3));
const text = (value) => h("div", { class: "text" }, typeof value === "string" ? value : JSON.stringify(value, null, 2));
const table = (head, rows, attrs) =>
  h("table", attrs, h("thead", null, h("tr", null, head.map((c) => h("th", null, c)))), h("tbody", null, rows));

function setStatus(msg, isError = false) {
  statusEl.textContent = msg;
  statusEl.classList.toggle("error", isError);
}

async function api(path) {
  const res = await fetch(`api/${path}`, { cache: "no-store", credentials: "same-origin" });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

function setCrumbs(...links) {
  crumbs.replaceChildren(...links.map(([label, href]) => h("a", { href }, label)));
}

function show(...nodes) {
  main.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
}

// ---------- runs ----------

async function runsPage(query) {
  const data = await api(`runs?${query.toString()}`);
  setCrumbs(["runs", "#/runs"]);
  const selected = new Set();
  // Two runs: the paired comparison page; more: each run against the first one picked (the baseline).
  const compareBtn = h("button", { id: "compare-selected", type: "button", disabled: true }, "Compare selected");
  compareBtn.addEventListener("click", () => {
    const ids = [...selected];
    location.hash = ids.length === 2 ? `#/compare/${enc(ids[0])}/${enc(ids[1])}` : `#/compare-many/${ids.map(enc).join("/")}`;
  });
  const select = (name, values) => {
    const current = query.get(name) ?? "";
    const el = h(
      "select",
      { id: `filter-${name}` },
      h("option", { value: "" }, `any ${name}`),
      values.map((v) => h("option", { value: v, selected: v === current }, v)),
    );
    el.addEventListener("change", () => {
      if (el.value) query.set(name, el.value);
      else query.delete(name);
      location.hash = `#/runs?${query.toString()}`;
    });
    return el;
  };
  const rows = data.runs.map((r) => {
    const box = h("input", { type: "checkbox", class: "pick", "data-run": r.id });
    box.addEventListener("change", () => {
      if (box.checked) selected.add(r.id);
      else selected.delete(r.id);
      compareBtn.disabled = selected.size < 2;
    });
    const hl = r.headline;
    return h(
      "tr",
      { "data-run": r.id },
      h("td", null, box),
      h("td", null, h("a", { href: `#/run/${enc(r.id)}` }, r.id)),
      h("td", null, r.task),
      h("td", null, r.model),
      h("td", null, r.judge ?? ""),
      h("td", null, r.createdAt.slice(0, 19).replace("T", " ")),
      h("td", null, r.status),
      h("td", { class: "num" }, `${r.samples} / ${r.errors}`),
      h("td", null, hl ? `${hl.scorer} ${hl.name} ${fmt(hl.value)} ${ci(hl.lo, hl.hi)}` : ""),
      h("td", { class: "num" }, r.costUsd === null ? "" : `$${r.costUsd.toFixed(r.costUsd < 1 ? 4 : 2)}`),
    );
  });
  const artefacts = await api("artefacts");
  show(
    h("h1", null, "Runs"),
    artefacts.length
      ? h("p", null, h("a", { href: "#/artefacts", id: "to-artefacts" }, `Research plots (${artefacts.length}) →`))
      : null,
    h("div", { class: "filters" }, select("task", data.tasks), select("model", data.models), compareBtn),
    data.runs.length
      ? table(["", "run", "task", "model", "judge", "created", "status", "samples / errors", "headline (95% CI)", "cost"], rows, {
          id: "runs",
        })
      : h("p", { class: "muted" }, "No runs match."),
  );
}

// ---------- one run ----------

function metricsTable(summary) {
  const names = [...new Set(summary.scorers.flatMap((s) => Object.keys(s.metrics)))];
  const cell = (v) => (v && typeof v === "object" && "lo" in v ? ci(v.lo, v.hi) || "–" : fmt(v));
  return table(
    ["scorer", "n", ...names],
    summary.scorers.map((s) =>
      h("tr", null, h("td", null, s.scorer), h("td", { class: "num" }, s.n), names.map((k) => h("td", { class: "num" }, cell(s.metrics[k])))),
    ),
    { id: "metrics" },
  );
}

function groupTable(runId, scorer, key, groups) {
  const names = [...new Set(Object.values(groups).flatMap((g) => Object.keys(g.metrics)))];
  const cell = (v) => (v && typeof v === "object" && "lo" in v ? ci(v.lo, v.hi) || "–" : fmt(v));
  const samplesOf = (g) => `#/samples/${enc(runId)}?${new URLSearchParams({ group: `${key}=${g}` }).toString()}`;
  return table(
    [key, "n", ...names],
    Object.entries(groups).map(([g, set]) =>
      h("tr", null, h("td", null, h("a", { href: samplesOf(g), class: "group-link" }, g)), h("td", { class: "num" }, set.n), names.map((k) => h("td", { class: "num" }, cell(set.metrics[k])))),
    ),
    { class: "groups", "data-scorer": scorer, "data-key": key },
  );
}

async function runPage(id) {
  const r = await api(`runs/${enc(id)}`);
  setCrumbs(["runs", "#/runs"], [r.id, `#/run/${enc(r.id)}`], ["samples", `#/samples/${enc(r.id)}`]);
  const t = r.totals;
  const parts = [
    h("h1", { id: "run-title" }, `${r.task} · ${r.model}`),
    h(
      "dl",
      { class: "kv" },
      h("dt", null, "run"), h("dd", null, r.id),
      h("dt", null, "status"), h("dd", { id: "run-status" }, r.status),
      h("dt", null, "judge"), h("dd", null, r.judge ?? "–"),
      h("dt", null, "created"), h("dd", null, r.createdAt),
      h("dt", null, "samples"), h("dd", { id: "run-samples" }, `${t.samples} finished · ${t.errors} errors · ${t.cached} cached`),
      h("dt", null, "tokens"),
      h("dd", null, `in ${t.tokens.input} · out ${t.tokens.output}${t.tokens.judgeInput + t.tokens.judgeOutput ? ` · judge in ${t.tokens.judgeInput} · judge out ${t.tokens.judgeOutput}` : ""}`),
      h("dt", null, "mean latency"), h("dd", null, t.meanLatencyMs === null ? "–" : `${t.meanLatencyMs.toFixed(0)} ms`),
      h("dt", null, "cost"), h("dd", { id: "run-cost" }, r.cost ? `≈ $${r.cost.usd.toFixed(r.cost.usd < 1 ? 4 : 2)} (price table of ${r.pricesAsOf}${r.cost.partial ? "; unpriced models not counted" : ""})` : "– (no price for these models)"),
    ),
    h("p", null, h("a", { href: `#/samples/${enc(r.id)}`, id: "to-samples" }, "All samples →"), " ",
      t.errors ? h("a", { href: `#/samples/${enc(r.id)}?errors=only` }, `Only the ${t.errors} errors →`) : ""),
  ];
  if (r.summary) {
    parts.push(h("h2", null, "Metrics"), h("img", { class: "chart", src: `api/runs/${enc(r.id)}/metrics.svg`, alt: "metrics with 95% bootstrap CI" }), metricsTable(r.summary));
    for (const s of r.summary.scorers)
      for (const [key, groups] of Object.entries(s.groups)) {
        parts.push(
          h("h2", null, `${s.scorer} by ${key}`),
          h("img", { class: "chart", src: `api/runs/${enc(r.id)}/groups.svg?scorer=${enc(s.scorer)}&key=${enc(key)}`, alt: `${s.scorer} by ${key}` }),
          groupTable(r.id, s.scorer, key, groups),
        );
      }
  } else parts.push(h("p", { class: "muted" }, "No summary yet (the run is still going, or was interrupted)."));
  if (r.taskReport) parts.push(h("h2", null, `${r.task} report`), text(r.taskReport));
  parts.push(h("h2", null, "Errors"));
  parts.push(
    r.errors.length
      ? table(["count", "error"], r.errors.map((e) => h("tr", null, h("td", { class: "num" }, e.count), h("td", null, e.error))), { id: "errors" })
      : h("p", { class: "muted" }, "No errors."),
  );
  parts.push(h("h2", null, "Manifest"), text(r.manifest));
  show(...parts);
  // A running eval: reload its page as samples finish.
  if (r.status === "running") refreshTimer = setTimeout(route, 2000);
}

// ---------- samples ----------

async function samplesPage(id, query) {
  const offset = Number(query.get("offset") ?? 0);
  const data = await api(`runs/${enc(id)}/samples?${query.toString()}`);
  setCrumbs(["runs", "#/runs"], [data.run.id, `#/run/${enc(data.run.id)}`], ["samples", `#/samples/${enc(data.run.id)}`]);
  const go = (changes) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) {
      if (v === "" || v === undefined || v === null) q.delete(k);
      else q.set(k, String(v));
    }
    location.hash = `#/samples/${enc(id)}?${q.toString()}`;
  };
  const textBox = h("input", { type: "text", id: "filter-text", placeholder: "search id, input, output, target", value: query.get("text") ?? "" });
  const errors = h("select", { id: "filter-errors" }, ["", "only", "none"].map((v) => h("option", { value: v, selected: (query.get("errors") ?? "") === v }, v === "" ? "errors and successes" : v === "only" ? "errors only" : "no errors")));
  const scorer = h("select", { id: "filter-scorer" }, data.scorers.map((s) => h("option", { value: s, selected: query.get("scorer") === s }, s)));
  const min = h("input", { type: "number", id: "filter-min", step: "any", placeholder: "min", value: query.get("min") ?? "" });
  const max = h("input", { type: "number", id: "filter-max", step: "any", placeholder: "max", value: query.get("max") ?? "" });
  const sort = h("select", { id: "sort" }, [["", "dataset order"], ["score", "score"], ["latency", "latency"]].map(([v, l]) => h("option", { value: v, selected: (query.get("sort") ?? "") === v }, l)));
  const desc = h("input", { type: "checkbox", id: "desc", checked: query.get("desc") === "1" });
  const cached = h("select", { id: "filter-cached" }, [["", "cached or not"], ["yes", "cached only"], ["no", "not cached"]].map(([v, l]) => h("option", { value: v, selected: (query.get("cached") ?? "") === v }, l)));
  const apply = h("button", { type: "submit", id: "apply" }, "Apply");
  // A group filter comes from a run page's breakdown table; it shows here and can be dropped.
  const group = query.get("group");
  const groupChip = group
    ? h("span", { id: "filter-group" }, `group ${group} `, h("button", { type: "button", onclick: () => go({ group: "", offset: "" }) }, "×"))
    : "";
  const form = h("form", { class: "filters", id: "sample-filters" }, textBox, errors, cached, "score of", scorer, "in", min, max, "sort", sort, h("label", null, desc, " descending"), apply, groupChip);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    go({ text: textBox.value, errors: errors.value, cached: cached.value, scorer: scorer.value, min: min.value, max: max.value, sort: sort.value, desc: desc.checked ? "1" : "", offset: "" });
  });
  const rows = data.rows.map((s) =>
    h(
      "tr",
      { class: s.error ? "error" : "", "data-sample": s.sampleId },
      h("td", null, h("a", { href: `#/sample/${enc(id)}/${enc(s.sampleId)}/${s.epoch}` }, s.sampleId)),
      h("td", { class: "num" }, s.epoch),
      data.scorers.map((n) => h("td", { class: "num" }, fmt(s.scores[n] ?? null))),
      h("td", null, s.error ?? ""),
      h("td", null, s.cached ? "cached" : ""),
      h("td", { class: "num" }, s.latencyMs === null ? "" : `${s.latencyMs.toFixed(0)} ms`),
      h("td", { class: "preview" }, s.inputPreview),
      h("td", { class: "preview" }, s.outputPreview ?? ""),
    ),
  );
  const last = Math.min(offset + data.rows.length, data.total);
  const pager = h(
    "div",
    { class: "pager" },
    h("button", { type: "button", id: "prev-page", disabled: offset === 0, onclick: () => go({ offset: Math.max(0, offset - data.limit) || "" }) }, "◀ Prev"),
    h("span", { id: "page-range" }, data.total ? `${offset + 1}–${last} of ${data.total}` : "no samples match"),
    h("button", { type: "button", id: "next-page", disabled: last >= data.total, onclick: () => go({ offset: offset + data.limit }) }, "Next ▶"),
  );
  show(
    h("h1", null, `Samples · ${data.run.task} · ${data.run.model}`),
    form,
    pager,
    table(["sample", "epoch", ...data.scorers, "error", "cache", "latency", "input", "output"], rows, { id: "samples" }),
  );
}

// ---------- one sample ----------

/** Message text rendered as Markdown + TeX; the source stays one click away. */
function markdown(source) {
  const el = h("div", { class: "md" });
  renderInto(el, source);
  return h("div", { class: "rendered" }, el, h("details", { class: "source" }, h("summary", null, "source"), h("div", { class: "text" }, source)));
}

function contentNodes(content) {
  if (typeof content === "string") return [markdown(content)];
  if (!Array.isArray(content)) return [text(content)];
  return content.map((part) => {
    if (part && part.type === "image" && typeof part.image === "string") {
      const m = /^assay-blob:([0-9a-f]{64})$/.exec(part.image);
      return m ? h("img", { src: `api/blobs/${m[1]}`, alt: "image from the sample" }) : h("p", { class: "muted" }, "(image not stored in the run database)");
    }
    if (part && part.type === "text") return markdown(String(part.text ?? ""));
    return text(part);
  });
}

function conversation(sample) {
  const messages = Array.isArray(sample.messages)
    ? sample.messages
    : [
        ...(Array.isArray(sample.input) ? sample.input : [{ role: "user", content: sample.input }]),
        ...(sample.output !== null ? [{ role: "assistant", content: sample.output }] : []),
      ];
  return h("div", { class: "conversation" }, messages.map((m) => h("div", { class: `msg ${m.role}` }, h("div", { class: "role" }, m.role), contentNodes(m.content))));
}

function sampleView(data) {
  const s = data.sample;
  const scoreRows = data.scores.map((sc) =>
    h("tr", { "data-scorer": sc.scorer }, h("td", null, sc.scorer), h("td", { class: "num" }, JSON.stringify(sc.raw)), h("td", null, h("div", { class: "text" }, sc.answer ?? "")), h("td", null, h("div", { class: "text" }, sc.explanation ?? ""))),
  );
  const details = data.scores.filter((sc) => sc.metadata !== undefined && sc.metadata !== null);
  return h(
    "div",
    { class: "sample" },
    h(
      "dl",
      { class: "kv" },
      h("dt", null, "sample"), h("dd", { class: "sample-id" }, `${s.sampleId} (epoch ${s.epoch})`),
      h("dt", null, "model"), h("dd", null, data.run.model),
      h("dt", null, "latency"), h("dd", null, s.latencyMs === null ? "–" : `${s.latencyMs.toFixed(0)} ms`),
      h("dt", null, "tokens"), h("dd", null, `in ${s.inputTokens} · out ${s.outputTokens} · judge in ${s.judgeInputTokens} · judge out ${s.judgeOutputTokens}`),
      h("dt", null, "cache"), h("dd", null, s.cached ? "served from the cache" : "called the model"),
    ),
    s.error ? [h("h2", null, "Error"), h("div", { class: "text sample-error" }, s.error)] : [],
    h("h2", null, "Conversation"),
    conversation(s),
    // The model's reasoning (reasoning_content or <think> blocks) is kept apart from its answer.
    typeof s.store?.reasoning === "string" && s.store.reasoning
      ? [h("h2", null, "Reasoning"), h("details", { class: "reasoning" }, h("summary", null, `${s.store.reasoning.length} characters`), markdown(s.store.reasoning))]
      : [],
    h("h2", null, "Target"),
    text(s.target ?? "(none)"),
    h("h2", null, "Scores"),
    data.scores.length ? table(["scorer", "value", "answer", "explanation"], scoreRows, { class: "scores" }) : h("p", { class: "muted" }, "No scores."),
    details.map((sc) => [h("h2", null, `${sc.scorer}: judge calls and details`), text(sc.metadata)]),
    s.metadata ? [h("h2", null, "Metadata"), text(s.metadata)] : [],
  );
}

async function samplePage(id, sampleId, epoch) {
  const data = await api(`runs/${enc(id)}/samples/${enc(sampleId)}/${epoch}`);
  setCrumbs(["runs", "#/runs"], [data.run.id, `#/run/${enc(data.run.id)}`], ["samples", `#/samples/${enc(data.run.id)}`]);
  show(h("h1", null, `Sample ${sampleId}`), sampleView(data));
}

// ---------- compare ----------

async function comparePage(a, b) {
  const c = await api(`compare?a=${enc(a)}&b=${enc(b)}`);
  setCrumbs(["runs", "#/runs"], [`compare ${c.a.id} · ${c.b.id}`, `#/compare/${enc(a)}/${enc(b)}`]);
  if (c.pending) {
    // A large comparison is computed in the background: ask again until it is there.
    show(h("h1", null, "Compare"), h("p", { class: "muted", id: "ci-pending" }, `Comparing ${c.a.id} and ${c.b.id} over up to ${c.samples} samples (paired bootstrap); this page fills in when it is ready.`));
    refreshTimer = setTimeout(route, 500);
    return;
  }
  const o = c.overlap;
  const parts = [
    h("h1", null, "Compare"),
    h("dl", { class: "kv" },
      h("dt", null, "A"), h("dd", null, h("a", { href: `#/run/${enc(c.a.id)}` }, c.a.id), ` · ${c.a.model} · ${c.a.samples} samples`),
      h("dt", null, "B"), h("dd", null, h("a", { href: `#/run/${enc(c.b.id)}` }, c.b.id), ` · ${c.b.model} · ${c.b.samples} samples`),
      h("dt", null, "dataset"), h("dd", null, c.dataset ? `${c.dataset.name} (sha256 ${c.dataset.sha256.slice(0, 12)}…)` : "–"),
    ),
    c.error ? h("p", { class: "sample-error" }, `The paired interval could not be computed: ${c.error}`) : null,
    h("p", { id: "overlap" }, o.partial ? `Partial overlap: compared on the ${o.shared} shared samples (${o.onlyA} only in A, ${o.onlyB} only in B).` : `${o.shared} shared samples.`),
    table(
      ["scorer", "n", "A", "B", "B − A", "95% paired CI", "B wins", "ties", "A wins", "test", "p"],
      c.scorers.map((s) =>
        h("tr", { "data-scorer": s.scorer },
          h("td", null, s.scorer), h("td", { class: "num" }, s.n), h("td", { class: "num" }, fmt(s.meanA)), h("td", { class: "num" }, fmt(s.meanB)),
          h("td", { class: "num diff" }, signed(s.diff.value)), h("td", { class: "num paired-ci" }, `[${signed(s.diff.lower)}, ${signed(s.diff.upper)}]`),
          h("td", { class: "num win" }, s.wins), h("td", { class: "num" }, s.ties), h("td", { class: "num loss" }, s.losses),
          h("td", null, s.test.name), h("td", { class: "num" }, pval(s.test.p)),
        ),
      ),
      { id: "compare-table" },
    ),
  ];
  for (const s of c.scorers)
    if (s.wilcoxon)
      parts.push(h("p", { class: "wilcoxon", "data-scorer": s.scorer }, `${s.scorer}: Wilcoxon signed-rank W+ = ${s.wilcoxon.wPlus}, W− = ${s.wilcoxon.wMinus} over ${s.wilcoxon.n} non-tied pairs, p = ${pval(s.wilcoxon.p)} (${s.wilcoxon.exact ? "exact" : "normal approximation"})`));
  for (const s of c.scorers) {
    parts.push(h("h2", null, h("span", { class: "flipped-count", "data-scorer": s.scorer }, String(s.flippedTotal)), ` flipped samples · ${s.scorer}`));
    if (s.flippedTotal > s.flipped.length) parts.push(h("p", { class: "muted" }, `showing the first ${s.flipped.length} (assay compare --json lists all)`));
    parts.push(
      table(
        ["sample", "A", "B", "side by side"],
        s.flipped.map((f) =>
          h("tr", { class: `flip ${f.b > f.a ? "win" : "loss"}`, "data-sample": f.sampleId },
            h("td", null, f.sampleId),
            h("td", { class: "num" }, h("a", { href: `#/sample/${enc(c.a.id)}/${enc(f.sampleId)}/1` }, fmt(f.a))),
            h("td", { class: "num" }, h("a", { href: `#/sample/${enc(c.b.id)}/${enc(f.sampleId)}/1` }, fmt(f.b))),
            h("td", null, h("a", { href: `#/pair/${enc(c.a.id)}/${enc(c.b.id)}/${enc(f.sampleId)}` }, "open both")),
          ),
        ),
        { class: "flips", "data-scorer": s.scorer },
      ),
    );
  }
  show(...parts);
}

/** Several runs, each against the first (the baseline): one row per run and scorer, from the paired API. */
async function compareManyPage(ids) {
  const [base, ...others] = ids;
  setCrumbs(["runs", "#/runs"], [`compare ${ids.length} runs`, `#/compare-many/${ids.map(enc).join("/")}`]);
  const answers = await Promise.all(others.map((id) => api(`compare?a=${enc(base)}&b=${enc(id)}`)));
  if (answers.some((c) => c.pending)) {
    show(h("h1", null, "Compare"), h("p", { class: "muted", id: "ci-pending" }, "Comparing the runs (paired bootstrap over the shared samples); this page fills in when it is ready."));
    refreshTimer = setTimeout(route, 500);
    return;
  }
  const rows = answers.flatMap((c) =>
    c.scorers.map((s) =>
      h("tr", { "data-run": c.b.id, "data-scorer": s.scorer },
        h("td", null, h("a", { href: `#/compare/${enc(base)}/${enc(c.b.id)}` }, c.b.id)), h("td", null, c.b.model), h("td", null, s.scorer), h("td", { class: "num" }, s.n),
        h("td", { class: "num" }, fmt(s.meanB)), h("td", { class: "num diff" }, signed(s.diff.value)), h("td", { class: "num paired-ci" }, `[${signed(s.diff.lower)}, ${signed(s.diff.upper)}]`),
        h("td", { class: "num" }, `${s.wins} / ${s.ties} / ${s.losses}`), h("td", { class: "num" }, pval(s.test.p)),
      ),
    ),
  );
  const first = answers[0];
  show(
    h("h1", null, `Compare ${ids.length} runs`),
    h("p", null, "Each run against the baseline ", h("a", { href: `#/run/${enc(base)}` }, base), first ? ` (${first.a.model})` : "", ": the difference of means with a 95% paired bootstrap CI over the samples both ran, wins / ties / losses and the paired test's p. Open a row for its flipped samples."),
    table(["run", "model", "scorer", "n", "mean", "− baseline", "95% paired CI", "wins / ties / losses", "p"], rows, { id: "compare-many" }),
  );
}

async function pairPage(a, b, sampleId) {
  const [da, db] = await Promise.all([api(`runs/${enc(a)}/samples/${enc(sampleId)}/1`), api(`runs/${enc(b)}/samples/${enc(sampleId)}/1`)]);
  setCrumbs(["runs", "#/runs"], ["compare", `#/compare/${enc(a)}/${enc(b)}`]);
  show(
    h("h1", null, `Sample ${sampleId}: A and B`),
    h("div", { class: "pair" },
      h("div", null, h("h2", null, `A · ${da.run.model}`), sampleView(da)),
      h("div", null, h("h2", null, `B · ${db.run.model}`), sampleView(db)),
    ),
  );
}

// ---------- research plots (assay view --fit / --moe-report) ----------

async function artefactsPage() {
  const list = await api("artefacts");
  setCrumbs(["runs", "#/runs"], ["research plots", "#/artefacts"]);
  const figures = list.map((a) =>
    h("figure", { class: "artefact", "data-kind": a.kind },
      h("figcaption", null, h("strong", null, a.title), h("span", { class: "muted" }, ` · ${a.source}`)),
      h("img", { class: "chart", src: `api/artefacts/${a.id}.svg`, alt: a.title })));
  show(
    h("h1", null, "Research plots"),
    ...(figures.length
      ? figures
      : [h("p", { class: "muted" }, "None: start the viewer with --fit FILE (smi fit --out) or --moe-report FILE (moe report).")]),
  );
}

// ---------- router ----------

async function route() {
  clearTimeout(refreshTimer);
  const seq = ++renderSeq;
  const hash = location.hash || "#/runs";
  const [path, qs] = hash.slice(2).split("?");
  const parts = path.split("/").map((p) => decodeURIComponent(p));
  const query = new URLSearchParams(qs ?? "");
  setStatus("loading…");
  try {
    const page =
      parts[0] === "run" ? runPage(parts[1])
      : parts[0] === "samples" ? samplesPage(parts[1], query)
      : parts[0] === "sample" ? samplePage(parts[1], parts[2], Number(parts[3] ?? 1))
      : parts[0] === "compare" ? comparePage(parts[1], parts[2])
      : parts[0] === "compare-many" ? compareManyPage(parts.slice(1))
      : parts[0] === "pair" ? pairPage(parts[1], parts[2], parts[3])
      : parts[0] === "artefacts" ? artefactsPage()
      : runsPage(query);
    await page;
    if (seq === renderSeq) setStatus("");
  } catch (err) {
    if (seq !== renderSeq) return;
    setStatus(err.message, true);
    show(h("h1", null, "Could not load this page"), h("p", { id: "page-error" }, err.message));
  }
}

window.addEventListener("hashchange", route);
route();
