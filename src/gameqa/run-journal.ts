/**
 * What makes an interrupted `gameqa generate` resumable: a manifest of everything that decides the
 * output (written once, when the staging folder is made) and an append-only journal of how far the
 * staged data file is final. Boards are written to the data file in job order, so "boards 0..N-1 are
 * done" is one number plus the data file's length at that point; a line is appended only once those
 * boards' images and states are written too. A killed run's last line may be torn: reading stops at
 * the first line that does not parse, and everything before it still holds.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { VERSION } from "../version.js";
import type { SkipNote } from "./sample.js";
import type { Level } from "./types.js";

export const MANIFEST_FILE = "manifest.json";
export const JOURNAL_FILE = "journal.jsonl";

/** The run's settings and the software that turns them into bytes; a resume must match all of it. */
export interface RunManifest {
  games: string[];
  tasks: string[] | null;
  perTask: number;
  plotLevels: Level[];
  seed: string;
  shareBoards: boolean;
  format: "json" | "jsonl";
  /** Jobs planned and samples asked for: follow from the above, kept for messages. */
  boards: number;
  samples: number;
  assay: string;
  /** Hash of this build's gameqa code (games, renderer, encoder): a rebuilt game draws other boards. */
  code: string;
  node: string;
  zlib: string;
  resvg: string;
}

export type RunSettings = Pick<
  RunManifest,
  "games" | "tasks" | "perTask" | "plotLevels" | "seed" | "shareBoards" | "format" | "boards" | "samples"
>;

let codeHash: string | undefined;

/** The .js files under `dir`, relative, in path order (a walk: Node 20's recursive readdir took 25 ms here). */
function jsFiles(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...jsFiles(join(dir, e.name), `${rel}${e.name}/`));
    else if (e.name.endsWith(".js")) out.push(`${rel}${e.name}`);
  }
  return out.sort();
}

/**
 * sha256 over the path, size and modification time of every .js file of the gameqa folder, in path
 * order: a rebuild that changes a file changes its time. Reading the contents (about 1 MB) cost
 * 20 ms per run, a tenth of a short run's start-up.
 */
function gameqaCodeHash(): string {
  if (codeHash) return codeHash;
  const root = dirname(fileURLToPath(import.meta.url));
  const hash = createHash("sha256");
  for (const f of jsFiles(root)) {
    const st = statSync(join(root, f));
    hash.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
  }
  codeHash = hash.digest("hex").slice(0, 16);
  return codeHash;
}

function resvgVersion(): string {
  try {
    return String(createRequire(import.meta.url)("@resvg/resvg-js/package.json").version);
  } catch {
    return "unknown";
  }
}

export function runManifest(settings: RunSettings): RunManifest {
  return {
    ...settings,
    assay: VERSION,
    code: gameqaCodeHash(),
    node: process.versions.node,
    zlib: process.versions.zlib ?? "",
    resvg: resvgVersion(),
  };
}

/** How each manifest field is named to the user, and its value as they would type it. */
const FIELDS: Array<[keyof RunManifest, string, (m: RunManifest) => string]> = [
  ["games", "--games", (m) => m.games.join(",")],
  ["tasks", "--tasks", (m) => m.tasks?.join(",") ?? "(all)"],
  ["perTask", "--per-task", (m) => String(m.perTask)],
  ["plotLevels", "--plot-levels", (m) => m.plotLevels.map((l) => l.toLowerCase()).join(",")],
  ["seed", "--seed", (m) => m.seed],
  ["shareBoards", "board sharing", (m) => (m.shareBoards ? "shared (default)" : "--no-share-boards")],
  ["format", "--format", (m) => m.format],
  ["assay", "Assay version", (m) => m.assay],
  ["code", "gameqa code (a different build)", (m) => m.code],
  ["node", "Node.js version", (m) => m.node],
  ["zlib", "zlib version", (m) => m.zlib],
  ["resvg", "@resvg/resvg-js version", (m) => m.resvg],
];

/** The first setting in which two manifests differ, as "--seed: 5 there, 6 here"; undefined when none does. */
export function manifestDifference(stored: RunManifest, wanted: RunManifest): string | undefined {
  for (const [key, label, show] of FIELDS) {
    if (JSON.stringify(stored[key]) === JSON.stringify(wanted[key])) continue;
    return `${label}: ${show(stored)} there, ${show(wanted)} here`;
  }
  return undefined;
}

export function readManifest(staging: string): RunManifest | undefined {
  try {
    const m = JSON.parse(readFileSync(join(staging, MANIFEST_FILE), "utf8")) as RunManifest;
    return typeof m === "object" && m !== null && Array.isArray(m.games) ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The staged data file's name for a format. */
export const dataFileName = (format: "json" | "jsonl"): string =>
  format === "jsonl" ? "data.jsonl" : "data.json";

/** How far the data file is final: boards 0..boards-1 end at byte `bytes`. */
export interface DataMark {
  boards: number;
  bytes: number;
  samples: number;
  images: number;
}

/** Skip notes of committed boards, counted: [game, taskId, reason, dropped (1/0), count]. */
export type SkipDelta = [string, number, string, number, number];

interface JournalLine extends DataMark {
  skips: SkipDelta[];
}

const skipKey = (game: string, taskId: number, reason: string, dropped: number): string =>
  `${game}\0${taskId}\0${reason}\0${dropped}`;

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function parseLine(line: string): JournalLine | undefined {
  try {
    const j = JSON.parse(line) as JournalLine;
    const ok =
      isCount(j.boards) &&
      isCount(j.bytes) &&
      isCount(j.samples) &&
      isCount(j.images) &&
      Array.isArray(j.skips);
    return ok ? j : undefined;
  } catch {
    return undefined;
  }
}

/** What an interrupted run had finished: the last whole journal line and the skips of every line to it. */
export interface JournalState {
  mark: DataMark;
  skips: SkipDelta[];
}

/**
 * The journal of a staging folder up to its first torn or unreadable line, or the first that claims
 * more than `limit` (the planned boards, the data file's length: a journal is never ahead of them
 * unless a power cut lost writes); undefined when no line is whole.
 */
export function readJournal(
  staging: string,
  limit: { boards: number; bytes: number } = { boards: Infinity, bytes: Infinity },
): JournalState | undefined {
  let text: string;
  try {
    text = readFileSync(join(staging, JOURNAL_FILE), "utf8");
  } catch {
    return undefined;
  }
  let mark: DataMark | undefined;
  const skips = new Map<string, SkipDelta>();
  const lines = text.split("\n");
  // The last piece has no newline after it: a line cut short by a kill.
  for (const line of lines.slice(0, -1)) {
    const j = parseLine(line);
    if (!j || (mark && j.boards < mark.boards) || j.boards > limit.boards || j.bytes > limit.bytes) break;
    mark = { boards: j.boards, bytes: j.bytes, samples: j.samples, images: j.images };
    for (const d of j.skips) {
      const key = skipKey(d[0], d[1], d[2], d[3]);
      const entry = skips.get(key);
      if (entry) entry[4] += d[4];
      else skips.set(key, [...d]);
    }
  }
  return mark && { mark, skips: [...skips.values()] };
}

/** Appends one line per commit; no fsync (see docs/gameqa.md: a process's death loses nothing, a power cut may). */
export class JournalWriter {
  private readonly fd: number;
  private readonly pendingSkips = new Map<number, SkipNote[]>();
  private last: DataMark | undefined;

  /** `from`: the last mark of the stopped run this one continues. */
  constructor(
    staging: string,
    from: DataMark | undefined,
    private readonly gameOf: (index: number) => string,
  ) {
    this.fd = openSync(join(staging, JOURNAL_FILE), "a");
    this.last = from;
  }

  /** The last mark recorded (boards 0..boards-1 are final: in the data file and on disk). */
  get mark(): DataMark | undefined {
    return this.last;
  }

  /** A board's skip notes, held until the board is committed. */
  noteSkips(index: number, skips: readonly SkipNote[]): void {
    if (skips.length > 0) this.pendingSkips.set(index, [...skips]);
  }

  /** Record `mark` as final; a mark at or below the last one is ignored. */
  commit(mark: DataMark): void {
    if (mark.boards <= (this.last?.boards ?? 0)) return;
    const counts = new Map<string, SkipDelta>();
    for (const [index, notes] of this.pendingSkips) {
      if (index >= mark.boards) continue;
      this.pendingSkips.delete(index);
      const game = this.gameOf(index);
      for (const n of notes) {
        const key = skipKey(game, n.taskId, n.reason, n.dropped ? 1 : 0);
        const entry = counts.get(key);
        if (entry) entry[4]++;
        else counts.set(key, [game, n.taskId, n.reason, n.dropped ? 1 : 0, 1]);
      }
    }
    writeSync(this.fd, `${JSON.stringify({ ...mark, skips: [...counts.values()] } satisfies JournalLine)}\n`);
    this.last = mark;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

/** The skip notes a journal counted, as notes again (for the run's tally). */
export function skipNotes(delta: SkipDelta): SkipNote[] {
  const [, taskId, reason, dropped, count] = delta;
  const note: SkipNote = dropped ? { taskId, reason, dropped: true } : { taskId, reason };
  return Array.from({ length: count }, () => note);
}
