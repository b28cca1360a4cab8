/**
 * Exact tests for paired outcomes. Both reduce to a two-sided binomial test with p = 1/2 on the
 * discordant pairs: McNemar's exact test counts the two kinds of flips of a binary score, the sign
 * test counts the pairs where one run scored higher than the other (ties are dropped).
 */

export interface PairedTest {
  name: "mcnemar-exact" | "sign";
  /** Discordant pairs in each direction: B better than A, A better than B. */
  bBetter: number;
  aBetter: number;
  /** Two-sided p-value; 1 when there are no discordant pairs. */
  p: number;
}

/**
 * Two-sided exact binomial p-value for k successes in n trials with p = 1/2:
 * min(1, 2·P(X ≤ min(k, n−k))). Sums in log space so that n in the hundreds of thousands works.
 */
export function binomialTwoSided(k: number, n: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || k > n)
    throw new RangeError(`binomialTwoSided needs integers 0 ≤ k ≤ n, got k=${k}, n=${n}`);
  if (n === 0) return 1;
  const m = Math.min(k, n - k);
  const logHalfN = n * Math.log(0.5);
  let logC = 0; // log C(n, 0)
  let maxLog = -Infinity;
  const terms: number[] = [];
  for (let i = 0; i <= m; i++) {
    const t = logC + logHalfN;
    terms.push(t);
    if (t > maxLog) maxLog = t;
    logC += Math.log(n - i) - Math.log(i + 1);
  }
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - maxLog);
  const tail = Math.exp(maxLog + Math.log(sum));
  return Math.min(1, 2 * tail);
}

/** McNemar's exact test: b samples went 0→1 (B right, A wrong), c went 1→0. */
export function mcnemarExact(bBetter: number, aBetter: number): PairedTest {
  return { name: "mcnemar-exact", bBetter, aBetter, p: binomialTwoSided(bBetter, bBetter + aBetter) };
}

/** Sign test over pairs: how many B scored higher, how many A did; ties do not count. */
export function signTest(bBetter: number, aBetter: number): PairedTest {
  return { name: "sign", bBetter, aBetter, p: binomialTwoSided(bBetter, bBetter + aBetter) };
}
