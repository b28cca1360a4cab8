/**
 * Tally of the states tasks turned down during a run and of the samples that could not be made,
 * per game, task and reason (reported by `gameqa generate` in its summary line and `--json`).
 */
import type { SkipNote } from "./sample.js";
import type { AnyGame } from "./types.js";

export interface SkipCount {
  game: string;
  task: string;
  task_id: number;
  reason: string;
  count: number;
}

export class SkipTally {
  private readonly skipped = new Map<string, SkipCount>();
  private readonly dropped = new Map<string, SkipCount>();

  add(game: AnyGame, notes: readonly SkipNote[]): void {
    for (const n of notes) {
      const into = n.dropped ? this.dropped : this.skipped;
      const key = `${game.name}\u0000${n.taskId}\u0000${n.reason}`;
      const entry = into.get(key);
      if (entry) entry.count++;
      else {
        const task = game.tasks.find((t) => t.id === n.taskId)?.name ?? String(n.taskId);
        into.set(key, { game: game.name, task, task_id: n.taskId, reason: n.reason, count: 1 });
      }
    }
  }

  /** States turned down (the task then drew another), most frequent first. */
  skippedStates(): SkipCount[] {
    return sorted(this.skipped);
  }

  /** Samples not made: the task turned down every state it drew for that board. */
  droppedSamples(): SkipCount[] {
    return sorted(this.dropped);
  }
}

const sorted = (m: Map<string, SkipCount>): SkipCount[] =>
  [...m.values()].sort(
    (a, b) =>
      b.count - a.count ||
      a.game.localeCompare(b.game) ||
      a.task_id - b.task_id ||
      a.reason.localeCompare(b.reason),
  );

/** One line for the summary: "12 skipped states (maze/path-to-goal: no path ×10, …)". */
export function describeCounts(label: string, counts: readonly SkipCount[], shown = 3): string {
  const total = counts.reduce((n, c) => n + c.count, 0);
  if (total === 0) return "";
  const top = counts.slice(0, shown).map((c) => `${c.game}/${c.task}: ${c.reason} ×${c.count}`);
  const more = counts.length > shown ? `, +${counts.length - shown} more (see --json)` : "";
  return `${total} ${label} (${top.join("; ")}${more})`;
}
