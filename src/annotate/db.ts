/**
 * Human ratings live in the run database beside runs, samples and scores, in two tables this module
 * creates on first use. Annotator tokens are random (crypto) and only their sha256 is stored, so a
 * copy of the database does not leak working links.
 */
import { createHash, randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import { UserError } from "../util/errors.js";

export const RATINGS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS annotators (
  name TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,  -- sha256 hex of the token; the token itself is printed once
  run_id TEXT,                      -- NULL: the link works for every run
  created_at TEXT NOT NULL
);

-- One row per (run, item, annotator); saved on every change in the app, or imported from a file.
CREATE TABLE IF NOT EXISTS ratings (
  run_id TEXT NOT NULL,
  item_id TEXT NOT NULL,            -- sample id, or the question id inside a multi-turn sample
  annotator TEXT NOT NULL,
  sample_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  score REAL,                       -- the overall rating on the task's scale; NULL while unrated
  dimensions TEXT,                  -- JSON object of extra fields (e.g. MTG safety and B..E)
  comment TEXT,
  source TEXT NOT NULL,             -- "app" or "import:<file>"
  updated_at TEXT NOT NULL,
  PRIMARY KEY (run_id, item_id, annotator)
) WITHOUT ROWID;
`;

export interface Annotator {
  name: string;
  runId: string | null;
  createdAt: string;
}

export interface StoredRating {
  runId: string;
  itemId: string;
  annotator: string;
  sampleId: string;
  epoch: number;
  score: number | null;
  dimensions: Record<string, number>;
  comment: string;
  source: string;
  updatedAt: string;
}

export type RatingInput = Omit<StoredRating, "updatedAt" | "runId"> & { updatedAt?: string };

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function validateAnnotatorName(name: string, where = "annotator"): string {
  if (!NAME_RE.test(name))
    throw new UserError(
      `${where}: "${name}" is not a valid annotator name (letters, digits, _ . @ -, at most 64 characters)`,
    );
  return name;
}

export class RatingsDb {
  constructor(readonly db: Database.Database) {
    db.exec(RATINGS_SCHEMA_SQL);
  }

  /** Creates an annotator and returns the token, which is not stored anywhere. */
  addAnnotator(name: string, runId: string | null): string {
    validateAnnotatorName(name);
    const token = randomBytes(24).toString("base64url");
    try {
      this.db
        .prepare("INSERT INTO annotators (name, token_hash, run_id, created_at) VALUES (?,?,?,?)")
        .run(name, hashToken(token), runId, new Date().toISOString());
    } catch (err) {
      if (String(err).includes("UNIQUE"))
        throw new UserError(
          `annotator "${name}" already exists; use --rotate to issue a new link (the old one stops working)`,
        );
      throw err;
    }
    return token;
  }

  /** A new token for an existing annotator; the old link stops working. */
  rotateToken(name: string): string {
    const token = randomBytes(24).toString("base64url");
    const r = this.db
      .prepare("UPDATE annotators SET token_hash = ? WHERE name = ?")
      .run(hashToken(token), name);
    if (r.changes === 0) throw new UserError(`no annotator "${name}" (see: assay annotate annotators)`);
    return token;
  }

  annotatorByToken(token: string): Annotator | undefined {
    if (token.length < 16 || token.length > 128) return undefined;
    const row = this.db
      .prepare("SELECT name, run_id, created_at FROM annotators WHERE token_hash = ?")
      .get(hashToken(token)) as { name: string; run_id: string | null; created_at: string } | undefined;
    return row ? { name: row.name, runId: row.run_id, createdAt: row.created_at } : undefined;
  }

  listAnnotators(): Annotator[] {
    return (
      this.db.prepare("SELECT name, run_id, created_at FROM annotators ORDER BY name").all() as Array<{
        name: string;
        run_id: string | null;
        created_at: string;
      }>
    ).map((r) => ({ name: r.name, runId: r.run_id, createdAt: r.created_at }));
  }

  /** Insert or replace one rating; returns it as stored. */
  saveRating(runId: string, r: RatingInput): StoredRating {
    const updatedAt = r.updatedAt ?? new Date().toISOString();
    this.db
      .prepare(
        `INSERT OR REPLACE INTO ratings (run_id, item_id, annotator, sample_id, epoch, score, dimensions, comment, source, updated_at)
         VALUES (?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        runId,
        r.itemId,
        r.annotator,
        r.sampleId,
        r.epoch,
        r.score,
        Object.keys(r.dimensions).length ? JSON.stringify(r.dimensions) : null,
        r.comment === "" ? null : r.comment,
        r.source,
        updatedAt,
      );
    return { ...r, runId, updatedAt };
  }

  /** Many ratings in one transaction (imports). */
  saveMany(runId: string, rows: RatingInput[]): void {
    this.db.transaction(() => {
      for (const r of rows) this.saveRating(runId, r);
    })();
  }

  ratingsFor(runId: string, annotator?: string): StoredRating[] {
    const rows = (
      annotator === undefined
        ? this.db.prepare("SELECT * FROM ratings WHERE run_id = ? ORDER BY item_id, annotator").all(runId)
        : this.db
            .prepare("SELECT * FROM ratings WHERE run_id = ? AND annotator = ? ORDER BY item_id")
            .all(runId, annotator)
    ) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      runId: row.run_id as string,
      itemId: row.item_id as string,
      annotator: row.annotator as string,
      sampleId: row.sample_id as string,
      epoch: row.epoch as number,
      score: row.score as number | null,
      dimensions: row.dimensions ? (JSON.parse(row.dimensions as string) as Record<string, number>) : {},
      comment: (row.comment as string | null) ?? "",
      source: row.source as string,
      updatedAt: row.updated_at as string,
    }));
  }
}
