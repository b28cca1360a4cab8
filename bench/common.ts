/** What the engine benches share: flag reading, a synthetic dataset and the task that runs it. */
import type { Dataset, Sample, Task } from "../src/core/types.js";
import { exactMatch } from "../src/scorers/match.js";
import { generate } from "../src/solvers/index.js";

/** `--name value` from the command line, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** Samples generated on the fly: the dataset itself takes no memory. */
export function syntheticDataset(n: number): Dataset {
  return {
    name: `synthetic-${n}`,
    count: async () => n,
    async *samples() {
      for (let i = 0; i < n; i++)
        yield { id: `s${i}`, input: `What is ${i} + 0?`, target: `What is ${i} + 0?` } satisfies Sample;
    },
  };
}

/** One generate call and exact match over the synthetic dataset: the engine's own overhead. */
export function benchTask(n: number): Task {
  return {
    name: "bench",
    version: "1",
    dataset: syntheticDataset(n),
    solver: [generate()],
    scorers: [exactMatch()],
  };
}
