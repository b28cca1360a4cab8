import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { countSolutions, makePuzzle, randomSolution } from "../../src/gameqa/games/sudoku/logic.js";
import { createRng } from "../../src/gameqa/rng.js";
import type { Rng } from "../../src/gameqa/types.js";

/*
 * Reference: the candidate-list generator that logic.ts had before it moved to bitmasks. The
 * bitmask version must produce the same boards and consume the same random numbers, so that
 * datasets generated with a given seed do not change.
 */
const refBox = (n: number): number => Math.round(Math.sqrt(n));

function refCandidates(board: number[][], r: number, c: number): number[] {
  const n = board.length;
  const b = refBox(n);
  const used = new Set<number>();
  for (let j = 0; j < n; j++) used.add(board[r]?.[j] ?? 0);
  for (let i = 0; i < n; i++) used.add(board[i]?.[c] ?? 0);
  const r0 = Math.floor(r / b) * b;
  const c0 = Math.floor(c / b) * b;
  for (let i = r0; i < r0 + b; i++) for (let j = c0; j < c0 + b; j++) used.add(board[i]?.[j] ?? 0);
  const out: number[] = [];
  for (let v = 1; v <= n; v++) if (!used.has(v)) out.push(v);
  return out;
}

function refCount(board: number[][], limit: number): number {
  const b = board.map((r) => r.slice());
  let found = 0;
  const solve = (): void => {
    if (found >= limit) return;
    let best: [number, number, number[]] | undefined;
    for (let r = 0; r < b.length && (!best || best[2].length > 1); r++) {
      for (let c = 0; c < b.length; c++) {
        if (b[r]?.[c] !== 0) continue;
        const cand = refCandidates(b, r, c);
        if (!best || cand.length < best[2].length) best = [r, c, cand];
        if (cand.length <= 1) break;
      }
    }
    if (!best) {
      found++;
      return;
    }
    const [r, c, cand] = best;
    for (const v of cand) {
      (b[r] as number[])[c] = v;
      solve();
      (b[r] as number[])[c] = 0;
      if (found >= limit) return;
    }
  };
  solve();
  return found;
}

function refSolution(rng: Rng, n: number): number[][] {
  const b = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const fill = (k: number): boolean => {
    if (k === n * n) return true;
    const r = Math.floor(k / n);
    const c = k % n;
    for (const v of rng.shuffle(refCandidates(b, r, c))) {
      (b[r] as number[])[c] = v;
      if (fill(k + 1)) return true;
    }
    (b[r] as number[])[c] = 0;
    return false;
  };
  fill(0);
  return b;
}

function refPuzzle(rng: Rng, n: number, fraction: number): number[][] {
  const board = refSolution(rng, n);
  const target = Math.floor(n * n * fraction);
  let emptied = 0;
  for (const k of rng.shuffle([...Array(n * n).keys()])) {
    if (emptied >= target) break;
    const r = Math.floor(k / n);
    const c = k % n;
    const keep = board[r]?.[c] ?? 0;
    (board[r] as number[])[c] = 0;
    if (refCount(board, 2) === 1) emptied++;
    else (board[r] as number[])[c] = keep;
  }
  return board;
}

describe("sudoku generator (bitmask) matches the candidate-list reference", () => {
  test("makePuzzle: same boards and same random draws over many seeds", () => {
    const cases: Array<[number, number]> = [
      [4, 0.4],
      [4, 0.5],
      [9, 0.1],
      [9, 0.2],
      [9, 0.3],
      [9, 0.6],
    ];
    for (const [n, fraction] of cases) {
      for (let seed = 0; seed < 40; seed++) {
        const a = createRng(seed * 7919 + n);
        const b = createRng(seed * 7919 + n);
        assert.deepEqual(
          makePuzzle(a, n, fraction),
          refPuzzle(b, n, fraction),
          `n=${n} f=${fraction} seed=${seed}`,
        );
        assert.equal(a.next(), b.next(), "random draws consumed");
      }
    }
  });

  test("randomSolution: same boards", () => {
    for (let seed = 0; seed < 30; seed++) {
      assert.deepEqual(randomSolution(createRng(seed), 9), refSolution(createRng(seed), 9));
    }
  });

  test("countSolutions agrees on unique, multiple and contradictory boards", () => {
    const rng = createRng(5);
    for (let k = 0; k < 30; k++) {
      const board = refSolution(rng, 9);
      // Blank a random set of cells (many solutions once enough are blank).
      for (const i of rng.sample([...Array(81).keys()], 20 + k * 2))
        (board[Math.floor(i / 9)] as number[])[i % 9] = 0;
      for (const limit of [1, 2, 5]) assert.equal(countSolutions(board, limit), refCount(board, limit));
    }
    const bad = refSolution(createRng(1), 4);
    (bad[0] as number[])[0] = 0;
    (bad[0] as number[])[1] = (bad[0] as number[])[2] as number; // a duplicate given: no solution
    assert.equal(countSolutions(bad, 2), refCount(bad, 2));
  });
});
