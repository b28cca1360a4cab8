/** SQL both backends share for claims on the units of shared runs. */

/** Stored units of a run, and live claims on units not stored yet (parameters: run id, now in ms). */
export const CLAIM_STATS_SQL = (run: string, now: string): string =>
  `SELECT (SELECT COUNT(*) FROM samples WHERE run_id = ${run}) AS stored,
          (SELECT COUNT(*) FROM unit_claims c WHERE c.run_id = ${run} AND c.expires_at > ${now}
             AND NOT EXISTS (SELECT 1 FROM samples s
                             WHERE s.run_id = c.run_id AND s.sample_id = c.sample_id AND s.epoch = c.epoch)) AS claimed`;

/**
 * Live claims other workers hold on units still to redo in a retry-errors pass: not stored, or stored
 * with an error (parameters: run id, now in ms, this worker's id). A unit redone without an error no
 * longer counts, though its claim lives on until its worker releases it.
 */
export const REDO_CLAIMS_SQL = (run: string, now: string, worker: string): string =>
  `SELECT COUNT(*) AS claimed FROM unit_claims c
    WHERE c.run_id = ${run} AND c.expires_at > ${now} AND c.worker <> ${worker}
      AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.run_id = c.run_id AND s.sample_id = c.sample_id
                      AND s.epoch = c.epoch AND s.error IS NULL)`;
