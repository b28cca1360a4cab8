/** Members-like and non-member token sequences for Min-K% tests on stories260K (shared by both engines' tests). */
import type { TokenItem } from "../../src/contamination/mink-run.js";
import type { LlamaEngine } from "../../src/llama/engine.js";
import { Rng } from "../../src/stats/rng.js";

/**
 * Greedy continuations of the model from `count` different first tokens (what the model itself finds
 * likely: a stand-in for training members), and the same tokens shuffled (non-members).
 */
export function plantedItems(engine: LlamaEngine, count = 24, length = 40): TokenItem[] {
  const rng = new Rng(5);
  const items: TokenItem[] = [];
  for (let i = 0; i < count; i++) {
    const first = 30 + rng.int(400);
    const tokens = [first, ...engine.generate({ prompt: [1, first], maxTokens: length, temperature: 0 })];
    const shuffled = [...tokens];
    for (let j = shuffled.length - 1; j > 0; j--) {
      const r = rng.int(j + 1);
      [shuffled[j], shuffled[r]] = [shuffled[r]!, shuffled[j]!];
    }
    items.push({ id: `g${i}`, tokens, member: true }, { id: `s${i}`, tokens: shuffled, member: false });
  }
  return items;
}
