/**
 * A synthetic benchmark and corpus with planted copies: made-up words (so that no 13-gram occurs by
 * chance), some items copied verbatim, some with case, whitespace and punctuation changed, one
 * partially, one in a piece just shorter than n, and the rest nowhere.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../../src/stats/rng.js";
import { gzip, zstdStored } from "../smi/corpus-fixtures.js";

const SYLLABLES = ["ka", "lo", "mi", "ne", "su", "ta", "vo", "ri", "pe", "gu", "do", "xi"];

function word(rng: Rng): string {
  let w = "";
  const k = 2 + rng.int(2);
  for (let i = 0; i < k; i++) w += SYLLABLES[rng.int(SYLLABLES.length)];
  return w;
}

export function words(rng: Rng, n: number): string[] {
  return Array.from({ length: n }, () => word(rng));
}

export interface Fixture {
  dataset: string;
  shards: string[];
  /** Item ids planted so that the scan must find them (at n = 13, any coverage). */
  planted: string[];
  /** Planted partially (15 of 30 input tokens): found, coverage 0.5, longest 15. */
  partial: string;
  /** Planted with 12 consecutive tokens only: never found at n = 13. */
  tooShort: string;
}

export function makeFixture(dir: string): Fixture {
  const rng = new Rng(11);
  const items = Array.from({ length: 12 }, (_, i) => ({
    id: `q${i}`,
    input: `${words(rng, 30).join(" ")}?`,
    target: word(rng),
  }));
  items.push({
    id: "zh",
    input: "北京是中华人民共和国的首都，也是全国的政治和文化中心城市之一。",
    target: "北京",
  });
  items.push({
    id: "fr",
    input: "Élodie préférait les crêpes sucrées au café du coin, même quand il pleuvait très fort dehors.",
    target: "oui",
  });
  const dataset = join(dir, "bench.jsonl");
  writeFileSync(dataset, `${items.map((x) => JSON.stringify(x)).join("\n")}\n`);

  const filler = (): string => words(rng, 40).join(" ");
  const docs: string[][] = [[], [], []];
  for (const d of docs) for (let i = 0; i < 30; i++) d.push(filler());
  const q1 = items[1]!.input;
  const q2 = items[2]!.input.split(" ");
  const q3 = items[3]!.input.split(" ");
  const q4 = items[4]!.input.split(" ");
  // verbatim, with the answer, inside other text
  docs[0]![4] = `${filler()} ${q1} Answer: ${items[1]!.target}. ${filler()}`;
  // case, whitespace and punctuation changed
  docs[1]![7] = `${filler()}\n${q2.map((w, k) => (k % 3 === 0 ? w.toUpperCase() : w)).join(" ,  ")}\t${filler()}`;
  // partial: tokens 10..24 of 30
  docs[2]![2] = `${filler()} ${q3.slice(10, 25).join(" ")} ${filler()}`;
  // 12 tokens only: below n
  docs[2]![20] = `${filler()} ${q4.slice(3, 15).join(" ")} ${filler()}`;
  // CJK with other punctuation and spaces between the characters; French upper-cased
  docs[1]![15] = `新闻： ${"北京是中华人民共和国的首都 也是全国的政治和文化中心".split("").join(" ")}。`;
  docs[0]![25] = `Il disait: ÉLODIE PRÉFÉRAIT LES CRÊPES SUCRÉES AU CAFÉ DU COIN, MÊME QUAND IL PLEUVAIT.`;
  const jsonl = (d: string[]): string => `${d.map((text) => JSON.stringify({ text })).join("\n")}\n`;
  const shards = [join(dir, "a.jsonl"), join(dir, "b.jsonl.zst"), join(dir, "c.jsonl.gz")];
  writeFileSync(shards[0]!, jsonl(docs[0]!));
  writeFileSync(shards[1]!, zstdStored(jsonl(docs[1]!)));
  writeFileSync(shards[2]!, gzip(jsonl(docs[2]!)));
  return { dataset, shards, planted: ["q1", "q2", "q3", "zh", "fr"], partial: "q3", tooShort: "q4" };
}
