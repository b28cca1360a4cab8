/**
 * `assay show <run> --sample <id>`: one sample's output and every score it got, with the extracted
 * answer and the full explanation (a judge's verdict texts, e.g. each run of the rubric scorer), per epoch.
 */
import { printJson } from "../../cli-kit/output.js";
import type { RunRow, RunStore } from "../../store/run-store.js";
import { UserError } from "../../util/errors.js";

function indent(text: string, pad: string): string {
  return text
    .split("\n")
    .map((l) => pad + l)
    .join("\n");
}

export function showSample(store: RunStore, run: RunRow, sampleId: string, json: boolean): void {
  const epochs = Array.from({ length: run.manifest.epochs }, (_, i) => i + 1).flatMap((epoch) => {
    const s = store.getSample(run.id, sampleId, epoch);
    if (!s) return [];
    const scores = store.scoresOf(run.id, sampleId, epoch).map((sc) => ({
      scorer: sc.scorer,
      value: sc.raw,
      answer: sc.answer,
      explanation: sc.explanation,
      metadata: sc.metadata,
    }));
    return [{ epoch, output: s.output, error: s.error, scores }];
  });
  if (epochs.length === 0) throw new UserError(`run ${run.id} has no sample "${sampleId}"`);
  if (json) return void printJson({ runId: run.id, sampleId, epochs });
  const out: string[] = [];
  for (const e of epochs) {
    out.push(`sample ${sampleId} · epoch ${e.epoch}`);
    out.push(`output:\n${indent(e.output ?? "(none)", "  ")}`);
    if (e.error) out.push(`error:\n${indent(e.error, "  ")}`);
    for (const sc of e.scores) {
      out.push(
        `${sc.scorer}: ${JSON.stringify(sc.value)}${sc.answer !== null ? ` (answer: ${sc.answer})` : ""}`,
      );
      if (sc.explanation) out.push(indent(sc.explanation, "  "));
    }
    out.push("");
  }
  process.stdout.write(out.join("\n"));
}
