/** The viewer's page of samples (`samplePage`) in PostgreSQL's SQL: the same filters and order as SQLite's. */
import { buildSamplePageSql, type SamplePageDialect, type SamplePageQuery } from "./sample-page.js";

const PG_SAMPLE_PAGE: SamplePageDialect = {
  placeholder: (n) => `$${n + 1}`,
  sampleId: 'm.sample_id COLLATE "C"',
  errorsOnly: "m.error IS NOT NULL",
  errorsNone: "m.error IS NULL",
  groupCondition(p, g) {
    // As SQLite's CAST(json_extract(…) AS TEXT): a boolean reads as 1 or 0.
    const at = `m.metadata::jsonb #> ${p(g.key.split("."))}::text[]`;
    return `(CASE jsonb_typeof(${at}) WHEN 'boolean' THEN (${at})::text::boolean::int::text ELSE ${at} #>> '{}' END) = ${p(g.value)}`;
  },
  inputPreview: `substr(CASE jsonb_typeof(m.input::jsonb)
    WHEN 'string' THEN m.input::jsonb #>> '{}'
    WHEN 'array' THEN coalesce(
      CASE jsonb_typeof(m.input::jsonb -> -1 -> 'content') WHEN 'string' THEN m.input::jsonb -> -1 ->> 'content' END,
      m.input::jsonb -> -1 -> 'content' -> 0 ->> 'text', m.input)
    ELSE m.input END, 1, 200)`,
  textSearchSeq: (seq) => seq,
};

export function samplePageSql(runId: string, q: SamplePageQuery): ReturnType<typeof buildSamplePageSql> {
  return buildSamplePageSql(PG_SAMPLE_PAGE, runId, q);
}
