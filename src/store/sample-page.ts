/** The viewer's page of samples: its filters and order, the rows it shows, and the SQL both backends run. */
/** Filters and order of `samplePage`. */
export interface SamplePageQuery {
  offset: number;
  limit: number;
  errors?: "only" | "none";
  cached?: boolean;
  /** Substring of the sample id, input, output or target. */
  text?: string;
  /** Samples whose metadata[key], as text, equals value. */
  group?: { key: string; value: string };
  /** Samples whose numeric score from `scorer` lies in [min, max]. */
  score?: { scorer: string; min: number; max: number };
  sort?: "seq" | "score" | "latency";
  sortScorer?: string;
  desc?: boolean;
}

export interface SamplePageRow {
  sampleId: string;
  epoch: number;
  seq: number;
  error: string | null;
  cached: boolean;
  latencyMs: number | null;
  inputPreview: string;
  outputPreview: string | null;
  scores: Record<string, number | null>;
}

/** What differs between SQLite's and PostgreSQL's spelling of the page query. */
export interface SamplePageDialect {
  /** The next parameter's placeholder (`?` or `$n`), given the arguments so far. */
  placeholder(argsSoFar: number): string;
  /** The sample id as ordered (PostgreSQL sorts it bytewise, as SQLite does). */
  sampleId: string;
  errorsOnly: string;
  errorsNone: string;
  /** A condition on metadata[key] (as text) = value, given placeholders for the key and the value. */
  groupCondition(key: (v: unknown) => string, q: { key: string; value: string }): string;
  /** The input's preview: the text of a string input, else the last message's text (200 characters). */
  inputPreview: string;
  /** Wraps the seq column in the order of a text search (SQLite: `+m.seq`, so the scan follows the table). */
  textSearchSeq(seq: string): string;
}

/**
 * The page query in two steps: the inner query finds the page's keys using only narrow columns (the
 * order indexes of migration 3 serve the default and latency orders, so a deep page skips index
 * entries, not rows), and the outer one reads the previews of those rows alone. A text search must read
 * every row of the run anyway, so it counts its matches in the same pass (`COUNT(*) OVER ()`) instead
 * of a second scan; `count` is then needed only when the page is empty.
 */
export function buildSamplePageSql(
  d: SamplePageDialect,
  runId: string,
  q: SamplePageQuery,
): { count: string; countArgs: unknown[]; page: string; pageArgs: unknown[]; countsInPage: boolean } {
  const condition = (p: (v: unknown) => string): string => {
    const where = [`m.run_id = ${p(runId)}`];
    if (q.errors === "only") where.push(d.errorsOnly);
    if (q.errors === "none") where.push(d.errorsNone);
    if (q.cached !== undefined) where.push(`m.cached = ${q.cached ? 1 : 0}`);
    if (q.text) {
      const pattern = `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const like = (column: string) => `${column} LIKE ${p(pattern)} ESCAPE '\\'`;
      where.push(`(${["m.sample_id", "m.input", "m.output", "m.target"].map(like).join(" OR ")})`);
    }
    if (q.group) where.push(d.groupCondition(p, q.group));
    if (q.score)
      where.push(
        `EXISTS (SELECT 1 FROM scores f WHERE f.run_id = m.run_id AND f.sample_id = m.sample_id AND f.epoch = m.epoch
                 AND f.scorer = ${p(q.score.scorer)} AND f.value >= ${p(q.score.min)} AND f.value <= ${p(q.score.max)})`,
      );
    return where.join(" AND ");
  };
  const binder = (args: unknown[]) => (v: unknown) => {
    const ph = d.placeholder(args.length);
    args.push(v);
    return ph;
  };

  const countArgs: unknown[] = [];
  const count = `SELECT COUNT(*) AS n FROM samples m WHERE ${condition(binder(countArgs))}`;

  const pageArgs: unknown[] = [];
  const p = binder(pageArgs);
  const dir = q.desc ? "DESC" : "ASC";
  // Ties follow the direction too, so a descending page is the ascending order reversed (an index
  // read backwards); the score order's ties stay ascending (it sorts in any case: seq is not in scores).
  const order = (key: string | null, seq: string, epoch: string, id: string): string =>
    key === null
      ? `${seq} ${dir}, ${epoch} ${dir}, ${id} ${dir}`
      : q.sort === "score"
        ? `${key} ${dir} NULLS LAST, ${seq}, ${epoch}, ${id}`
        : `${key} ${dir} NULLS LAST, ${seq} ${dir}, ${epoch} ${dir}, ${id} ${dir}`;
  let join = "";
  let key: string | null = null;
  if (q.sort === "score" && q.sortScorer) {
    join = `LEFT JOIN scores o ON o.run_id = m.run_id AND o.sample_id = m.sample_id AND o.epoch = m.epoch AND o.scorer = ${p(q.sortScorer)}`;
    key = "o.value";
  } else if (q.sort === "latency") key = "m.latency_ms";
  const cond = condition(p);
  const seq = q.text ? d.textSearchSeq("m.seq") : "m.seq";
  const total = q.text ? ", COUNT(*) OVER () AS total" : "";
  const inner = `SELECT m.sample_id, m.epoch, m.seq, ${key ?? "NULL"} AS k${total}
    FROM samples m ${join} WHERE ${cond}
    ORDER BY ${order(key, seq, "m.epoch", d.sampleId)} LIMIT ${p(q.limit)} OFFSET ${p(q.offset)}`;
  const page = `SELECT m.sample_id, m.epoch, m.seq, m.error, m.cached, m.latency_ms,
      ${d.inputPreview} AS input_preview, substr(m.output, 1, 200) AS output_preview${q.text ? ", p.total" : ""}
    FROM (${inner}) p JOIN samples m ON m.run_id = ${p(runId)} AND m.sample_id = p.sample_id AND m.epoch = p.epoch
    ORDER BY ${order(key === null ? null : "p.k", "p.seq", "p.epoch", d.sampleId.replace("m.", "p."))}`;
  return { count, countArgs, page, pageArgs, countsInPage: Boolean(q.text) };
}

/** SQLite's spelling of the page query. */
export const SQLITE_SAMPLE_PAGE: SamplePageDialect = {
  placeholder: () => "?",
  sampleId: "m.sample_id",
  // The expression index samples_run_failed (migration 3) holds exactly `error IS NULL`.
  errorsOnly: "(m.error IS NULL) = 0",
  errorsNone: "(m.error IS NULL) = 1",
  groupCondition: (p, g) => `CAST(json_extract(m.metadata, ${p(`$.${g.key}`)}) AS TEXT) = ${p(g.value)}`,
  inputPreview: `substr(CASE json_type(m.input)
      WHEN 'text' THEN json_extract(m.input, '$')
      WHEN 'array' THEN coalesce(
        CASE json_type(m.input, '$[#-1].content') WHEN 'text' THEN json_extract(m.input, '$[#-1].content') END,
        json_extract(m.input, '$[#-1].content[0].text'), m.input)
      ELSE m.input END, 1, 200)`,
  // Without the `+`, SQLite walks the seq index and fetches every row out of order (2–3× slower).
  textSearchSeq: (seq) => `+${seq}`,
};

/** The page's rows and total from the page query's rows (`total` counted there or by `count()`). */
export function samplePageResult(
  rows: Array<Record<string, unknown>>,
  countsInPage: boolean,
  count: () => number,
  scoresOf: (sampleId: string, epoch: number) => Array<{ scorer: string; value: number | null }>,
): { total: number; rows: SamplePageRow[] } {
  const total = countsInPage && rows.length > 0 ? Number(rows[0]!.total) : count();
  return {
    total,
    rows: rows.map((r) => {
      const sampleId = r.sample_id as string;
      const epoch = Number(r.epoch);
      const scores: Record<string, number | null> = {};
      for (const s of scoresOf(sampleId, epoch)) scores[s.scorer] = s.value;
      return {
        sampleId,
        epoch,
        seq: Number(r.seq),
        error: r.error as string | null,
        cached: Number(r.cached) === 1,
        latencyMs: r.latency_ms as number | null,
        inputPreview: (r.input_preview as string | null) ?? "",
        outputPreview: r.output_preview as string | null,
        scores,
      };
    }),
  };
}
