/**
 * Per-token log-probabilities of a GGUF model run by llama.cpp in this process (node-llama-cpp 3.x), for
 * `contamination mink --model gguf/<file>`. A sequence is evaluated in one `controlledEvaluate` call that
 * asks, at every position but the last, for the raw next-token logits; log p(x_{i+1} | x_≤i) is their
 * log-softmax at the next token. Nothing samples: with no sampling options node-llama-cpp's chain is
 * llama.cpp's greedy sampler alone, which picks the argmax without changing any logit (no temperature,
 * top-k/top-p or repeat penalty touch the values returned).
 *
 * Two ways to the normaliser log Σ exp(l):
 * - "summary" (default): llama.cpp returns the next token's logit, the largest logit (`includeTop: 1`) and
 *   `totalLogitWeight` = Σ exp(l − max) summed in float32 in C++. Two numbers per position cross into
 *   JavaScript whatever the vocabulary size. The float32 sum is the only rounding beyond the logits' own:
 *   its relative error, and so the absolute error of log p, is at most (V−1)·2⁻²⁴ (3e-5 at V = 512, 9e-3
 *   at V = 150,000, a worst case that needs every rounding to go one way); measured on stories260K
 *   (V = 512): up to 1.2e-5.
 * - "full": every logit of the vocabulary crosses (a Map of V entries per position) and the log-softmax
 *   is taken here in float64. Exact, but V values per position: fine for small vocabularies, slow for
 *   100k+ ones. The tests use it to check the summary.
 *
 * The KV cache is F32 and flash attention off by default: llama.cpp's F16 cache alone moves stories260K's
 * logits by up to ~0.05 (see test/providers/gguf-crosscheck.test.ts), which would move Min-K% as much.
 */
import type {
  ControlledEvaluateIndexOutput,
  ControlledEvaluateInputItem,
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaModel,
  Token,
} from "node-llama-cpp";
import { type GgufGpu, resolveGgufFile, sharedLlama } from "../providers/gguf-provider.js";
import { errorMessage, UserError } from "../util/errors.js";

export type NormaliserMode = "summary" | "full";

export interface GgufScorerOptions {
  gpu?: GgufGpu;
  /** CPU threads per evaluation (default: node-llama-cpp's). */
  threads?: number;
  /** KV cache element type (default F32, exact; F16 is llama.cpp's own default). */
  kvCacheType?: "F32" | "F16";
  normaliser?: NormaliserMode;
  progress?: "auto" | "tty" | "plain" | "silent";
}

/** Smallest context created; it grows (doubling) when an item needs more, up to the training context. */
const MIN_CONTEXT = 64;

export class GgufScorer {
  private context: LlamaContext | undefined;
  private sequence: LlamaContextSequence | undefined;

  private constructor(
    readonly path: string,
    private readonly model: LlamaModel,
    private readonly opts: GgufScorerOptions,
  ) {}

  /** `model` is what follows `gguf/`: a file path or an hf: reference. Problems are UserErrors. */
  static async open(model: string, opts: GgufScorerOptions = {}): Promise<GgufScorer> {
    const path = await resolveGgufFile(model, opts.progress ? { progress: opts.progress } : {});
    let llama: Llama;
    try {
      llama = await sharedLlama(opts.gpu ?? "auto");
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(
        `cannot start llama.cpp through node-llama-cpp (${errorMessage(err)}); score with the reference engine instead: --model ${path}`,
      );
    }
    try {
      return new GgufScorer(path, await llama.loadModel({ modelPath: path }), opts);
    } catch (err) {
      throw new UserError(`llama.cpp cannot load ${path}: ${errorMessage(err)}`);
    }
  }

  /** Tokens in the vocabulary (llama.cpp needs tokenizer.ggml.tokens to load a model at all). */
  get vocabSize(): number {
    const md = this.model.fileInfo.metadata as {
      tokenizer?: { ggml?: { tokens?: readonly unknown[] } };
    };
    const n = md.tokenizer?.ggml?.tokens?.length;
    if (n === undefined) throw new UserError(`${this.path}: no tokenizer.ggml.tokens in the file`);
    return n;
  }

  get bos(): number | undefined {
    return this.model.tokens.bos ?? undefined;
  }

  get trainContextSize(): number {
    return this.model.trainContextSize;
  }

  /** The text as llama.cpp tokenises it, special-token text kept literal and no BOS added. */
  tokenize(text: string): number[] {
    return this.model.tokenize(text, false);
  }

  /** log p(tokens[i+1] | tokens[0..i]) for i = 0 … n−2, natural log. */
  async logProbs(tokens: readonly number[]): Promise<Float64Array> {
    const sequence = await this.sequenceFor(tokens.length);
    await sequence.clearHistory();
    const full = this.opts.normaliser === "full";
    // The last token predicts nothing that is scored: it is not evaluated.
    const input = tokens.slice(0, -1).map((t, i): ControlledEvaluateInputItem => {
      const next = tokens[i + 1] as Token;
      const generateNext = full
        ? { logits: true as const }
        : { logits: { filter: { tokens: [next], includeTop: 1 } }, totalLogitWeight: true };
      return [t as Token, { generateNext }];
    });
    const out = await sequence.controlledEvaluate(input);
    const lp = new Float64Array(Math.max(0, tokens.length - 1));
    for (let i = 0; i < lp.length; i++) {
      const next = out[i]?.next;
      if (!next) throw new Error(`llama.cpp returned nothing for position ${i}`);
      lp[i] = full ? logSoftmaxAt(next, tokens[i + 1]!) : summaryLogProb(next, tokens[i + 1]!);
    }
    return lp;
  }

  private async sequenceFor(length: number): Promise<LlamaContextSequence> {
    if (this.context && this.sequence && this.context.contextSize >= length) return this.sequence;
    const train = this.model.trainContextSize;
    if (length > train) {
      throw new UserError(`${length} tokens do not fit ${this.path}'s context of ${train}`);
    }
    const size = Math.min(train, Math.max(MIN_CONTEXT, length, 2 * (this.context?.contextSize ?? 0)));
    await this.context?.dispose();
    this.context = undefined;
    this.sequence = undefined;
    const kv = this.opts.kvCacheType ?? "F32";
    try {
      this.context = await this.model.createContext({
        contextSize: size,
        sequences: 1,
        flashAttention: false,
        experimentalKvCacheKeyType: kv,
        experimentalKvCacheValueType: kv,
        ...(this.opts.threads ? { threads: this.opts.threads } : {}),
      });
    } catch (err) {
      throw new UserError(`cannot create a ${size}-token context for ${this.path} (${errorMessage(err)})`);
    }
    this.sequence = this.context.getSequence();
    return this.sequence;
  }

  async close(): Promise<void> {
    await this.context?.dispose();
    this.context = undefined;
    await this.model.dispose();
  }
}

type Next = ControlledEvaluateIndexOutput["next"];

/** l_next − max − log Σ exp(l − max), from the filtered logits and llama.cpp's total logit weight. */
function summaryLogProb(next: Next, token: number): number {
  const target = next.logits?.get(token as Token);
  const weight = next.totalLogitWeight;
  if (target === undefined || weight === undefined || next.logits === undefined)
    throw new Error(`llama.cpp returned no logit for token ${token}`);
  let max = target;
  for (const v of next.logits.values()) if (v > max) max = v;
  return target - max - Math.log(weight);
}

/** Log-softmax at `token` over the whole vocabulary, in float64. */
function logSoftmaxAt(next: Next, token: number): number {
  const logits = next.logits;
  const target = logits?.get(token as Token);
  if (logits === undefined || target === undefined)
    throw new Error(`llama.cpp returned no logit for token ${token}`);
  let max = Number.NEGATIVE_INFINITY;
  for (const v of logits.values()) if (v > max) max = v;
  let sum = 0;
  for (const v of logits.values()) sum += Math.exp(v - max);
  return target - max - Math.log(sum);
}
