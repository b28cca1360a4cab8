/**
 * The `annotation` hook of a task definition: what a judged task supplies so that its judge can be
 * validated against human experts (`assay annotate`, `assay agreement`, `assay rejudge`, src/annotate).
 * Plain types only; src/annotate implements the workflow and calls the hook, the task's own folder
 * implements the hook. A task without it still gets the generic behaviour: one item per (sample, epoch)
 * rated on a 1–5 scale, and re-judging by re-scoring a copy of the run with a new prompt folder.
 */
import type { Model } from "../providers/model.js";
import type { RunManifest, RunRow, RunStore, StoredSample, StoredScore } from "../store/run-store.js";

export interface HistoryTurn {
  role: "user" | "assistant";
  content: string;
}

export interface FormField {
  key: string;
  label: string;
  /** Allowed values, ascending. */
  values: number[];
  /** Short text per value shown in the form (optional). */
  valueLabels?: Record<string, string>;
  help?: string;
}

/** The fields an annotator fills in for an item. Every form has a `score` field: agreement compares it. */
export interface FormSpec {
  /** "scale" for the generic form; a task names its own forms (e.g. "mtg", "yes-no"). */
  kind: string;
  fields: FormField[];
  /** Shown where the form's verdict goes until the fields it needs are set; without it no verdict is shown. */
  verdictHint?: string;
  /** How the free-text box is labelled, e.g. "Reason" when the form asks for one. */
  comment?: { label: string; placeholder: string };
}

/** What a form derives from a (partial) rating, e.g. "Appendix D mapped score 6/7 → usable". */
export interface FormVerdict {
  text: string;
  /** The verdict in a word or two, e.g. "usable" / "not usable". */
  label: string;
  positive: boolean;
}

export interface JudgeVerdict {
  /** Scorer the value came from. */
  scorer: string;
  /** Raw numeric judge value (e.g. the mean of three judge runs); null when the judge gave none. */
  value: number | null;
  /** The judge's reasoning / replies. */
  explanation: string;
}

/** One thing an annotator rates: an answer in its context, with the judge's verdict (never shown to them). */
export interface RatingItem {
  itemId: string;
  sampleId: string;
  epoch: number;
  /** Index of the question inside a multi-turn sample, else 0. */
  turn: number;
  /** For the per-category breakdown. */
  category?: string;
  history: HistoryTurn[];
  question: string;
  answer: string;
  reference?: string;
  checklist?: string;
  form: FormSpec;
  judge?: JudgeVerdict;
  /** What the judge prompt was filled from, in the task's own shape; read back by the task's refine hook. */
  judgeInput?: unknown;
}

export interface ItemOptions {
  /** Scorer holding the judge's score (default: the task's judge scorer). */
  scorer?: string;
  /** Rating scale (default: the task's, else 1–5). */
  scale?: readonly number[];
  /** Metadata key for the category breakdown (default: "category" when samples have it). */
  groupBy?: string;
}

/** Helpers src/annotate hands to a task's `items`, so tasks build items the way generic ones are built. */
export interface ItemContext {
  options: ItemOptions;
  /** The generic form: one overall score on the scale (with a short rubric on 1–5). */
  scaleForm(scale?: readonly number[]): FormSpec;
  /** Item id of a sample (or of a question in it) at an epoch; epochs after the first get "@k". */
  itemId(base: string, epoch: number): string;
}

/** Per-annotator counts of a form verdict, added to the agreement report (e.g. LLMEval-Med's Appendix D). */
export interface VerdictSummary {
  /** Key of the counts in `assay agreement --json`. */
  key: string;
  /** Line heading the counts in the text report. */
  title: string;
}

export interface RejudgeContext {
  store: RunStore;
  judge: Model;
  newRunId: string;
  concurrency: number;
  signal: AbortSignal;
  progress?: "auto" | "silent";
  /** Creates the new run; an unfinished one with the same id and configuration is started over (true). */
  createRun(manifest: RunManifest): boolean;
}

export interface RejudgeResult {
  runId: string;
  changedItems: string[];
  rejudgedSamples: number;
  copiedSamples: number;
  failed: number;
  /** An interrupted re-judge run with this id was started over. */
  restarted: boolean;
  interrupted: boolean;
}

/** Which items a refinement version changes, and how to re-judge exactly those. */
export interface RejudgePlan {
  /** Item ids whose judge request changed. */
  changed: string[];
  run(ctx: RejudgeContext): Promise<RejudgeResult>;
}

/** Refinement with per-item files: version folders written from a run, and re-judging only what they change. */
export interface RefineHook {
  /** Judge calls one re-judged sample makes at once; sizes the judge's connection limit. */
  judgeCallsPerSample: number;
  /** Writes the first version folder (prompts, per-item checklists) from a judged run. */
  snapshot(
    store: RunStore,
    run: RunRow,
    items: RatingItem[],
    outDir: string,
  ): Promise<{ checklists: number }>;
  /** Compares the run's judge requests with the version's; `from` holds the prompts the run was judged with. */
  plan(
    store: RunStore,
    run: RunRow,
    items: RatingItem[],
    versionDir: string,
    from?: string,
  ): Promise<RejudgePlan>;
}

export interface TaskAnnotation {
  /** The scorer whose value is the judge's verdict that agreement compares. */
  judgeScorer: string;
  /** The rating scale agreement uses when none is given (default 1–5). */
  scale?: readonly number[];
  /** The binary view's threshold: a rating at least this counts as positive (default 4). */
  threshold?: number;
  /** The items of one stored sample (without it: one generic item per sample and epoch). */
  items?(sample: StoredSample, judge: StoredScore | undefined, ctx: ItemContext): RatingItem[];
  /** The verdict a form derives from a rating's dimensions, when the form has one. */
  formVerdict?(item: RatingItem, dimensions: Record<string, number>): FormVerdict | undefined;
  /** Counts `formVerdict` per annotator in the agreement report under this name. */
  verdictSummary?: VerdictSummary;
  /** Refinement with version folders; without it, `rejudge` re-scores a copy of the run through the cache. */
  refine?: RefineHook;
  /** The task option naming the judge prompt folder, for re-judging by re-scoring. */
  promptOption?: string;
  /**
   * The paper's headline agreement figure: percent agreement per category on the binary view, and their
   * mean over every category but `excludeGroups` (printed by `assay agreement`).
   */
  headline?: { label: string; excludeGroups?: string[] };
}
