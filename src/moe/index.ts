/** `assay/moe`: LLaMA-MoE expert construction, export and verification from code. */
export { type BuildOptions, type BuildResult, buildMoe, MOE_FORMATS, type MoeFormat } from "./build.js";
export { type Fidelity, measureFidelity } from "./fidelity.js";
export { type MoeSplit, readSplit, SPLIT_METHODS, type SplitMethod, writeSplit } from "./split.js";
export { type VerifyOptions, type VerifyReport, verifyMoe } from "./verify.js";
