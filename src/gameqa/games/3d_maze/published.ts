/**
 * Recompute answers of published 3D maze samples that come without a state file. The original
 * never writes states (its example folder has none), so the engine's conform cannot call our
 * hooks on them. What is left is the text:
 * - the question alone decides path_finding samples with four branches: the original's options
 *   vary only branches 1-3 and put the right mix in slot 0, so the one option whose branch-4 way
 *   differs from all others is the answer (`fromOptionsOnly`);
 * - the analysis states the game facts the answer follows from (each branch's onward way, the
 *   checkpoints or blocks met on the walk in order, the pairwise height relations). We read those
 *   facts, rebuild the answer in the original's option wording with our own rules (heightRelation,
 *   walking order, option matching) and find its number among the options.
 */
import type { ConformResult, GameQASample } from "../../types.js";
import { heightRelation } from "./logic.js";

const options = (s: GameQASample): string[] => (s.options ?? []).map(String);
const numbers = (t: string): string => [...t.matchAll(/\d+/g)].map((m) => m[0]).join(",");
const found = (s: GameQASample, same: (o: string) => boolean, what: string): ConformResult => {
  const i = options(s).findIndex(same);
  return i >= 0 ? { answer: i + 1 } : { skip: `${what} is not among the options` };
};

/** path_finding with four branches: the option whose last branch takes the way no other option takes. */
export function fromOptionsOnly(sample: GameQASample): ConformResult {
  const last = options(sample).map((o) => /(\d+)-(left-forward|right-forward|up)\s*$/.exec(o)?.[2] ?? "");
  const lone = last.flatMap((d, i) => (last.filter((x) => x === d).length === 1 ? [i] : []));
  const count = new Set(options(sample)[0]?.match(/\d+-/g) ?? []).size;
  if (count !== 4 || lone.length !== 1) return { skip: "needs four branches and one odd last choice" };
  return { answer: (lone[0] as number) + 1 };
}

export function fromAnalysis(sample: GameQASample): ConformResult {
  const a = sample.analysis;
  switch (sample.question_id) {
    case 0: {
      const ways = new Map(
        [...a.matchAll(/At branch (\d+), going (left-forward|right-forward|up) leads/g)].map((m) => [
          m[1],
          m[2],
        ]),
      );
      const want = [...ways]
        .sort((x, y) => Number(x[0]) - Number(y[0]))
        .map(([id, d]) => `${id}-${d}`)
        .join(", ");
      return found(sample, (o) => o.replace(/\s+/g, " ").trim() === want, `"${want}"`);
    }
    case 1: {
      const order = [...a.matchAll(/At checkpoint (\d+)/g)].map((m) => m[1]).join(",");
      return found(sample, (o) => numbers(o) === order, `order ${order}`);
    }
    case 2: {
      // "Point j is <relation> point i": rank each point by how many points it is higher than.
      const rank = new Map<number, number>();
      for (const m of a.matchAll(/Point (\d+) is (same height as|higher than|lower than) point (\d+)/g)) {
        const [j, rel, i] = [Number(m[1]), m[2], Number(m[3])];
        rank.set(j, (rank.get(j) ?? 0) + (rel === "higher than" ? 1 : 0));
        rank.set(i, (rank.get(i) ?? 0) + (rel === "lower than" ? 1 : 0));
      }
      const want = heightRelation([...rank].map(([label, z]) => ({ label, z })));
      return found(sample, (o) => o.replace(/\s+/g, "") === want.replace(/\s+/g, ""), `"${want}"`);
    }
    case 3: {
      const on = [...a.matchAll(/At Block (\d+)/g)].map((m) => Number(m[1])).sort((x, y) => x - y);
      return found(sample, (o) => numbers(o) === on.join(","), `blocks ${on.join(", ") || "none"}`);
    }
    default:
      return { skip: `no question_id ${sample.question_id} in 3d_maze` };
  }
}
