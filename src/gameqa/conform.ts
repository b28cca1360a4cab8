import { readFileSync } from "node:fs";
import { join } from "node:path";
import { errorMessage, UserError } from "../util/errors.js";
import { readDataset } from "./io.js";
import type { AnyGame } from "./types.js";

export interface ConformMismatch {
  data_id: string;
  question_id: number;
  expected: string | number;
  /** Our recomputed answer, or null when the sample could not be recomputed. */
  got: string | number | null;
  reason?: string;
}

export interface ConformReport {
  game: string;
  examples: string;
  total: number;
  matched: number;
  mismatches: ConformMismatch[];
}

const norm = (v: string | number): string => String(v).trim().toLowerCase();

/**
 * Recompute every published sample of `game` found in `examplesDir` (data.json + states/) with our
 * engine and compare answers. Samples of tasks without a conform hook count as mismatches.
 */
export function conformGame(game: AnyGame, examplesDir: string): ConformReport {
  const { samples, baseDir, file } = readDataset(examplesDir);
  const report: ConformReport = {
    game: game.name,
    examples: file,
    total: samples.length,
    matched: 0,
    mismatches: [],
  };
  for (const sample of samples) {
    const miss = (got: string | number | null, reason?: string): void => {
      report.mismatches.push({
        data_id: sample.data_id,
        question_id: sample.question_id,
        expected: sample.answer,
        got,
        ...(reason ? { reason } : {}),
      });
    };
    const task = game.tasks.find((t) => t.id === sample.question_id);
    if (!task) {
      miss(null, `no task with question_id ${sample.question_id}`);
      continue;
    }
    if (!task.conform) {
      miss(null, `task ${task.name} has no conformance hook`);
      continue;
    }
    const statePath = join(baseDir, sample.state);
    let stateJson: unknown;
    try {
      stateJson = JSON.parse(readFileSync(statePath, "utf8"));
    } catch (err) {
      // The original never wrote this state: a game may still recompute the answer from the sample's text.
      if ((err as NodeJS.ErrnoException).code === "ENOENT" && game.conformWithoutState) {
        const result = game.conformWithoutState(sample);
        if ("skip" in result) miss(null, `no state file; ${result.skip}`);
        else if (norm(result.answer) === norm(sample.answer)) report.matched++;
        else miss(result.answer, result.detail);
        continue;
      }
      miss(null, `state file unreadable: ${statePath} (${errorMessage(err)})`);
      continue;
    }
    try {
      const state = game.parseState(stateJson, statePath);
      const result = task.conform({ sample, state });
      if ("skip" in result) miss(null, result.skip);
      else if (norm(result.answer) === norm(sample.answer)) report.matched++;
      else miss(result.answer, result.detail);
    } catch (err) {
      if (err instanceof UserError) miss(null, err.message);
      else throw err;
    }
  }
  return report;
}
