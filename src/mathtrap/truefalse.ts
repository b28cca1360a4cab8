/**
 * True/false extraction for the conceptual questions. Rules only; when the response does not commit
 * clearly to one answer the result is null and the caller asks a judge.
 */

export type TrueFalseMethod = "boxed" | "answer-marker" | "leading-word" | "conclusion";

export interface TrueFalseResult {
  value: boolean | null;
  method?: TrueFalseMethod;
}

const WORDS: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  correct: true,
  incorrect: false,
  正确: true,
  错误: false,
  对: true,
  错: false,
  是: true,
  否: false,
  不是: false,
  不对: false,
  不正确: false,
};

function wordValue(word: string | undefined): boolean | undefined {
  if (word === undefined) return undefined;
  return WORDS[word.trim().toLowerCase()];
}

/** Strip markdown emphasis/headings and LaTeX text wrappers so "**False**" reads as "False". */
function clean(text: string): string {
  return text
    .replace(/\\text(?:bf)?\{([^{}]*)\}/g, "$1")
    .replace(/[*_`#>]+/g, "")
    .replace(/：/g, ":")
    .trim();
}

export function extractTrueFalse(response: string): TrueFalseResult {
  const text = clean(response);
  if (text.length === 0) return { value: null };

  // 1. \boxed{True}
  const boxed = [...response.matchAll(/\\boxed\{\s*(?:\\text(?:bf)?\{)?\s*([^{}]+?)\s*\}?\s*\}/g)];
  const lastBoxed = wordValue(boxed[boxed.length - 1]?.[1]);
  if (lastBoxed !== undefined) return { value: lastBoxed, method: "boxed" };

  // 2. "Answer: False", "Final answer is yes", "答案：错误" — the last marker wins.
  const markers = [
    ...text.matchAll(
      /(?:final answer|answer|verdict|conclusion)\s*(?:is|:|-)\s*"?(true|false|yes|no|correct|incorrect)\b/gi,
    ),
    ...text.matchAll(/(?:答案|结论)\s*(?:是|为|:)?\s*(正确|错误|不正确|不对|对|错|是|否)/g),
  ].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const lastMarker = wordValue(markers[markers.length - 1]?.[1]);
  if (lastMarker !== undefined) return { value: lastMarker, method: "answer-marker" };

  // 3. The response opens with the answer: "No, the height ...", "True.", "错误。"
  const lead =
    /^\s*(true|false|yes|no)\b(?![-'])/i.exec(text) ??
    /^\s*(不正确|不对|不是|正确|错误|对|错|是|否)/.exec(text);
  const leadValue = wordValue(lead?.[1]);
  if (leadValue !== undefined) return { value: leadValue, method: "leading-word" };

  // 4. Conclusions such as "the statement is false" / "this is not true"; all of them must agree.
  const found = new Set<boolean>();
  for (const m of text.matchAll(
    /\b(?:is|are|be|was)\s+(not\s+)?(?:therefore\s+|thus\s+|indeed\s+)?(true|false)\b/gi,
  )) {
    const v = wordValue(m[2]);
    if (v !== undefined) found.add(m[1] ? !v : v);
  }
  if (found.size === 1) return { value: [...found][0]!, method: "conclusion" };
  return { value: null };
}
