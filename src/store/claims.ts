/** SQL both backends share for claims on the units of shared runs. */

/** Stored units of a run, and live claims on units not stored yet (parameters: run id, now in ms). */
export const CLAIM_STATS_SQL = (run: string, now: string): string =>
  `SELECT (SELECT COUNT(*) FROM samples WHERE run_id = ${run}) AS stored,
          (SELECT COUNT(*) FROM unit_claims c WHERE c.run_id = ${run} AND c.expires_at > ${now}
             AND NOT EXISTS (SELECT 1 FROM samples s
                             WHERE s.run_id = c.run_id AND s.sample_id = c.sample_id AND s.epoch = c.epoch)) AS claimed`;
