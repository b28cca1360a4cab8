import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { UserError } from "../util/errors.js";
import type { AnyGame, GameDefinition } from "./types.js";

/**
 * Game registry. Each game lives in src/gameqa/games/<name>/index.ts and default-exports its
 * GameDefinition; loadGames() imports every such folder (no central list to edit, so games can be
 * added in parallel). Library users can also call registerGame() with a game of their own.
 */
const games = new Map<string, AnyGame>();

export function registerGame<S>(game: GameDefinition<S>): void {
  const existing = games.get(game.name);
  if (existing && existing !== game) throw new Error(`gameqa: game "${game.name}" registered twice`);
  const ids = new Set<number>();
  const names = new Set<string>();
  for (const t of game.tasks) {
    if (ids.has(t.id) || names.has(t.name)) {
      throw new Error(`gameqa: game "${game.name}" has a duplicate task id ${t.id} / name "${t.name}"`);
    }
    ids.add(t.id);
    names.add(t.name);
  }
  games.set(game.name, game as AnyGame);
}

/** Game folders that failed to load (name → message); shown when such a game is asked for. */
const loadErrors = new Map<string, string>();
/** Names of the games that came from a folder (worker threads can load only those). */
const folderGames = new Set<string>();
/** Imports started, by folder name (each folder is imported once). */
const imports = new Map<string, Promise<void>>();

function importFolder(dir: string, name: string): Promise<void> {
  let p = imports.get(name);
  if (!p) {
    p = (async () => {
      try {
        const mod = (await import(pathToFileURL(join(dir, name, "index.js")).href)) as { default?: AnyGame };
        if (mod.default) {
          registerGame(mod.default);
          folderGames.add(mod.default.name);
        } else loadErrors.set(name, "index.js has no default export");
      } catch (err) {
        // One broken game folder must not take the other games down with it.
        loadErrors.set(name, err instanceof Error ? err.message : String(err));
      }
    })();
    imports.set(name, p);
  }
  return p;
}

let gameFolders: string[] | undefined;

/**
 * Import and register the game folders shipped next to this file (idempotent): all of them, or only
 * `only` (folder names) when given, as worker threads do to start faster.
 */
export async function loadGames(only?: readonly string[]): Promise<void> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "games");
  // Listed once per thread: workers call this before every board (0.04 ms a listing).
  gameFolders ??= readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const folders = gameFolders;
  const wanted = only?.every((n) => folders.includes(n)) ? [...only].sort() : folders;
  // In name order, so that registration (and listing) does not depend on timing.
  for (const name of wanted) await importFolder(dir, name);
}

/** Whether a game came from a game folder (and not from registerGame in code). */
export function isFolderGame(name: string): boolean {
  return folderGames.has(name);
}

/** Game folders that could not be loaded, with the reason. */
export function gameLoadErrors(): Array<{ game: string; error: string }> {
  return [...loadErrors].map(([game, error]) => ({ game, error }));
}

/** All registered games, sorted by name. */
export function listGames(): AnyGame[] {
  return [...games.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A game by folder name (case-insensitive), or a UserError listing the known names. */
export function getGame(name: string): AnyGame {
  const g = games.get(name) ?? [...games.values()].find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!g) {
    const failed = loadErrors.get(name);
    if (failed) throw new UserError(`game "${name}" failed to load: ${failed}`);
    throw new UserError(
      `unknown game "${name}" (known: ${
        listGames()
          .map((x) => x.name)
          .join(", ") || "none"
      })`,
    );
  }
  return g;
}

/** Parse a --games value: "all" or a comma list. */
export function resolveGames(spec: string): AnyGame[] {
  if (spec.trim() === "all") return listGames();
  const names = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UserError("--games: give a comma-separated list of games or 'all'");
  return names.map(getGame);
}

/**
 * The registered game and task a sample of ours comes from: data_id starts with the game's name
 * (longest match wins: "maze" vs a hypothetical "maze3d") and question_id names the task. Undefined
 * for published or foreign samples.
 */
export function taskOfSample(sample: {
  data_id: string;
  question_id: number;
}): { game: AnyGame; task: AnyGame["tasks"][number] } | undefined {
  const id = sample.data_id.toLowerCase();
  const game = listGames()
    .filter((g) => id.startsWith(`${g.name.toLowerCase()}-`))
    .sort((a, b) => b.name.length - a.name.length)[0];
  const task = game?.tasks.find((t) => t.id === sample.question_id);
  return game && task ? { game, task } : undefined;
}
