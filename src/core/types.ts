/**
 * The core interfaces of Assay. Everything else (providers, tasks, scorers, the engine, the run store)
 * is written against these plain types. They follow inspect_ai's split: a Task is a dataset plus a chain
 * of Solvers that build a conversation and call the model, plus Scorers that turn the final state into
 * Scores; Metrics summarise scores; epoch reducers fold repeated samples first.
 */

// ---------- messages and samples ----------

export type Role = "system" | "user" | "assistant";

export interface TextPart {
  type: "text";
  text: string;
}

/**
 * An image in a message. `image` is a data URL (`data:image/png;base64,...`), an http(s) URL, or a
 * local file path (read and inlined by the provider). The run store keeps inlined images once by hash.
 */
export interface ImagePart {
  type: "image";
  image: string;
  detail?: "auto" | "low" | "high";
}

export type ContentPart = TextPart | ImagePart;

export interface ChatMessage {
  role: Role;
  content: string | ContentPart[];
}

/** One item of a dataset. `input` is a prompt or a whole conversation. */
export interface Sample {
  id: string;
  input: string | ChatMessage[];
  /** The reference answer(s); scorers decide how to compare. */
  target?: string | string[];
  /** Answer options for multiple-choice samples, in presentation order. */
  choices?: string[];
  metadata?: Record<string, unknown>;
}

// ---------- model calls ----------

/** Options that change what a model outputs. Concurrency/retry knobs are deliberately not here. */
export interface GenerateConfig {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  /**
   * Plain text continuation instead of chat: the conversation's text is sent as a raw prompt (for base
   * models such as Pythia, through a server's /completions endpoint) and no chat template is applied.
   */
  completion?: boolean;
  /** Reasoning models' effort (OpenAI's `reasoning_effort`). */
  reasoningEffort?: "minimal" | "low" | "medium" | "high";
  /** Token log-probabilities with the output: the number of alternatives per token (0: the chosen token only). */
  logprobs?: number;
  /**
   * Fields merged into the request body as they are (vLLM's `top_k`, `min_p`, `repetition_penalty`,
   * `chat_template_kwargs`, …): `-M key=value` or `--model-args file.json`. Part of the cache key.
   */
  extra?: Record<string, unknown>;
  /** Leave `<think>…</think>` blocks in the answer instead of moving them to `reasoning` (`--keep-think`). */
  keepThink?: boolean;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface ModelRequest {
  messages: ChatMessage[];
  config: GenerateConfig;
}

export interface ModelOutput {
  text: string;
  usage?: Usage;
  finishReason?: string;
  /** Wall time of the successful call (0 for cache hits). */
  latencyMs: number;
  /** True when served from the response cache. */
  cached?: boolean;
  /** True when answered through a Batch API: no per-request wall time exists (`latencyMs` is 0). */
  batched?: boolean;
  /** Provider-reported model name, if different from the requested one. */
  model?: string;
  /**
   * The model's reasoning, kept apart from `text`: a server's `reasoning_content` / `reasoning` field, or
   * `<think>…</think>` blocks taken out of the answer. Judges and scorers read `text` only.
   */
  reasoning?: string;
  /** The "provider/model" id a cached answer was made by (response-cache housekeeping: `assay cache`). */
  source?: string;
  /** Per-token log-probabilities of the output, when `logprobs` was asked for. */
  logprobs?: Array<{ token: string; logprob: number; top?: Array<{ token: string; logprob: number }> }>;
}

/**
 * Why a provider call failed. The scheduler retries `rate_limit` and `transient` with backoff, and gives
 * up at once on `fatal` (bad request, auth, unknown model).
 */
export type ProviderErrorKind = "rate_limit" | "transient" | "fatal";

export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: ProviderErrorKind,
    readonly options: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

/**
 * A model backend: an OpenAI-compatible server, an in-process model, a scripted stub for tests.
 * `generate` makes one attempt and throws ProviderError on failure; caching, retries, concurrency
 * limits and timeouts are added around it by `Model` (src/providers/model.ts), so providers stay small.
 */
export interface Provider {
  /** Provider name, e.g. "openai". */
  readonly name: string;
  /** Model name as the backend knows it. */
  readonly model: string;
  /** Scope of the concurrency limiter: calls sharing a key share a limit (e.g. provider + base URL). */
  readonly connectionKey: string;
  /** Public endpoint identity stored in the manifest and the cache key; never contains secrets. */
  readonly endpoint?: string;
  /** Upper bound on useful parallel calls (e.g. an in-process model's parallel sequences). */
  readonly maxConcurrency?: number;
  generate(request: ModelRequest, signal: AbortSignal): Promise<ModelOutput>;
  /**
   * Optional batch transport (provider batch APIs): submit many requests, resolve when all are done.
   * The engine uses it when present and `--batch` is given; adaptive concurrency does not apply.
   */
  generateBatch?(requests: ModelRequest[], signal: AbortSignal): Promise<Array<ModelOutput | ProviderError>>;
  close?(): Promise<void>;
  /**
   * One cheap check, before a run, that the endpoint answers and accepts the key and the model name
   * (src/providers/preflight.ts); throws a ProviderError saying what is wrong. Absent: nothing to check.
   */
  preflight?(signal: AbortSignal): Promise<void>;
}

/** What solvers and scorers see of a model: one call with caching, retries and limits applied. */
export interface ModelHandle {
  /** "provider/model", as given on the command line. */
  readonly id: string;
  generate(messages: ChatMessage[], config?: GenerateConfig, options?: CallOptions): Promise<ModelOutput>;
}

export interface CallOptions {
  /** The sample's epoch: repeated samples get distinct cache entries. */
  epoch?: number;
  /**
   * Names the call among several identical requests of one epoch that must stay separate draws (a
   * judge asked three times, a retry after an unreadable reply), e.g. `{ judge_run: 2, attempt: 1 }`.
   * Part of the cache key (like inspect_ai's CachePolicy scopes), never sent to the model.
   */
  scope?: Readonly<Record<string, string | number>>;
  /** Skip reading the cache (the answer is still written). */
  noCacheRead?: boolean;
  signal?: AbortSignal;
}

// ---------- solving ----------

/** The per-sample state that flows through the solver chain, then to the scorers. */
export interface TaskState {
  readonly sample: Sample;
  readonly epoch: number;
  /** The conversation so far; solvers append to it. */
  messages: ChatMessage[];
  /** The last model output (set by `generate`). */
  output?: ModelOutput;
  /** Free-form per-sample data that solvers pass to scorers; stored with the result. */
  store: Record<string, unknown>;
  /** Tokens used by the model under test for this sample (judge tokens are counted separately). */
  usage: Usage;
  /** Set by a solver to stop the chain early. */
  completed: boolean;
}

/** Calls the model under test on the state's messages and appends its answer. */
export type Generate = (state: TaskState, config?: GenerateConfig) => Promise<TaskState>;

export interface SolverContext {
  model: ModelHandle;
  signal: AbortSignal;
}

export type Solver = (state: TaskState, generate: Generate, ctx: SolverContext) => Promise<TaskState>;

// ---------- scoring ----------

export type ScoreValue = number | boolean | string;

/** A score always says what was compared (`answer`) and, where useful, why (`explanation`). */
export interface Score {
  value: ScoreValue;
  /** The answer extracted from the output, as compared against the target. */
  answer?: string;
  explanation?: string;
  metadata?: Record<string, unknown>;
}

export interface ScorerContext {
  /** The judge model, when the run was given `--judge`. */
  judge?: ModelHandle;
  signal: AbortSignal;
  epoch: number;
}

export interface Scorer {
  /** Name under which scores are stored (unique within a task). */
  name: string;
  /** Metrics computed over this scorer's values, by registry name (see src/metrics). */
  metrics: string[];
  /** Needs `--judge`. */
  requiresJudge?: boolean;
  score(state: TaskState, ctx: ScorerContext): Promise<Score>;
}

// ---------- tasks ----------

/** A dataset streams its samples, so large files never sit in memory whole. */
export interface Dataset {
  /** Human name (file path or URL). */
  name: string;
  /** Number of samples (after any limit applied by the engine); may need a pass over the file. */
  count(): Promise<number>;
  /** A content hash (e.g. sha256 of the file), stored in the manifest so resume notices an edited dataset. */
  fingerprint?(): Promise<string>;
  samples(): AsyncIterable<Sample>;
}

export interface Task {
  name: string;
  /** Bump when prompts, scoring or data handling change, so stored runs are not resumed across versions. */
  version: string;
  dataset: Dataset;
  solver: Solver[];
  scorers: Scorer[];
  /** Default generation options for the model under test. */
  config?: GenerateConfig;
  /** Metadata keys to break metrics down by (e.g. "category"). */
  groupBy?: string[];
  /** How repeated epochs of a sample fold into one value before metrics (registry name). */
  epochReducer?: string;
  /**
   * The model and judge calls one sample makes per epoch, for `--dry-run` estimates, when not one model
   * call and one judge call per judged scorer (a multi-turn conversation, a judge asked several times).
   */
  callsPerSample?: (sample: Sample) => { model: number; judge: number };
}

/** Arguments a task factory receives; they are stored in the run manifest so the task can be rebuilt. */
export type TaskArgs = Record<string, string | number | boolean>;
