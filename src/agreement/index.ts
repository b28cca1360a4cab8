/** Public API of the judge–human agreement statistics (pure, no I/O, no dependencies). */

// The bootstrap and the seeded generator behind every interval live in src/stats; these types
// appear in this API's results.
export type { BootstrapOptions, Estimate } from "../stats/bootstrap.js";
export { BINARY_SCALE, DEFAULT_USABLE_THRESHOLD, toUsable, toUsableAll } from "./binary.js";
export {
  type ConfusionMatrix,
  cohenKappa,
  confusionMatrix,
  exactAgreement,
  type KappaWeights,
  kappaFromMatrix,
  weightedKappa,
  withinAgreement,
} from "./categorical.js";
export { majority, mean, modes, roundToScale, type TieRule } from "./consensus.js";
export { averageRanks, kendallTauB, pearson, spearman } from "./correlation.js";
export { breakdown, groupBySorted } from "./groups.js";
export { type AlphaMetric, type AlphaResult, krippendorffAlpha } from "./krippendorff.js";
export { type LooResult, type LooUnit, leaveOneOut, modeCredit } from "./leave-one-out.js";
export {
  PAIR_STATS,
  type PairAgreement,
  type PairStatName,
  pairAgreement,
  pairStatistics,
} from "./pair-stats.js";
export { completePairs, observedScale, type Rating, type Scale } from "./pairing.js";
export { renderReport } from "./render.js";
export {
  type AgreementItem,
  type AgreementReport,
  type AgreementReportOptions,
  buildAgreementReport,
  type ComparisonReport,
  type EstimateJson,
  type SectionReport,
  UNGROUPED,
  type ViewReport,
} from "./report.js";
