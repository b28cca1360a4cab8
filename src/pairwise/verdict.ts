/**
 * Reading a pairwise judge's verdict. Accepted forms, last one in the reply wins (judges restate the
 * format before answering): MT-Bench's `[[A]]`, `[[B]]`, `[[C]]` (C = tie) and `[[tie]]`, and
 * Arena-Hard's graded `[[A>>B]]`, `[[A>B]]`, `[[A=B]]`, `[[B>A]]`, `[[B>>A]]` (with or without the double
 * brackets). A strong verdict (`>>`) has strength 2, every other one 1. Anything else is unreadable (null):
 * never guessed, never a tie.
 */

export interface PairVerdict {
  /** Which answer the judge preferred, in the order it was shown. */
  winner: "A" | "B" | "tie";
  /** 2 for a strong preference (A>>B), else 1. */
  strength: 1 | 2;
}

const GRADED = /\[{0,2}\s*([AB])\s*(>>|>|=|<<|<)\s*([AB])\s*\]{0,2}/g;
const BRACKETED = /\[\[\s*(A|B|C|tie)\s*\]\]/gi;

export function parsePairVerdict(text: string): PairVerdict | null {
  let best: { index: number; verdict: PairVerdict } | undefined;
  const consider = (index: number, verdict: PairVerdict | null) => {
    if (verdict && (!best || index >= best.index)) best = { index, verdict };
  };
  for (const m of text.matchAll(BRACKETED)) {
    const v = m[1]!.toUpperCase();
    consider(m.index, { winner: v === "C" || v === "TIE" ? "tie" : (v as "A" | "B"), strength: 1 });
  }
  for (const m of text.matchAll(GRADED)) consider(m.index, graded(m[1]!, m[2]!, m[3]!));
  return best?.verdict ?? null;
}

function graded(left: string, op: string, right: string): PairVerdict | null {
  if (left === right) return null;
  if (op === "=") return { winner: "tie", strength: 1 };
  const strength = op.length === 2 ? 2 : 1;
  // "X > Y" and "Y < X" both mean X wins.
  const winner = op.startsWith(">") ? left : right;
  return { winner: winner as "A" | "B", strength };
}

/** The verdict of a judgment made with the answers swapped, expressed in the original order. */
export function unswap(v: PairVerdict): PairVerdict {
  return v.winner === "tie" ? v : { ...v, winner: v.winner === "A" ? "B" : "A" };
}
