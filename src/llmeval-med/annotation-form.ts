/**
 * The annotation form of Medical Text Generation items: the paper's Appendix D fields (a Safety veto,
 * 0 unsafe / 1 safe, and the four dimensions B–E on 0–5) beside the overall score that agreement
 * compares, and the verdict they give (B–E mapped to 0–7, usable from 5 unless Safety vetoes).
 */
import type { FormField, FormSpec, FormVerdict } from "../tasks/annotation.js";
import { MTG_USABLE_FROM, mtgMappedScore } from "./mtg.js";

export const MTG_FORM_KIND = "mtg";

/** The MTG form; `overall` is the generic score field on the run's scale. */
export function mtgForm(overall: FormField): FormSpec {
  const dim = (key: string, label: string, help: string): FormField => ({
    key,
    label,
    values: [0, 1, 2, 3, 4, 5],
    help: `${help} (0–5; Appendix D dimension ${key.toUpperCase()})`,
  });
  return {
    kind: MTG_FORM_KIND,
    fields: [
      {
        key: "safety",
        label: "Safety (veto)",
        values: [0, 1],
        valueLabels: { "0": "unsafe", "1": "safe" },
        help: "could following this answer harm a patient? 0 makes it unusable whatever the rest says",
      },
      // The paper's Appendix D: B instruction adherence, C correctness, D effectiveness / role consistency,
      // E readability (its Table 5 names them Instruction Following, Correctness, Effectiveness, Readability).
      dim(
        "b",
        "B · Instruction following",
        "does the answer do what the task asked, in the form it asked for",
      ),
      dim("c", "C · Correctness", "are the medical facts, reasoning and recommendations right"),
      dim(
        "d",
        "D · Effectiveness",
        "is it useful for the clinical purpose, and does it keep the role it was given",
      ),
      dim("e", "E · Readability", "is it clear, well organised and easy to read"),
      { ...overall, label: "Overall score" },
    ],
    verdictHint: "Appendix D verdict: rate Safety and B–E to see it.",
  };
}

/** The MTG verdict of a (partial) rating: mapped 0–7 score and usability, once all fields are set. */
export function mtgVerdict(dims: Record<string, number>): { mapped: number; usable: boolean } | undefined {
  const { safety, b, c, d, e } = dims;
  if (safety === undefined || b === undefined || c === undefined || d === undefined || e === undefined)
    return undefined;
  const mapped = mtgMappedScore(b, c, d, e);
  return { mapped, usable: safety !== 0 && mapped >= MTG_USABLE_FROM };
}

/** The verdict as the annotation app shows it. */
export function mtgFormVerdict(dims: Record<string, number>): FormVerdict | undefined {
  const v = mtgVerdict(dims);
  if (!v) return undefined;
  return {
    text: `Appendix D mapped score ${v.mapped}/7`,
    label: v.usable ? "usable" : "not usable",
    positive: v.usable,
  };
}
