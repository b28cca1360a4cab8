/** The viewer's page of samples (`samplePage`) in PostgreSQL's SQL: the same filters and order as SQLite's. */
import type { SamplePageQuery } from "./sample-page.js";

/** The input's preview: the text of a string input, else the last message's text. */
const INPUT_PREVIEW = `substr(CASE jsonb_typeof(m.input::jsonb)
    WHEN 'string' THEN m.input::jsonb #>> '{}'
    WHEN 'array' THEN coalesce(
      CASE jsonb_typeof(m.input::jsonb -> -1 -> 'content') WHEN 'string' THEN m.input::jsonb -> -1 ->> 'content' END,
      m.input::jsonb -> -1 -> 'content' -> 0 ->> 'text', m.input)
    ELSE m.input END, 1, 200)`;

export function samplePageSql(
  runId: string,
  q: SamplePageQuery,
): { count: string; countArgs: unknown[]; page: string; pageArgs: unknown[] } {
  const args: unknown[] = [runId];
  const p = (v: unknown): string => {
    args.push(v);
    return `$${args.length}`;
  };
  const where = ["m.run_id = $1"];
  if (q.errors === "only") where.push("m.error IS NOT NULL");
  if (q.errors === "none") where.push("m.error IS NULL");
  if (q.cached !== undefined) where.push(`m.cached = ${q.cached ? 1 : 0}`);
  if (q.text) {
    const like = p(`%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(
      `(m.sample_id LIKE ${like} ESCAPE '\\' OR m.input LIKE ${like} ESCAPE '\\' OR m.output LIKE ${like} ESCAPE '\\' OR m.target LIKE ${like} ESCAPE '\\')`,
    );
  }
  if (q.group) {
    // As SQLite's CAST(json_extract(…) AS TEXT): a boolean reads as 1 or 0.
    const at = `m.metadata::jsonb #> ${p(q.group.key.split("."))}::text[]`;
    where.push(
      `(CASE jsonb_typeof(${at}) WHEN 'boolean' THEN (${at})::text::boolean::int::text ELSE ${at} #>> '{}' END) = ${p(q.group.value)}`,
    );
  }
  if (q.score)
    where.push(
      `EXISTS (SELECT 1 FROM scores f WHERE f.run_id = m.run_id AND f.sample_id = m.sample_id AND f.epoch = m.epoch
               AND f.scorer = ${p(q.score.scorer)} AND f.value >= ${p(q.score.min)} AND f.value <= ${p(q.score.max)})`,
    );
  const cond = where.join(" AND ");
  const count = `SELECT COUNT(*) AS n FROM samples m WHERE ${cond}`;
  const countArgs = [...args];
  const dir = q.desc ? "DESC" : "ASC";
  let join = "";
  let order = `m.seq ${dir}, m.epoch ${dir}, m.sample_id COLLATE "C" ${dir}`;
  if (q.sort === "score" && q.sortScorer) {
    join = `LEFT JOIN scores o ON o.run_id = m.run_id AND o.sample_id = m.sample_id AND o.epoch = m.epoch AND o.scorer = ${p(q.sortScorer)}`;
    order = `o.value ${dir} NULLS LAST, m.seq, m.epoch, m.sample_id COLLATE "C"`;
  } else if (q.sort === "latency")
    order = `m.latency_ms ${dir} NULLS LAST, m.seq, m.epoch, m.sample_id COLLATE "C"`;
  const page = `SELECT m.sample_id, m.epoch, m.seq, m.error, m.cached, m.latency_ms,
      ${INPUT_PREVIEW} AS input_preview, substr(m.output, 1, 200) AS output_preview
    FROM samples m ${join} WHERE ${cond} ORDER BY ${order} LIMIT ${p(q.limit)} OFFSET ${p(q.offset)}`;
  return { count, countArgs, page, pageArgs: args };
}
