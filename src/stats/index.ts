/** Public API of Assay's numerics: the seeded generator, the quantile and the bootstrap. */
export {
  type BootstrapOptions,
  bootstrapItems,
  bootstrapStatistic,
  DEFAULT_CONFIDENCE,
  DEFAULT_ROUNDS,
  type Estimate,
  pick,
  resolveBootstrapOptions,
} from "./bootstrap.js";
export { groupBy } from "./group.js";
export { median, quantileSorted } from "./quantile.js";
export { deriveSeed, hashString, Rng } from "./rng.js";
