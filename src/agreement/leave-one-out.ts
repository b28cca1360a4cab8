/**
 * AlpacaEval's "human agreement" (alpaca_eval analyze.py, README "How exactly are those
 * metrics computed?"): hold out one human annotation, ask whether it equals the mode of the
 * remaining annotations of that item, and average over every (item, held-out annotator).
 * When the others have several modes, AlpacaEval picks one at random; we use the expected
 * value of that draw (credit 1/#modes when the prediction is one of them), which has the same
 * mean without the extra noise.
 *
 * The judge is scored on exactly the same targets: for every (item, held-out human h) the
 * judge's rating predicts the mode of the humans other than h. So `humans` and `judge` answer
 * the same question and compare directly. (AlpacaEval's code compares automatic annotators
 * with the mode of *all* humans; that variant is `judgeVsAllHumans`.)
 */
import { modes } from "./consensus.js";
import { isPresent, type Rating } from "./pairing.js";

export interface LooUnit {
  humans: readonly Rating[];
  judge?: Rating;
}

/** Per-item sums, so a bootstrap can resample items and re-form the ratios. */
export interface LooItemTerms {
  /** Held-out annotations used (humans on the item with ≥ minOthers others). */
  pairs: number;
  humanCredit: number;
  /** Held-out annotations for which the judge also rated the item. */
  judgePairs: number;
  judgeCredit: number;
  /** 1 when the item counts for judgeVsAllHumans. */
  allHumansItems: number;
  judgeAllHumansCredit: number;
}

export interface LooOptions {
  /** Fewest other annotations a held-out one is compared with; default 1 (AlpacaEval had 3). */
  minOthers?: number;
}

/** Expected accuracy of predicting the mode of `targets` with `prediction` (random tie-break). */
export function modeCredit(prediction: number, targets: readonly number[]): number {
  const m = modes(targets);
  if (m.length === 0) return Number.NaN;
  return m.includes(prediction) ? 1 / m.length : 0;
}

export function looItemTerms(unit: LooUnit, options: LooOptions = {}): LooItemTerms {
  const minOthers = options.minOthers ?? 1;
  const humans = unit.humans.filter(isPresent);
  const judge = isPresent(unit.judge) ? unit.judge : undefined;
  const t: LooItemTerms = {
    pairs: 0,
    humanCredit: 0,
    judgePairs: 0,
    judgeCredit: 0,
    allHumansItems: 0,
    judgeAllHumansCredit: 0,
  };
  if (humans.length - 1 >= minOthers) {
    for (let h = 0; h < humans.length; h++) {
      const others = humans.filter((_, i) => i !== h);
      t.pairs++;
      t.humanCredit += modeCredit(humans[h]!, others);
      if (judge !== undefined) {
        t.judgePairs++;
        t.judgeCredit += modeCredit(judge, others);
      }
    }
    if (judge !== undefined) {
      t.allHumansItems = 1;
      t.judgeAllHumansCredit = modeCredit(judge, humans);
    }
  }
  return t;
}

export interface LooResult {
  /** Mean credit of a held-out human predicting the others' mode; NaN with no pairs. */
  humans: number;
  /** Mean credit of the judge predicting the same targets; NaN without judge ratings. */
  judge: number;
  /** Judge vs the mode of all humans of the item (AlpacaEval's code path). */
  judgeVsAllHumans: number;
  pairs: number;
  items: number;
}

/** Combines per-item terms (possibly a resample) into the three agreement rates. */
export function looFromTerms(terms: readonly LooItemTerms[]): LooResult {
  let pairs = 0;
  let human = 0;
  let judge = 0;
  let judgePairs = 0;
  let allItems = 0;
  let allCredit = 0;
  let items = 0;
  for (const t of terms) {
    if (t.pairs > 0) items++;
    pairs += t.pairs;
    human += t.humanCredit;
    judge += t.judgeCredit;
    judgePairs += t.judgePairs;
    allItems += t.allHumansItems;
    allCredit += t.judgeAllHumansCredit;
  }
  return {
    humans: pairs > 0 ? human / pairs : Number.NaN,
    judge: judgePairs > 0 ? judge / judgePairs : Number.NaN,
    judgeVsAllHumans: allItems > 0 ? allCredit / allItems : Number.NaN,
    pairs,
    items,
  };
}

/**
 * Leave-one-out agreement over units. When some units have a judge rating, only those units
 * count (for humans too), so the two rates are over the same held-out annotations.
 */
export function leaveOneOut(units: readonly LooUnit[], options: LooOptions = {}): LooResult {
  const anyJudge = units.some((u) => isPresent(u.judge));
  const used = anyJudge ? units.filter((u) => isPresent(u.judge)) : units;
  return looFromTerms(used.map((u) => looItemTerms(u, options)));
}
