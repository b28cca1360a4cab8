/** The viewer's page of samples: its filters and order, and the rows it shows. */
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
