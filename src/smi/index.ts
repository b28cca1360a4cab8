/** `assay/smi`: co-occurrence counting, SMI fits and closed-book accuracy prediction from code. */
export { type CountOptions, type CountSummary, type MergeOptions, runCount, runMerge } from "./count.js";
export { type FitOptions, type FitResult, fitRows, SMI_METHODS, type SmiMethod, smiExponent } from "./fit.js";
export { fullMi, miOf, pointwiseMi } from "./mi.js";
export { type Prediction, type PredictionSummary, predict } from "./predict.js";
