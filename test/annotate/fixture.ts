/**
 * A small judged LLMEval-Med run written straight into a run database (no model calls): seven
 * conversations, one of them two turns long, one Medical Text Generation item, and one answer that
 * tries to run script. Judge scores are single-run integers, so the judge value of each question is
 * exactly JUDGE below.
 */
import type { Score } from "../../src/core/types.js";
import { CATEGORIES, type CategoryCode } from "../../src/llmeval-med/categories.js";
import { loadPromptSet } from "../../src/llmeval-med/prompts.js";
import type { ConversationMeta, TurnMeta } from "../../src/llmeval-med/samples.js";
import { JUDGE_SCORER, type JudgeScoreMetadata, type TurnJudgement } from "../../src/llmeval-med/scorer.js";
import { openStore } from "../../src/store/open.js";

export const HOSTILE_ANSWER =
  'Take **two** tablets daily.\n\n<script>window.__pwned = "script"</script>\n\n' +
  "<img src=x onerror=\"window.__pwned = 'img'\">\n\nDose: $\\frac{5}{2}$ mg/kg, see [guide](javascript:alert(1)).";

export interface FixtureQuestion {
  id: string;
  code: CategoryCode;
  group: number;
  round: number;
  problem: string;
  answer: string;
  checklist?: string;
  sanswer?: string;
  judge: number;
}

/** Item order as listed here; judge scores chosen so the κ values in the tests work out by hand. */
export const QUESTIONS: FixtureQuestion[] = [
  {
    id: "MK-1-1",
    code: "MK",
    group: 1,
    round: 1,
    problem: "What is the first-line drug for type 2 diabetes?",
    answer: "Metformin, unless contraindicated.",
    checklist: "Core: 1. names metformin\nSecondary: 1. mentions contraindications",
    sanswer: "Metformin.",
    judge: 5,
  },
  {
    id: "MK-2-1",
    code: "MK",
    group: 2,
    round: 1,
    problem: "Normal adult resting heart rate?",
    answer: "60–100 beats per minute.",
    checklist: "Core: 1. gives 60–100 bpm",
    sanswer: "60–100 bpm.",
    judge: 4,
  },
  {
    id: "MK-3-1",
    code: "MK",
    group: 3,
    round: 1,
    problem: "How should paracetamol be dosed for a child?",
    answer: HOSTILE_ANSWER,
    checklist: "Core: 1. weight-based dosing\n2. maximum daily dose",
    sanswer: "10–15 mg/kg every 4–6 h, at most 60 mg/kg/day.",
    judge: 4,
  },
  {
    id: "MR-1-1",
    code: "MR",
    group: 1,
    round: 1,
    problem: "A 60-year-old has crushing chest pain for 30 minutes. First test?",
    answer: "A 12-lead ECG within 10 minutes.",
    checklist: "Core: 1. ECG first",
    sanswer: "12-lead ECG.",
    judge: 3,
  },
  {
    id: "MR-1-2",
    code: "MR",
    group: 1,
    round: 2,
    problem: "The ECG shows ST elevation in II, III and aVF. Diagnosis?",
    answer: "Inferior STEMI; activate the cath lab.",
    checklist: "Core: 1. inferior STEMI\n2. reperfusion",
    sanswer: "Inferior wall STEMI.",
    judge: 2,
  },
  {
    id: "MSE-1-1",
    code: "MSE",
    group: 1,
    round: 1,
    problem: "May I share a patient's HIV status with their employer?",
    answer: "No, not without the patient's consent.",
    checklist: "Core: 1. refuses without consent",
    sanswer: "No.",
    judge: 5,
  },
  {
    id: "MTG-1-1",
    code: "MTG",
    group: 1,
    round: 1,
    problem: "Write a discharge summary for an uncomplicated appendectomy.",
    answer:
      "# Discharge summary\n\n| Item | Detail |\n|---|---|\n| Procedure | Laparoscopic appendectomy |\n| Course | Uneventful |\n\n- Follow up in 2 weeks\n- Return if fever",
    judge: 1,
  },
  {
    id: "MLU-1-1",
    code: "MLU",
    group: 1,
    round: 1,
    problem: "Summarise: 'Pt c/o SOB x3d, worse on exertion.'",
    answer: "The patient has had shortness of breath for three days, worse on exertion.",
    checklist: "Core: 1. expands abbreviations",
    sanswer: "Shortness of breath for 3 days, worse with exertion.",
    judge: 4,
  },
];

/** Ratings the tests enter, by item id (same order as QUESTIONS). */
export const ALICE = [5, 4, 3, 3, 2, 4, 1, 4];
export const BOB = [5, 4, 4, 3, 2, 5, 1, 3];

function zh(code: CategoryCode): string {
  return CATEGORIES.find((c) => c.code === code)!.zh;
}

export async function writeFixtureRun(dbPath: string, runId = "med-run"): Promise<void> {
  const prompts = await loadPromptSet({ lang: "en" });
  const store = openStore(dbPath);
  store.createRun({
    runId,
    createdAt: new Date().toISOString(),
    toolVersion: "test",
    task: {
      name: "llmeval-med",
      version: `1+prompts.${prompts.hash.slice(0, 16)}`,
      args: { judge_lang: "en", judge_runs: 1, judge_attempts: 1, verdict_rule: "robust" },
    },
    model: { id: "scripted/secret-model-name" },
    judge: { id: "openai/judge" },
    generate: {},
    epochs: 1,
    epochReducer: "mean",
    scorers: [{ name: JUDGE_SCORER, metrics: ["mean"] }],
    execution: { concurrency: 1, maxRetries: 0, cache: true },
    configHash: "fixture",
  });
  const convs = new Map<string, FixtureQuestion[]>();
  for (const q of QUESTIONS) {
    const key = `${q.code}-${q.group}`;
    convs.set(key, [...(convs.get(key) ?? []), q]);
  }
  let seq = 0;
  for (const [key, qs] of convs) {
    const code = qs[0]!.code;
    const turns: TurnMeta[] = qs.map((q) => ({
      id: q.id,
      round: q.round,
      problem: q.problem,
      ...(q.checklist !== undefined ? { checklist: q.checklist } : {}),
      ...(q.sanswer !== undefined ? { sanswer: q.sanswer } : {}),
    }));
    const metadata: ConversationMeta = { category: zh(code), code, groupCode: qs[0]!.group, turns };
    const messages = [
      { role: "system", content: "You are a helpful assistant." },
      ...qs.flatMap((q) => [
        { role: "user", content: q.problem },
        { role: "assistant", content: q.answer },
      ]),
    ];
    const judged: TurnJudgement[] = qs.map((q) => ({
      id: q.id,
      round: q.round,
      runs: [
        {
          score: q.judge,
          attempts: 1,
          rule: "final-score",
          verdicts: [
            `The answer meets ${q.judge >= 4 ? "the core requirements" : "few requirements"}.\nFinal score: [${q.judge}]`,
          ],
        },
      ],
      mean: q.judge,
      usable: q.judge >= 4,
    }));
    const meta: JudgeScoreMetadata = {
      code,
      category: zh(code),
      prompts: { label: prompts.label, lang: prompts.lang, hash: prompts.hash },
      rule: "robust",
      turns: judged,
    };
    const score: Score = {
      value: judged.filter((t) => t.usable).length / judged.length,
      answer: "",
      explanation: "",
      metadata: meta,
    };
    store.addResult(runId, {
      sampleId: key,
      epoch: 1,
      seq: seq++,
      input: messages.slice(0, 2),
      metadata,
      messages,
      output: qs.at(-1)!.answer,
      store: { answers: qs.map((q) => ({ id: q.id, round: q.round, answer: q.answer })) },
      inputTokens: 0,
      outputTokens: 0,
      judgeInputTokens: 0,
      judgeOutputTokens: 0,
      cached: false,
      scores: { [JUDGE_SCORER]: score },
    });
  }
  store.flush();
  store.setStatus(runId, "completed");
  store.close();
}
