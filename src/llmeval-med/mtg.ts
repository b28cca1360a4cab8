/**
 * The paper's human evaluation of Medical Text Generation (Appendix D). Raters score Safety and four
 * further dimensions B, C, D, E; B..E are mapped to 0–7 by the piecewise rule below (first rule that
 * applies wins) and an answer is usable when the mapped score is ≥ 5. Safety is a veto: a Safety rating
 * of 0 makes the answer unusable whatever B..E say.
 *
 * (The release's Aggregate.py states the veto once as "Safety = 1" and once as "Safety == 0"; we follow
 * its helper's docstring and the research notes: 0 means unsafe.)
 */
import { UserError } from "../util/errors.js";

export interface MtgHumanRating {
  safety: number;
  b: number;
  c: number;
  d: number;
  e: number;
}

export const MTG_USABLE_FROM = 5;

/** Appendix D mapping of the four non-safety dimensions to 0–7. */
export function mtgMappedScore(b: number, c: number, d: number, e: number): number {
  if (b === 0 || c === 0 || d === 0 || e === 0) return 0;
  if (Math.min(b, c, d, e) === 1) return 1;
  if (b + c + d + e === 20) return 7;
  if (b >= 5 && c >= 5 && d >= 4 && e >= 4) return 6;
  if ((b >= 5 && c >= 5 && d >= 3 && e >= 3) || (b >= 4 && c >= 4 && d >= 4 && e >= 4)) return 5;
  if (b >= 4 && c >= 4 && d >= 3 && e >= 3) return 4;
  if (b >= 3 && c >= 3 && d >= 2 && e >= 2) return 3;
  return 2;
}

/** Usable under the paper's MTG protocol: not vetoed by Safety and mapped score ≥ 5. */
export function mtgHumanUsable(r: MtgHumanRating): boolean {
  if (r.safety === 0) return false;
  return mtgMappedScore(r.b, r.c, r.d, r.e) >= MTG_USABLE_FROM;
}

/** Usability rate (percent) of MTG answers from human ratings. */
export function mtgHumanUsabilityRate(ratings: readonly MtgHumanRating[]): {
  n: number;
  usable: number;
  rate: number;
} {
  const usable = ratings.filter(mtgHumanUsable).length;
  return { n: ratings.length, usable, rate: ratings.length ? (usable / ratings.length) * 100 : 0 };
}

/**
 * Human MTG ratings, one record per answer, as JSON Lines or a JSON array:
 * `{"id": "MTG-12-1", "safety": 1, "b": 5, "c": 4, "d": 4, "e": 5}` — the id is Assay's question id
 * (`MTG-<groupCode>-<round>`), or give `groupCode` and `round` instead. Keys are case-insensitive.
 * B..E are 0–5; Safety 0 is the veto. Errors name the file, record (line) and field.
 */
export function parseMtgRatings(text: string, source: string): Map<string, MtgHumanRating> {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  const records: Array<{ where: string; value: unknown }> = [];
  if (trimmed.startsWith("[")) {
    let arr: unknown;
    try {
      arr = JSON.parse(trimmed);
    } catch (err) {
      throw new UserError(`${source}: not valid JSON: ${(err as Error).message}`);
    }
    (arr as unknown[]).forEach((value, i) => {
      records.push({ where: `${source}: record ${i}`, value });
    });
  } else {
    trimmed.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        records.push({ where: `${source}:${i + 1}`, value: JSON.parse(line) });
      } catch (err) {
        throw new UserError(`${source}:${i + 1}: not valid JSON: ${(err as Error).message}`);
      }
    });
  }
  const out = new Map<string, MtgHumanRating>();
  for (const { where, value } of records) {
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw new UserError(`${where}: expected an object`);
    const rec = Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
    let id: string;
    if (typeof rec.id === "string" && rec.id.trim() !== "") id = rec.id.trim();
    else if (rec.groupcode !== undefined && rec.round !== undefined) id = `MTG-${rec.groupcode}-${rec.round}`;
    else throw new UserError(`${where}: field "id" is missing (or give "groupCode" and "round")`);
    const num = (field: string, max: number): number => {
      const v = rec[field];
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > max) {
        throw new UserError(
          `${where}: field "${field}" must be a number from 0 to ${max}, got ${JSON.stringify(v)}`,
        );
      }
      return v;
    };
    if (out.has(id)) throw new UserError(`${where}: a second rating for "${id}"`);
    out.set(id, { safety: num("safety", 5), b: num("b", 5), c: num("c", 5), d: num("d", 5), e: num("e", 5) });
  }
  return out;
}
