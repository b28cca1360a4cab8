/**
 * Human ratings live in the run database beside runs, samples and scores (SQLite or PostgreSQL), in two
 * tables this module creates on first use. Annotator tokens are random (crypto) and only their sha256 is stored, so a
 * copy of the database does not leak working links.
 */
import { createHash, randomBytes } from "node:crypto";
import { UserError } from "../util/errors.js";
import type { SideSql } from "./side-sql.js";

const RATINGS_SCHEMA_SQLITE = `
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

/** The same tables in PostgreSQL: no WITHOUT ROWID, and REAL is 4 bytes there. */
const RATINGS_SCHEMA_PG = RATINGS_SCHEMA_SQLITE.replace(") WITHOUT ROWID;", ");").replace(
  "score REAL,",
  "score DOUBLE PRECISION,",
);

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
  constructor(readonly sql: SideSql) {
    sql.exec(sql.dialect === "postgres" ? RATINGS_SCHEMA_PG : RATINGS_SCHEMA_SQLITE);
  }

  /** Creates an annotator and returns the token, which is not stored anywhere. */
  addAnnotator(name: string, runId: string | null): string {
    validateAnnotatorName(name);
    const token = randomBytes(24).toString("base64url");
    try {
      this.sql.run("INSERT INTO annotators (name, token_hash, run_id, created_at) VALUES (?,?,?,?)", [
        name,
        hashToken(token),
        runId,
        new Date().toISOString(),
      ]);
    } catch (err) {
      if (this.sql.isUniqueViolation(err))
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
    const changed = this.sql.run("UPDATE annotators SET token_hash = ? WHERE name = ?", [
      hashToken(token),
      name,
    ]);
    if (changed === 0) throw new UserError(`no annotator "${name}" (see: assay annotate annotators)`);
    return token;
  }

  annotatorByToken(token: string): Annotator | undefined {
    if (token.length < 16 || token.length > 128) return undefined;
    const row = this.sql.all<AnnotatorRow>(
      "SELECT name, run_id, created_at FROM annotators WHERE token_hash = ?",
      [hashToken(token)],
    )[0];
    return row ? annotatorOf(row) : undefined;
  }

  listAnnotators(): Annotator[] {
    return this.sql
      .all<AnnotatorRow>("SELECT name, run_id, created_at FROM annotators ORDER BY name")
      .map(annotatorOf);
  }

  /** Insert or replace one rating; returns it as stored. */
  saveRating(runId: string, r: RatingInput): StoredRating {
    const updatedAt = r.updatedAt ?? new Date().toISOString();
    this.sql.batch([upsert(runId, r, updatedAt)]);
    return { ...r, runId, updatedAt };
  }

  /** Many ratings in one transaction (imports). */
  saveMany(runId: string, rows: RatingInput[]): void {
    this.sql.batch(rows.map((r) => upsert(runId, r, r.updatedAt ?? new Date().toISOString())));
  }

  ratingsFor(runId: string, annotator?: string): StoredRating[] {
    const rows =
      annotator === undefined
        ? this.sql.all<Record<string, unknown>>(
            "SELECT * FROM ratings WHERE run_id = ? ORDER BY item_id, annotator",
            [runId],
          )
        : this.sql.all<Record<string, unknown>>(
            "SELECT * FROM ratings WHERE run_id = ? AND annotator = ? ORDER BY item_id",
            [runId, annotator],
          );
    return rows.map((row) => ({
      runId: row.run_id as string,
      itemId: row.item_id as string,
      annotator: row.annotator as string,
      sampleId: row.sample_id as string,
      epoch: Number(row.epoch),
      score: row.score === null ? null : Number(row.score),
      dimensions: row.dimensions ? (JSON.parse(row.dimensions as string) as Record<string, number>) : {},
      comment: (row.comment as string | null) ?? "",
      source: row.source as string,
      updatedAt: row.updated_at as string,
    }));
  }
}

interface AnnotatorRow {
  name: string;
  run_id: string | null;
  created_at: string;
}

const annotatorOf = (r: AnnotatorRow): Annotator => ({
  name: r.name,
  runId: r.run_id,
  createdAt: r.created_at,
});

/** One rating written over any earlier one for the same item and annotator (both dialects). */
function upsert(runId: string, r: RatingInput, updatedAt: string) {
  return {
    sql: `INSERT INTO ratings (run_id, item_id, annotator, sample_id, epoch, score, dimensions, comment, source, updated_at)
          VALUES (?,?,?,?,?,?,?,?,?,?)
          ON CONFLICT (run_id, item_id, annotator) DO UPDATE SET sample_id = excluded.sample_id,
            epoch = excluded.epoch, score = excluded.score, dimensions = excluded.dimensions,
            comment = excluded.comment, source = excluded.source, updated_at = excluded.updated_at`,
    params: [
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
    ],
  };
}
