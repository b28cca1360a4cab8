/** A rating that may be missing: `undefined` or `null` mean "this rater did not rate this item". */
export type Rating = number | null | undefined;

/** An ordered category scale, e.g. [1, 2, 3, 4, 5]: strictly increasing finite numbers. */
export type Scale = readonly number[];

export function isPresent(r: Rating): r is number {
  return r !== undefined && r !== null;
}

/**
 * Keeps only the items both raters rated (listwise deletion per pair), in input order.
 * Throws when the arrays differ in length or a present rating is not a finite number.
 */
export function completePairs(a: readonly Rating[], b: readonly Rating[]): { a: number[]; b: number[] } {
  if (a.length !== b.length) {
    throw new RangeError(`rating arrays differ in length: ${a.length} vs ${b.length}`);
  }
  const outA: number[] = [];
  const outB: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (!isPresent(x) || !isPresent(y)) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new RangeError(`rating at index ${i} is not a finite number (${x}, ${y})`);
    }
    outA.push(x);
    outB.push(y);
  }
  return { a: outA, b: outB };
}

/** Validates a scale and returns value → position. */
export function scaleIndex(scale: Scale): Map<number, number> {
  if (scale.length < 1) throw new RangeError("scale must have at least one category");
  const index = new Map<number, number>();
  for (let i = 0; i < scale.length; i++) {
    const v = scale[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`scale value ${v} is not a finite number`);
    if (i > 0 && !(v > scale[i - 1]!)) {
      throw new RangeError(`scale must be strictly increasing, got ${scale.join(", ")}`);
    }
    index.set(v, i);
  }
  return index;
}

/** Position of a value on the scale, or a RangeError naming the value. */
export function positionOf(index: Map<number, number>, value: number, scale: Scale): number {
  const p = index.get(value);
  if (p === undefined) throw new RangeError(`rating ${value} is not on the scale [${scale.join(", ")}]`);
  return p;
}

/** The sorted distinct values present in the given rating arrays (a fallback scale). */
export function observedScale(...arrays: readonly (readonly Rating[])[]): number[] {
  const seen = new Set<number>();
  for (const arr of arrays) for (const r of arr) if (isPresent(r)) seen.add(r);
  return [...seen].sort((x, y) => x - y);
}
