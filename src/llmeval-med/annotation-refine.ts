/**
 * LLMEval-Med's refinement loop: version folders and re-judging only what a version changes (the
 * `refine` part of its annotation hook).
 *
 * A refinement version is a folder (keep them side by side, e.g. refine/v1, refine/v2, and diff them):
 *
 *   <version>/prompts/<CODE>.md, system.md   the judge prompt set (MK, MLU, MR, MSE, MTG)
 *   <version>/checklists/<item-id>.md         one checklist per question, exactly the text the judge sees
 *   <version>/version.json                    what the folder was made from (run, prompt-set hash)
 *
 * `snapshot` writes v1 from a judged run. After editing a copy, `plan` compares, for every question,
 * the judge prompt the run was judged with (its stored checklist in the old prompt set) with the prompt
 * the new version gives (checklist file in the new prompt set), and the plan re-judges only the
 * questions whose prompt text differs. The scorer stores the prompt-set hash with each score; the old
 * set is rebuilt from the run's manifest and must match that hash (or be given with `from`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Score, TaskState } from "../core/types.js";
import { computeSummary } from "../engine/summary.js";
import type { RunManifest, RunRow, RunStore, StoredSample } from "../store/run-store.js";
import { storedAsResult, storedScores } from "../store/stored-result.js";
import type {
  RatingItem,
  RefineHook,
  RejudgeContext,
  RejudgePlan,
  RejudgeResult,
} from "../tasks/annotation.js";
import { errorMessage, UserError } from "../util/errors.js";
import { sha256 } from "../util/hash.js";
import { Progress } from "../util/progress.js";
import { redact } from "../util/secrets.js";
import type { QuestionJudgeInput } from "./annotation.js";
import type { CategoryCode } from "./categories.js";
import { CATEGORY_CODES } from "./categories.js";
import { judgeMessages, loadPromptSet, type PromptLang, type PromptSet } from "./prompts.js";
import type { TurnMeta } from "./samples.js";
import {
  JUDGE_SCORER,
  type JudgeScoreMetadata,
  llmevalMedJudge,
  summariseJudgement,
  type VerdictRuleName,
} from "./scorer.js";

/** Item ids can hold characters that are not safe in file names. */
export function checklistFileName(itemId: string): string {
  const base = itemId.replace(/@\d+$/, "");
  return `${/^[A-Za-z0-9_.-]+$/.test(base) && !base.startsWith(".") ? base : encodeURIComponent(base).replace(/\./g, "%2E")}.md`;
}

/** The prompt set a run was judged with, checked against the hash stored with its scores. */
export async function runPromptSet(store: RunStore, run: RunRow, from?: string): Promise<PromptSet> {
  const args = run.manifest.task.args;
  const set = from
    ? await loadPromptSet({ dir: promptDirOf(from), lang: String(args.judge_lang ?? "zh") as PromptLang })
    : await loadPromptSet({
        ...(args.judge_prompts !== undefined ? { dir: String(args.judge_prompts) } : {}),
        lang: String(args.judge_lang ?? "zh") as PromptLang,
      });
  // A re-judged run mixes hashes: copied items keep the old set's, whose prompts rendered identically.
  const stored = store
    .scoresFor(run.id)
    .filter((s) => s.scorer === JUDGE_SCORER && s.metadata)
    .map((s) => s.metadata as JudgeScoreMetadata);
  if (stored.length && !stored.some((m) => m.prompts?.hash === set.hash)) {
    const first = stored[0]!.prompts;
    throw new UserError(
      `run ${run.id} was judged with prompt set ${first.hash.slice(0, 12)} (${first.label}), ` +
        `but ${set.dir} now hashes to ${set.hash.slice(0, 12)}; pass --from <version folder> holding the prompts it was judged with`,
    );
  }
  return set;
}

/** A version folder holds prompts/; a plain prompt folder (MK.md …) is accepted as well. */
function promptDirOf(dir: string): string {
  if (existsSync(join(dir, "prompts"))) return join(dir, "prompts");
  return dir;
}

export async function snapshot(
  store: RunStore,
  run: RunRow,
  items: RatingItem[],
  outDir: string,
): Promise<{ checklists: number }> {
  const set = await runPromptSet(store, run);
  mkdirSync(join(outDir, "prompts"), { recursive: true });
  mkdirSync(join(outDir, "checklists"), { recursive: true });
  for (const code of CATEGORY_CODES)
    writeFileSync(join(outDir, "prompts", `${code}.md`), set.templates[code]);
  writeFileSync(join(outDir, "prompts", "system.md"), `${set.system}\n`);
  let n = 0;
  const done = new Set<string>();
  for (const it of items) {
    const name = checklistFileName(it.itemId);
    if (it.checklist === undefined || done.has(name)) continue;
    done.add(name);
    // A final newline keeps diffs clean; rejudge ignores trailing whitespace when comparing.
    writeFileSync(join(outDir, "checklists", name), `${it.checklist.trimEnd()}\n`);
    n++;
  }
  writeFileSync(
    join(outDir, "version.json"),
    `${JSON.stringify({ createdFrom: run.id, promptSet: { label: set.label, hash: set.hash }, createdAt: new Date().toISOString() }, null, 2)}\n`,
  );
  return { checklists: n };
}

/** Checklist edits of a version folder, by file name. */
function readChecklists(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const cdir = join(dir, "checklists");
  if (!existsSync(cdir)) return out;
  for (const f of readdirSync(cdir)) if (f.endsWith(".md")) out.set(f, readFileSync(join(cdir, f), "utf8"));
  return out;
}

/** The judge's request for an item, without the answer: what a refinement can change. */
function promptKey(set: PromptSet, turn: TurnMeta, category: string, code: CategoryCode): string {
  return sha256(
    JSON.stringify(judgeMessages(set, { ...turn, category, info: { code } }, "\u0000ANSWER\u0000")),
  );
}

interface ChecklistPlan {
  oldSet: PromptSet;
  newSet: PromptSet;
  /** Item ids whose judge prompt changed. */
  changed: string[];
  /** Sample id + epoch → new checklist per turn id. */
  newChecklists: Map<string, Map<string, string>>;
}

export async function planRejudge(
  store: RunStore,
  run: RunRow,
  items: RatingItem[],
  versionDir: string,
  from?: string,
): Promise<RejudgePlan> {
  if (!existsSync(versionDir)) throw new UserError(`--prompts ${versionDir}: no such folder`);
  const oldSet = await runPromptSet(store, run, from);
  const hasPrompts = existsSync(join(versionDir, "prompts")) || existsSync(join(versionDir, "MK.md"));
  const newSet = hasPrompts
    ? await loadPromptSet({ dir: promptDirOf(versionDir), lang: oldSet.lang })
    : oldSet;
  const edits = readChecklists(versionDir);
  const changed: string[] = [];
  const newChecklists = new Map<string, Map<string, string>>();
  const knownFiles = new Set(items.map((it) => checklistFileName(it.itemId)));
  for (const f of edits.keys())
    if (!knownFiles.has(f))
      throw new UserError(`${join(versionDir, "checklists", f)}: no question of run ${run.id} has this id`);
  for (const it of items) {
    const input = it.judgeInput as QuestionJudgeInput | undefined;
    if (!input) continue;
    const edit = edits.get(checklistFileName(it.itemId));
    const old = input.checklist ?? "";
    // Editors add a final newline; that alone is not an edit.
    const checklist =
      edit === undefined || edit.trimEnd() === old.trimEnd() ? input.checklist : edit.trimEnd();
    const turn: TurnMeta = { ...input, ...(checklist !== undefined ? { checklist } : {}) };
    if (
      promptKey(oldSet, input, input.category, input.code) !==
      promptKey(newSet, turn, input.category, input.code)
    ) {
      changed.push(it.itemId);
      const key = `${it.sampleId}\u0000${it.epoch}`;
      const m = newChecklists.get(key) ?? new Map<string, string>();
      if (checklist !== undefined && checklist !== input.checklist) m.set(input.id, checklist);
      newChecklists.set(key, m);
    }
  }
  const plan: ChecklistPlan = { oldSet, newSet, changed, newChecklists };
  return { changed, run: (ctx) => rejudge(run, plan, versionDir, ctx) };
}

/** Writes a new run: unchanged samples copied with their scores, changed ones judged again. */
async function rejudge(
  run: RunRow,
  plan: ChecklistPlan,
  versionDir: string,
  opts: RejudgeContext,
): Promise<RejudgeResult> {
  const { store, newRunId } = opts;
  const args = run.manifest.task.args;
  const manifest: RunManifest = {
    ...run.manifest,
    runId: newRunId,
    createdAt: new Date().toISOString(),
    task: {
      ...run.manifest.task,
      version: `${run.manifest.task.version.split("+prompts.")[0]}+prompts.${plan.newSet.hash.slice(0, 16)}`,
      args: { ...args, ...(plan.newSet !== plan.oldSet ? { judge_prompts: plan.newSet.dir } : {}) },
    },
    judge: { id: opts.judge.id },
    configHash: sha256(`${run.manifest.configHash}|rejudge|${plan.newSet.hash}|${plan.changed.join(",")}`),
  };
  const restarted = opts.createRun(manifest);
  const scorer = llmevalMedJudge({
    prompts: plan.newSet,
    runs: Number(args.judge_runs ?? 3),
    attempts: Number(args.judge_attempts ?? 3),
    rule: String(args.verdict_rule ?? "robust") as VerdictRuleName,
  });
  const samples = [...store.iterateSamples(run.id)];
  const todo = samples.filter(
    (s) => plan.newChecklists.has(`${s.sampleId}\u0000${s.epoch}`) && s.output !== null,
  );
  const progress = new Progress({
    label: `rejudge ${newRunId}`,
    total: todo.length,
    unit: "samples",
    mode: opts.progress ?? "auto",
  });
  const copy = (s: StoredSample, metadata: unknown, scores?: Record<string, Score>) =>
    store.addResult(newRunId, storedAsResult(store, run.id, s, { metadata, ...(scores ? { scores } : {}) }));
  for (const s of samples) if (!todo.includes(s)) copy(s, s.metadata);

  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (!opts.signal.aborted && next < todo.length) {
      const s = todo[next++]!;
      const edits = plan.newChecklists.get(`${s.sampleId}\u0000${s.epoch}`)!;
      const meta = s.metadata as { turns: TurnMeta[] } & Record<string, unknown>;
      const turns = meta.turns.map((t) => (edits.has(t.id) ? { ...t, checklist: edits.get(t.id)! } : t));
      const metadata = { ...meta, turns };
      // Judge only the changed questions: the judge sees no conversation history, so a sample holding
      // just those turns (and their answers) gets exactly the requests the full conversation would.
      const changedIds = new Set(plan.changed.map((id) => id.replace(/@\d+$/, "")));
      const keep = turns.map((t) => changedIds.has(t.id));
      const answers = Array.isArray(s.store?.answers) ? (s.store.answers as unknown[]) : [];
      const state: TaskState = {
        sample: {
          id: s.sampleId,
          input: s.input as TaskState["sample"]["input"],
          metadata: { ...metadata, turns: turns.filter((_t, i) => keep[i]) },
        },
        epoch: s.epoch,
        messages: [],
        output: { text: s.output ?? "", latencyMs: 0 },
        store: { ...s.store, answers: answers.filter((_a, i) => keep[i]) },
        usage: { inputTokens: s.inputTokens, outputTokens: s.outputTokens },
        completed: true,
      };
      const previous = storedScores(store, run.id, s);
      try {
        const fresh = await scorer.score(state, { judge: opts.judge, signal: opts.signal, epoch: s.epoch });
        copy(s, metadata, {
          ...previous,
          [JUDGE_SCORER]: mergeJudgement(previous[JUDGE_SCORER], fresh, run.id, versionDir),
        });
      } catch (err) {
        if (opts.signal.aborted) return;
        failed++;
        process.stderr.write(`sample ${s.sampleId}: rejudge failed: ${redact(errorMessage(err))}\n`);
        const { [JUDGE_SCORER]: _dropped, ...others } = previous;
        copy(s, metadata, others);
      }
      progress.tick();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  } finally {
    store.flush();
    progress.finish();
  }
  store.setSummary(newRunId, computeSummary(store, manifest, ["code"]));
  store.setStatus(newRunId, opts.signal.aborted ? "interrupted" : "completed");
  return {
    runId: newRunId,
    changedItems: plan.changed,
    rejudgedSamples: todo.length - failed,
    copiedSamples: samples.length - todo.length,
    failed,
    restarted,
    interrupted: opts.signal.aborted,
  };
}

/** The old judgement with the re-judged questions replaced; value and texts recomputed like the scorer's. */
function mergeJudgement(old: Score | undefined, fresh: Score, from: string, versionDir: string): Score {
  const freshMeta = fresh.metadata as JudgeScoreMetadata;
  const oldTurns = (old?.metadata as JudgeScoreMetadata | undefined)?.turns ?? [];
  const byId = new Map(freshMeta.turns.map((t) => [t.id, t]));
  const turns = oldTurns.length ? oldTurns.map((t) => byId.get(t.id) ?? t) : freshMeta.turns;
  for (const t of freshMeta.turns) if (!turns.includes(t)) turns.push(t);
  return {
    ...summariseJudgement(turns),
    metadata: {
      ...freshMeta,
      turns,
      refine: { from, version: resolve(versionDir), rejudged: freshMeta.turns.map((t) => t.id) },
    },
  };
}

export const llmevalMedRefine: RefineHook = {
  // Each question of a re-judged conversation is judged `judge_runs` times (3 by default) at once.
  judgeCallsPerSample: 3,
  snapshot,
  plan: planRejudge,
};
