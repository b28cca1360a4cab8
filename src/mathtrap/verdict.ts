/**
 * Binary verdict parsing for judge outputs. Our judge prompts ask for a last line "VERDICT: YES" or
 * "VERDICT: NO"; real outputs wrap it in markdown, translate it, add trailing text, or echo the
 * template. The last well-formed verdict wins; an echoed "YES|NO" is ignored; nothing clear → null.
 */

export type VerdictMethod = "verdict-line" | "bracket" | "last-line" | "keyword";

export interface ParsedVerdict {
  verdict: boolean | null;
  method?: VerdictMethod;
}

const POSITIVE = new Set(["yes", "correct", "true", "1", "是", "正确", "对", "通过"]);
const NEGATIVE = new Set(["no", "incorrect", "false", "0", "否", "不正确", "错误", "错", "不是", "不通过"]);

function polarity(word: string): boolean | undefined {
  const w = word.trim().toLowerCase();
  if (POSITIVE.has(w)) return true;
  if (NEGATIVE.has(w)) return false;
  return undefined;
}

function clean(text: string): string {
  return text
    .replace(/\\text(?:bf)?\{([^{}]*)\}/g, "$1")
    .replace(/\\boxed\{([^{}]*)\}/g, "$1")
    .replace(/[*_`#]+/g, "")
    .replace(/：/g, ":")
    .replace(/\r/g, "");
}

/** Last match of `re` whose captured word is not a template echo such as "YES|NO" or "YES/NO". */
function lastVerdict(text: string, re: RegExp): boolean | undefined {
  let result: boolean | undefined;
  for (const m of text.matchAll(re)) {
    const start = m.index ?? 0;
    const after = text.slice(start + m[0].length, start + m[0].length + 4);
    const before = text.slice(
      Math.max(0, start + m[0].length - (m[1]?.length ?? 0) - 4),
      start + m[0].length - (m[1]?.length ?? 0),
    );
    if (/^\s*[|/]\s*\S/.test(after) || /\S\s*[|/]\s*$/.test(before)) continue;
    const p = polarity(m[1] ?? "");
    if (p !== undefined) result = p;
  }
  return result;
}

export function parseVerdict(output: string): ParsedVerdict {
  const text = clean(output);

  // "VERDICT: YES", "Verdict - no", "VERDICT:[YES]", "最终判定：是"
  const line = lastVerdict(
    text,
    /(?:verdict|判定|结论|裁决)\s*(?:[:=-]|is)?\s*[[("']?\s*(yes|no|correct|incorrect|true|false|是|否|正确|不正确|错误)(?![a-z])/gi,
  );
  if (line !== undefined) return { verdict: line, method: "verdict-line" };

  // The original MathTrap judges ended with [1] / [0]; accept that and [[YES]] as well.
  const bracket = lastVerdict(text, /\[\[?\s*(yes|no|1|0)\s*\]?\]/gi);
  if (bracket !== undefined) return { verdict: bracket, method: "bracket" };

  // A last line that is just the word.
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const last = lines[lines.length - 1];
  if (last) {
    const m = /^(yes|no|是|否|正确|错误)[.!。]?$/i.exec(last);
    const p = m ? polarity(m[1]!) : undefined;
    if (p !== undefined) return { verdict: p, method: "last-line" };
  }

  // Upper-case YES / NO anywhere (lower-case "no" is ordinary prose: "no solution"): the last one wins.
  const keyword = lastVerdict(text, /\b(YES|NO)\b/g);
  if (keyword !== undefined) return { verdict: keyword, method: "keyword" };
  return { verdict: null };
}
