/**
 * Exact match of a short answer against the target(s), after extracting the final answer from a
 * free-form response and normalising both sides (case, whitespace, surrounding quotes/markdown, trailing
 * punctuation). The Score carries the extracted answer, so a reader sees what was compared.
 */
import type { Scorer } from "../core/types.js";

const ANSWER_MARKER = /(?:final answer|answer)\s*(?:is)?\s*[:：]|the answer is/gi;

/** The text after the last "ANSWER:" / "final answer:" / "the answer is" marker (its line), if any. */
export function answerAfterMarker(text: string): string | undefined {
  let last: RegExpExecArray | null = null;
  ANSWER_MARKER.lastIndex = 0;
  for (let m = ANSWER_MARKER.exec(text); m; m = ANSWER_MARKER.exec(text)) last = m;
  if (!last) return undefined;
  const line =
    text
      .slice(last.index + last[0].length)
      .trim()
      .split("\n")[0]
      ?.trim() ?? "";
  return line || undefined;
}

/** The final answer of a response: after the last "ANSWER:" / "final answer:" / "the answer is", else the last line. */
export function extractFinalAnswer(text: string): string {
  const marked = answerAfterMarker(text);
  if (marked !== undefined) return marked;
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? "";
}

export function normalizeAnswer(text: string): string {
  return text
    .normalize("NFKC")
    .trim()
    .replace(/^[*_`"'“”‘’\s]+|[*_`"'“”‘’\s]+$/g, "")
    .replace(/[.。!！?？,，;；:：]+$/u, "")
    .replace(/\s+/g, " ")
    .toLowerCase();
}

export function exactMatch(opts: { extract?: boolean } = {}): Scorer {
  const extract = opts.extract ?? true;
  return {
    name: "exact",
    metrics: ["accuracy", "stderr", "bootstrap_ci"],
    async score(state) {
      const output = state.output?.text ?? "";
      const targets = ([] as string[]).concat(state.sample.target ?? []);
      const candidates = extract ? [extractFinalAnswer(output), output] : [output];
      const wanted = new Set(targets.map(normalizeAnswer));
      const hit = candidates.find((c) => wanted.has(normalizeAnswer(c)));
      const answer = hit ?? candidates[0] ?? "";
      return {
        value: hit !== undefined ? 1 : 0,
        answer,
        explanation:
          hit !== undefined
            ? "matches the target"
            : `expected ${targets.map((t) => JSON.stringify(t)).join(" or ")}`,
      };
    },
  };
}
