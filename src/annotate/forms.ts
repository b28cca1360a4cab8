/**
 * Rating forms: which fields an annotator fills in for an item, and the checks every saved or imported
 * rating goes through. Every form has an overall `score` on the task's scale (that is what agreement
 * compares); a task's annotation hook may add fields of its own (LLMEval-Med's Medical Text Generation
 * items add the paper's Appendix D fields), which are stored as the rating's dimensions.
 */
import type { FormSpec } from "../tasks/annotation.js";

export type { FormField, FormSpec, FormVerdict } from "../tasks/annotation.js";

export const DEFAULT_SCALE = [1, 2, 3, 4, 5];

/** Our own summary of the 1–5 rubric the LLMEval-Med judge uses; generic enough for other judged tasks. */
const RUBRIC_1_5: Record<string, string> = {
  "1": "wrong or unsafe",
  "2": "serious errors, core needs unmet",
  "3": "partly right, core needs partly met",
  "4": "core right, minor slips",
  "5": "fully right, all needs met",
};

export function scaleForm(scale: readonly number[] = DEFAULT_SCALE): FormSpec {
  const isDefault = scale.length === 5 && scale.every((v, i) => v === i + 1);
  return {
    kind: "scale",
    fields: [
      {
        key: "score",
        label: "Score",
        values: [...scale],
        ...(isDefault ? { valueLabels: RUBRIC_1_5 } : {}),
        help: "overall rating of the answer",
      },
    ],
  };
}

export interface RatingPayload {
  score: number | null;
  dimensions: Record<string, number>;
  comment: string;
}

export const MAX_COMMENT = 20_000;

/**
 * Validates an untrusted rating (from the app or a file) against a form. Returns an error text naming
 * the field, or the clean rating. Unknown dimension names are rejected, so typos surface.
 */
export function checkRating(
  form: FormSpec,
  raw: { score?: unknown; dimensions?: unknown; comment?: unknown },
): { ok: true; rating: RatingPayload } | { ok: false; field: string; message: string } {
  const byKey = new Map(form.fields.map((f) => [f.key, f]));
  const onScale = (key: string, v: unknown): number | null | string => {
    if (v === null || v === undefined || v === "") return null;
    const n = typeof v === "number" ? v : typeof v === "string" ? Number(v.trim()) : Number.NaN;
    const field = byKey.get(key)!;
    if (!Number.isFinite(n) || !field.values.includes(n))
      return `${JSON.stringify(v)} is not one of ${field.values.join(", ")}`;
    return n;
  };
  const score = onScale("score", raw.score);
  if (typeof score === "string") return { ok: false, field: "score", message: score };
  const dimensions: Record<string, number> = {};
  if (raw.dimensions !== undefined && raw.dimensions !== null && raw.dimensions !== "") {
    if (typeof raw.dimensions !== "object" || Array.isArray(raw.dimensions))
      return { ok: false, field: "dimensions", message: "must be an object of name → number" };
    for (const [k, v] of Object.entries(raw.dimensions as Record<string, unknown>)) {
      if (k === "score" || !byKey.has(k)) {
        const known = form.fields.filter((f) => f.key !== "score").map((f) => f.key);
        return {
          ok: false,
          field: `dimensions.${k}`,
          message: known.length
            ? `unknown dimension (known: ${known.join(", ")})`
            : "this item has no dimensions",
        };
      }
      const n = onScale(k, v);
      if (typeof n === "string") return { ok: false, field: `dimensions.${k}`, message: n };
      if (n !== null) dimensions[k] = n;
    }
  }
  let comment = "";
  if (raw.comment !== undefined && raw.comment !== null) {
    if (typeof raw.comment !== "string") return { ok: false, field: "comment", message: "must be text" };
    if (raw.comment.length > MAX_COMMENT)
      return { ok: false, field: "comment", message: `longer than ${MAX_COMMENT} characters` };
    comment = raw.comment;
  }
  return { ok: true, rating: { score, dimensions, comment } };
}
