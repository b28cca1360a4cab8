/** `assay/pairwise`: verdict parsing, Bradley–Terry ratings, the length-controlled win rate, pairwise reports. */
export { type Battle, type BtFit, ELO_SCALE, fitBradleyTerry, winMatrix } from "./bradley-terry.js";
export { type LcItem, type LcResult, lengthControlledWinRate } from "./length-controlled.js";
export { formatPairwiseReport, type PairwiseReport, pairwiseReport } from "./report.js";
export { type PairVerdict, parsePairVerdict, unswap } from "./verdict.js";
