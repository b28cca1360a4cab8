/**
 * Expected closed-book accuracy for a model size that has not been trained: place each fact on the
 * metric axis from corpus counts alone (the same filter, binning and min–max normalisation as the fit,
 * over the facts of the counts file), then apply slope and intercept for the target size.
 */
import { placeFacts, type SmiMethod } from "./fit.js";
import { coefficientsFor, type FitFile } from "./fitfile.js";
import type { CountRow } from "./rows.js";

export interface FactPrediction {
  idx: number;
  subj: string;
  rel: string;
  obj: string;
  /** Position on the metric axis, or null for facts the method cannot place (MI <= 0). */
  x: number | null;
  /** a·x + b clipped to [0, 1]; null when x is null. */
  predictedAcc: number | null;
  /** The measured accuracy when the input rows carry one. */
  acc?: number;
}

export interface PredictionSummary {
  method: SmiMethod;
  modelSize: number;
  exponent: number;
  slope: number;
  intercept: number;
  coefficientSource: string;
  facts: number;
  placedFacts: number;
  /** Mean predicted accuracy over the placed facts. */
  meanPredictedAcc: number;
  /** Present when the rows carry measured accuracy: mean over the same placed facts. */
  meanMeasuredAcc?: number;
  /** Mean absolute error per fact, when measured accuracy is present. */
  meanAbsError?: number;
}

export interface Prediction {
  summary: PredictionSummary;
  facts: FactPrediction[];
}

export function predict(
  rows: ReadonlyArray<CountRow & { mi?: number; acc?: number }>,
  fit: FitFile,
  method: SmiMethod,
  modelSize: number,
): Prediction {
  const coef = coefficientsFor(fit, method, modelSize);
  const placement = placeFacts(rows, { method, modelSize, mode: fit.mode, miDefinition: fit.miDefinition });
  const xByRow = new Map<number, number>();
  placement.kept.forEach((rowIndex, k) => {
    xByRow.set(rowIndex, placement.x[k]!);
  });
  let predSum = 0;
  let measuredSum = 0;
  let absErr = 0;
  let measured = 0;
  const facts = rows.map((r, i): FactPrediction => {
    const x = xByRow.get(i);
    const out: FactPrediction = {
      idx: r.idx,
      subj: r.subj,
      rel: r.rel,
      obj: r.obj,
      x: x ?? null,
      predictedAcc: null,
    };
    if (r.acc !== undefined) out.acc = r.acc;
    if (x === undefined) return out;
    const p = Math.max(0, Math.min(1, coef.slope * x + coef.intercept));
    out.predictedAcc = p;
    predSum += p;
    if (r.acc !== undefined) {
      measured++;
      measuredSum += r.acc;
      absErr += Math.abs(p - r.acc);
    }
    return out;
  });
  const placed = placement.kept.length;
  const summary: PredictionSummary = {
    method,
    modelSize,
    exponent: placement.exponent,
    slope: coef.slope,
    intercept: coef.intercept,
    coefficientSource: coef.source,
    facts: rows.length,
    placedFacts: placed,
    meanPredictedAcc: predSum / placed,
  };
  if (measured === placed) {
    summary.meanMeasuredAcc = measuredSum / placed;
    summary.meanAbsError = absErr / placed;
  }
  return { summary, facts };
}
