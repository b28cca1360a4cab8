import { existsSync } from "node:fs";
import { printJson } from "../cli-kit/output.js";
import { openStore } from "../cli-kit/store.js";
import type { TaskArgs } from "../core/types.js";
import { buildModel } from "../providers/build-model.js";
import { UserError } from "../util/errors.js";
import type { parseTrapTypes } from "./trap-types.js";
import type { AutoCheck } from "./verify-traps.js";

export interface GenerateFlags {
  from: string;
  model: string;
  types: ReturnType<typeof parseTrapTypes>;
  allTypes?: boolean;
  limit?: number;
  seed?: number;
  out: string;
  force?: boolean;
  modelBaseUrl?: string;
  modelApiKeyEnv?: string;
  concurrency: number;
  temperature?: number;
  prompts?: string;
  verifyWith?: string;
  verifyBaseUrl?: string;
  verifyPrompt?: string;
  progress: "auto" | "tty" | "plain" | "silent";
  json?: boolean;
}

export async function reportAction(
  runs: string[],
  flags: { db?: string; ci: boolean; breakdown?: boolean; resamples: number; json?: boolean },
): Promise<void> {
  const { formatRunReports, reportForRun } = await import("./report.js");
  const store = openStore(flags.db);
  try {
    const reports = runs.map((id) => reportForRun(store, id, { resamples: flags.resamples }));
    if (flags.json) printJson(reports);
    else
      process.stdout.write(
        `${formatRunReports(reports, { ci: flags.ci, ...(flags.breakdown ? { breakdown: true } : {}) })}\n`,
      );
  } finally {
    store.close();
  }
}

export async function generateAction(flags: GenerateFlags): Promise<void> {
  const { generateTraps, loadGenerationSources, planJobs, writeRecordObjects } = await import(
    "./generate.js"
  );
  const { loadPromptSet } = await import("./prompts.js");
  const { Progress } = await import("../util/progress.js");
  if (existsSync(flags.out) && !flags.force)
    throw new UserError(`${flags.out} exists: pass --force to overwrite, or choose another --out`);
  const prompts = loadPromptSet(flags.prompts);
  const sources = loadGenerationSources(flags.from);
  const jobs = planJobs(sources, flags.types, {
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.allTypes ? { allTypes: true } : {}),
  });
  const model = buildModel({
    id: flags.model,
    concurrency: flags.concurrency,
    ...(flags.modelBaseUrl ? { baseUrl: flags.modelBaseUrl } : {}),
    ...(flags.modelApiKeyEnv ? { apiKeyEnv: flags.modelApiKeyEnv } : {}),
  });
  const progress = new Progress({
    label: "mathtrap generate",
    total: jobs.length,
    unit: "traps",
    mode: flags.progress,
  });
  const { records, failures } = await generateTraps(jobs, model, prompts, {
    concurrency: flags.concurrency,
    ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}),
    onDone: () => progress.tick(),
  });
  progress.finish();
  // Optional automatic check, recorded beside the human approval that evaluation still requires.
  const checked = flags.verifyWith
    ? await verifyRecords(
        records,
        flags.verifyWith,
        flags.verifyBaseUrl,
        { ...flags, modelApiKeyEnv: undefined },
        prompts,
      )
    : undefined;
  writeRecordObjects(flags.out, records);
  if (flags.json)
    printJson({
      out: flags.out,
      written: records.length,
      failed: failures.length,
      failures,
      prompt_hash: prompts.hash,
      ...(checked ? { auto_check: checked } : {}),
    });
  else {
    process.stdout.write(`wrote ${records.length} unverified trap record(s) to ${flags.out}\n`);
    if (checked) process.stdout.write(`${checkSummaryText(checked)}\n`);
    for (const f of failures) process.stdout.write(`failed: ${f.source} (${f.trapType}): ${f.error}\n`);
    if (records.length) process.stdout.write(`review them with  assay mathtrap approve ${flags.out}\n`);
  }
  if (failures.length) process.exitCode = 1;
}

export async function approveAction(
  file: string,
  flags: { index?: string; all?: boolean; reject?: string; by?: string; json?: boolean },
): Promise<void> {
  const { loadTrapRecords } = await import("./data.js");
  const { approveRecords, parseIndexList, readRecordObjects, writeRecordObjects } = await import(
    "./generate.js"
  );
  const raw = readRecordObjects(file);
  const parsed = loadTrapRecords(file);
  if (!flags.index && !flags.all && !flags.reject) {
    const pending = parsed.filter((r) => !r.verified);
    if (flags.json) {
      printJson(
        pending.map((r) => ({
          index: r.index,
          trap_type: r.trapType,
          trap_problem: r.trapProblem,
          human_annotation: r.humanAnnotation,
          original_problem: r.originalProblem,
        })),
      );
      return;
    }
    process.stdout.write(`${pending.length} of ${parsed.length} record(s) await review in ${file}\n`);
    for (const r of pending) {
      const check = raw[r.index]?.auto_check as AutoCheck | undefined;
      process.stdout.write(
        `\n[${r.index}] ${r.trapType} (${r.subject})\n  original: ${r.originalProblem}\n  trap:     ${r.trapProblem}\n  flaw:     ${r.humanAnnotation}\n` +
          (check ? `  auto check (${check.model}): ${describeCheck(check)}\n` : ""),
      );
    }
    if (pending.length)
      process.stdout.write(
        `\napprove with  assay mathtrap approve ${file} --index 0,2  (or --all); drop with --reject\n`,
      );
    return;
  }
  const approve = flags.all
    ? parsed.filter((r) => !r.verified).map((r) => r.index)
    : flags.index
      ? parseIndexList(flags.index, raw.length, "--index")
      : [];
  const reject = flags.reject ? parseIndexList(flags.reject, raw.length, "--reject") : [];
  const result = approveRecords(raw, approve, reject, flags.by);
  writeRecordObjects(file, result.records);
  if (flags.json)
    printJson({
      file,
      approved: result.approved,
      rejected: result.rejected,
      remaining: result.records.length,
    });
  else
    process.stdout.write(
      `${file}: approved ${result.approved}, removed ${result.rejected}, ${result.records.length} record(s) remain\n`,
    );
}

export async function checkAction(
  response: string | undefined,
  reference: string | undefined,
  flags: { jsonl?: string; json?: boolean },
): Promise<void> {
  const { checkMathAnswer } = await import("../scorers/math-answer.js");
  for (const value of [response, reference]) {
    if (value?.startsWith("--"))
      throw new UserError(`unknown option "${value}" (values may start with one "-", not two)`);
  }
  if (flags.jsonl === undefined) {
    if (response === undefined || reference === undefined)
      throw new UserError("give a response and a reference, or --jsonl FILE");
    printJson(checkMathAnswer(response, reference));
    return;
  }
  if (response !== undefined)
    throw new UserError("--jsonl reads responses from the file: give no positional values");
  const { checkBatch, formatBatch } = await import("./check-batch.js");
  const result = await checkBatch(flags.jsonl);
  if (flags.json) printJson(result);
  else process.stdout.write(formatBatch(result));
}

export async function importAnswersAction(
  file: string,
  flags: { model: string; dataset: string; taskArg?: TaskArgs; runId?: string; db?: string; json?: boolean },
): Promise<void> {
  const { importMathtrapAnswers } = await import("./import-answers.js");
  const store = openStore(flags.db);
  try {
    const result = await importMathtrapAnswers(store, file, {
      model: flags.model,
      taskArgs: { ...flags.taskArg, dataset: flags.dataset },
      ...(flags.runId ? { runId: flags.runId } : {}),
    });
    if (flags.json) printJson(result);
    else {
      process.stdout.write(
        `stored ${result.imported} answers as run ${result.runId}` +
          (result.unanswered.length
            ? ` (${result.unanswered.length} items of the task have no answer)`
            : "") +
          `\nscore it with:  assay rescore ${result.runId} --judge <provider/model>\n`,
      );
    }
  } finally {
    store.close();
  }
}

export async function verifyTrapsAction(
  file: string,
  flags: {
    model: string;
    modelBaseUrl?: string;
    modelApiKeyEnv?: string;
    all?: boolean;
    concurrency: number;
    prompts?: string;
    verifyPrompt?: string;
    json?: boolean;
  },
): Promise<void> {
  const { readRecordObjects, writeRecordObjects } = await import("./generate.js");
  const { loadTrapRecords } = await import("./data.js");
  const { loadPromptSet } = await import("./prompts.js");
  const raw = readRecordObjects(file);
  const parsed = loadTrapRecords(file);
  // Approved records keep their human verdict; --all checks those too.
  const todo = parsed.filter((r) => flags.all || !r.verified).map((r) => raw[r.index]!);
  if (todo.length === 0)
    throw new UserError(`${file}: no unverified record to check (--all checks every record)`);
  const checked = await verifyRecords(
    todo as unknown as CheckRecord[],
    flags.model,
    flags.modelBaseUrl,
    flags,
    loadPromptSet(flags.prompts),
  );
  writeRecordObjects(file, raw);
  if (flags.json) printJson({ file, ...checked });
  else process.stdout.write(`${checkSummaryText(checked)}\nrecorded as auto_check in ${file}\n`);
}

type CheckRecord = Parameters<typeof import("./verify-traps.js").verifyTraps>[0][number];

/** Run the verifier over records (in place) and count its verdicts. */
async function verifyRecords(
  records: CheckRecord[],
  modelId: string,
  baseUrl: string | undefined,
  flags: {
    concurrency: number;
    modelApiKeyEnv?: string;
    verifyPrompt?: string;
    progress?: "auto" | "tty" | "plain" | "silent";
  },
  prompts: import("./prompts.js").PromptSet,
): Promise<{ checked: number; passed: number; notFlawed: number; otherType: number; unreadable: number }> {
  const { verifyTraps } = await import("./verify-traps.js");
  const { Progress } = await import("../util/progress.js");
  const verifier = buildModel({
    id: modelId,
    concurrency: flags.concurrency,
    ...(baseUrl ? { baseUrl } : {}),
    ...(flags.modelApiKeyEnv ? { apiKeyEnv: flags.modelApiKeyEnv } : {}),
  });
  const progress = new Progress({
    label: "mathtrap verify",
    total: records.length,
    unit: "traps",
    mode: flags.progress ?? "auto",
  });
  const out = await verifyTraps(records, verifier, prompts, {
    concurrency: flags.concurrency,
    ...(flags.verifyPrompt ? { promptFile: flags.verifyPrompt } : {}),
    onDone: () => progress.tick(),
  });
  progress.finish();
  const c = out.map((r) => r.auto_check);
  return {
    checked: c.length,
    passed: c.filter((x) => x.passed).length,
    notFlawed: c.filter((x) => x.flawed === false).length,
    otherType: c.filter((x) => x.flawed === true && !x.passed).length,
    unreadable: c.filter((x) => x.flawed === null).length,
  };
}

function checkSummaryText(c: {
  checked: number;
  passed: number;
  notFlawed: number;
  otherType: number;
  unreadable: number;
}): string {
  return (
    `auto check: ${c.passed} of ${c.checked} flawed as labelled, ${c.notFlawed} judged not flawed, ` +
    `${c.otherType} flawed but of another type, ${c.unreadable} unreadable (a person still approves each record)`
  );
}

function describeCheck(c: AutoCheck): string {
  if (c.flawed === null) return `no verdict (${c.error ?? "unreadable"})`;
  if (!c.flawed) return `NOT flawed — ${c.reason}`;
  return `${c.passed ? "flawed as labelled" : `flawed, but as ${c.predicted_type ?? "another kind"}`} — ${c.reason}`;
}
