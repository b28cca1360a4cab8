// Assay annotation app (browser side). Plain ES module, no framework. Model output is only ever put
// into the page through renderInto (the shared safe renderer: markdown-it without raw HTML, KaTeX
// without trust) or textContent.
import { renderInto } from "./render/browser.js";

const $ = (id) => document.getElementById(id);
const state = {
  annotator: "",
  list: [], // [{ itemId, rated, commented }] in this annotator's order
  pos: 0,
  item: null, // the blind item being shown
  rating: { score: null, dimensions: {}, comment: "" },
  active: 0, // highlighted form field
  saving: Promise.resolve(),
  commentTimer: 0,
  loadSeq: 0,
};

function setStatus(text, isError = false) {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("error", isError);
}

async function api(path, init) {
  const res = await fetch(`api/${path}`, { ...init, credentials: "same-origin", cache: "no-store" });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ? `${body.field ? `${body.field}: ` : ""}${body.error}` : `HTTP ${res.status}`);
  return body;
}

function setMarkdown(el, text) {
  renderInto(el, text ?? "");
}

function updateProgress() {
  const done = state.list.filter((x) => x.rated).length;
  const total = state.list.length;
  $("progress-fill").style.width = total ? `${(100 * done) / total}%` : "0";
  $("progress").setAttribute("aria-valuenow", String(done));
  $("progress").setAttribute("aria-valuemax", String(total));
  $("progress-text").textContent = `${done} / ${total} rated`;
  $("where").textContent = total ? `item ${state.pos + 1} of ${total}` : "";
}

function renderFields() {
  const box = $("fields");
  box.replaceChildren();
  const fields = state.item.form.fields;
  fields.forEach((f, i) => {
    const current = f.key === "score" ? state.rating.score : state.rating.dimensions[f.key];
    const wrap = document.createElement("div");
    wrap.className = `field${i === state.active ? " active" : ""}`;
    wrap.dataset.key = f.key;
    wrap.addEventListener("click", () => {
      state.active = i;
      renderFields();
    });
    const label = document.createElement("div");
    label.className = "label";
    label.textContent = f.label;
    if (f.help) {
      const small = document.createElement("small");
      small.textContent = f.help;
      label.appendChild(small);
    }
    wrap.appendChild(label);
    const choices = document.createElement("div");
    // A single-field form lists the rubric beside each value; longer forms keep one compact row each.
    const labelled = fields.length === 1 && f.valueLabels && f.values.every((v) => f.valueLabels[String(v)]);
    choices.className = labelled ? "choices labelled" : "choices";
    for (const v of f.values) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = `choice${current === v ? " selected" : ""}`;
      b.dataset.value = String(v);
      const num = document.createElement("span");
      num.className = "num";
      num.textContent = String(v);
      b.appendChild(num);
      if (f.valueLabels?.[String(v)]) b.title = f.valueLabels[String(v)];
      if (labelled) {
        const text = document.createElement("span");
        text.className = "text";
        text.textContent = f.valueLabels[String(v)];
        b.appendChild(text);
      }
      b.addEventListener("click", (ev) => {
        ev.stopPropagation();
        state.active = i;
        setValue(f, v);
      });
      choices.appendChild(b);
    }
    wrap.appendChild(choices);
    box.appendChild(wrap);
  });
}

/** A form with a verdict (e.g. LLMEval-Med's Appendix D) shows it once its fields are set, else its hint. */
function renderVerdict(verdict) {
  const el = $("verdict");
  el.replaceChildren();
  const hint = state.item.form.verdictHint;
  if (!hint) return;
  if (!verdict) {
    el.textContent = hint;
    return;
  }
  el.append(`${verdict.text} → `);
  const s = document.createElement("span");
  s.className = verdict.positive ? "usable" : "unusable";
  s.textContent = verdict.label;
  el.appendChild(s);
}

/** The free-text box is a comment, unless the form asks for something else (e.g. a reason). */
function renderCommentLabel(form) {
  const label = $("comment-label");
  label.firstChild.textContent = `${form.comment?.label ?? "Comment"} `;
  $("comment").placeholder = form.comment?.placeholder ?? "Why this rating? What is wrong or missing?";
}

/** Saves the whole rating of the current item; saves are queued so they reach the server in order. */
function save() {
  const item = state.item;
  const body = JSON.stringify({
    itemId: item.itemId,
    score: state.rating.score,
    dimensions: state.rating.dimensions,
    comment: state.rating.comment,
  });
  const entry = state.list[state.pos];
  setStatus("saving…");
  state.saving = state.saving
    .then(() => api("ratings", { method: "POST", headers: { "Content-Type": "application/json" }, body }))
    .then((r) => {
      setStatus(`saved ${new Date(r.updatedAt).toLocaleTimeString()}`);
      if (entry && entry.itemId === item.itemId) {
        entry.rated = state.rating.score !== null;
        entry.commented = state.rating.comment !== "";
      }
      if (state.item === item) renderVerdict(r.verdict);
      updateProgress();
    })
    .catch((err) => setStatus(`NOT saved: ${err.message}`, true));
  return state.saving;
}

function setValue(field, v) {
  if (field.key === "score") state.rating.score = v;
  else state.rating.dimensions[field.key] = v;
  // Move on to the next field that has no value yet (MTG forms have several).
  const fields = state.item.form.fields;
  const nextEmpty = fields.findIndex((f, i) => i > state.active && valueOf(f) === undefined);
  if (nextEmpty >= 0) state.active = nextEmpty;
  renderFields();
  save();
}

function valueOf(f) {
  const v = f.key === "score" ? state.rating.score : state.rating.dimensions[f.key];
  return v === null ? undefined : v;
}

function flushComment() {
  if (state.commentTimer) {
    clearTimeout(state.commentTimer);
    state.commentTimer = 0;
    return save();
  }
  return state.saving;
}

function renderItem(item) {
  state.item = item;
  state.rating = {
    score: item.rating?.score ?? null,
    dimensions: { ...(item.rating?.dimensions ?? {}) },
    comment: item.rating?.comment ?? "",
  };
  const fields = item.form.fields;
  const firstEmpty = fields.findIndex((f) => valueOf(f) === undefined);
  state.active = firstEmpty >= 0 ? firstEmpty : 0;
  $("meta").textContent = `${item.itemId}${item.category ? ` · ${item.category}` : ""}`;
  const hist = $("history");
  hist.replaceChildren();
  $("history-box").hidden = item.history.length === 0;
  $("history-box").open = item.history.length > 0 && item.history.length <= 4;
  $("history-count").textContent = String(item.history.length);
  for (const t of item.history) {
    const d = document.createElement("div");
    d.className = `turn ${t.role === "user" ? "user" : "assistant"}`;
    const r = document.createElement("div");
    r.className = "role";
    r.textContent = t.role === "user" ? "question" : "answer";
    const body = document.createElement("div");
    body.className = "md";
    setMarkdown(body, t.content);
    d.append(r, body);
    hist.appendChild(d);
  }
  setMarkdown($("question"), item.question);
  setMarkdown($("answer"), item.answer);
  $("reference-box").hidden = item.reference === null;
  setMarkdown($("reference"), item.reference ?? "");
  $("checklist-box").hidden = item.checklist === null;
  setMarkdown($("checklist"), item.checklist ?? "");
  $("comment").value = state.rating.comment;
  renderCommentLabel(item.form);
  renderFields();
  renderVerdict(item.verdict);
  updateProgress();
  window.scrollTo(0, 0);
}

async function go(pos) {
  if (pos < 0 || pos >= state.list.length) return;
  await flushComment();
  state.pos = pos;
  const seq = ++state.loadSeq;
  history.replaceState(null, "", `#${pos + 1}`);
  try {
    const item = await api(`items/${pos}`);
    if (seq === state.loadSeq) renderItem(item);
  } catch (err) {
    setStatus(`cannot load item: ${err.message}`, true);
  }
}

function nextUnrated() {
  const n = state.list.length;
  for (let k = 1; k <= n; k++) {
    const i = (state.pos + k) % n;
    if (!state.list[i].rated) return go(i);
  }
  setStatus("all items rated — thank you!");
}

function onKey(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const inText = ev.target instanceof HTMLTextAreaElement;
  if (inText) {
    if (ev.key === "Escape") {
      ev.target.blur();
      flushComment();
    }
    return;
  }
  if (!state.item) return;
  const fields = state.item.form.fields;
  const k = ev.key;
  if (/^[0-9]$/.test(k)) {
    const f = fields[state.active];
    const v = Number(k);
    if (f && f.values.includes(v)) setValue(f, v);
    else setStatus(`${k} is not allowed for ${f ? f.label : "this field"}`, true);
  } else if (k === "ArrowDown" || k === "j") state.active = Math.min(fields.length - 1, state.active + 1), renderFields();
  else if (k === "ArrowUp" || k === "k") state.active = Math.max(0, state.active - 1), renderFields();
  else if (k === "n" || k === "ArrowRight") go(state.pos + 1);
  else if (k === "p" || k === "ArrowLeft") go(state.pos - 1);
  else if (k === "u") nextUnrated();
  else if (k === "c") $("comment").focus();
  else if (k === "r") $("reference-box").open = !$("reference-box").open;
  else if (k === "l") $("checklist-box").open = !$("checklist-box").open;
  else if (k === "?") $("help").hidden = !$("help").hidden;
  else return;
  ev.preventDefault();
}

async function start() {
  try {
    const data = await api("items");
    state.annotator = data.annotator;
    state.list = data.items;
    $("who").textContent = `annotator ${data.annotator}`;
    setStatus("changes save automatically");
    $("loading").hidden = true;
    $("main").hidden = false;
    if (state.list.length === 0) {
      $("main").hidden = true;
      $("loading").hidden = false;
      $("loading").textContent = "This run has no items to rate.";
      return;
    }
    const fromHash = Number(location.hash.slice(1)) - 1;
    const firstUnrated = state.list.findIndex((x) => !x.rated);
    await go(Number.isInteger(fromHash) && fromHash >= 0 && fromHash < state.list.length ? fromHash : Math.max(0, firstUnrated));
  } catch (err) {
    $("loading").textContent = `Cannot load the items: ${err.message}`;
  }
}

$("comment").addEventListener("input", () => {
  state.rating.comment = $("comment").value;
  clearTimeout(state.commentTimer);
  state.commentTimer = setTimeout(() => {
    state.commentTimer = 0;
    save();
  }, 400);
});
$("comment").addEventListener("blur", () => flushComment());
$("prev").addEventListener("click", () => go(state.pos - 1));
$("next").addEventListener("click", () => go(state.pos + 1));
$("next-unrated").addEventListener("click", () => nextUnrated());
$("help-toggle").addEventListener("click", () => ($("help").hidden = !$("help").hidden));
$("form").addEventListener("submit", (ev) => ev.preventDefault());
document.addEventListener("keydown", onKey);
window.addEventListener("beforeunload", (ev) => {
  if (state.commentTimer) {
    flushComment();
    ev.preventDefault();
  }
});
start();
