/**
 * `gguf/<path.gguf>` and `gguf/hf:<owner>/<repo>[@rev]/<file.gguf>`: a GGUF model run in-process by
 * llama.cpp through node-llama-cpp. One llama.cpp binding per process (prebuilt binaries only, never a
 * build at run time), each model file loaded once per process (an answerer and a judge naming the same
 * file share it), and one context per provider whose parallel sequences are the concurrency limit
 * (`maxConcurrency`). The chat template comes from the file (node-llama-cpp resolves a chat wrapper
 * from the GGUF metadata). One attempt per call; failures are ProviderErrors (all fatal: retrying an
 * in-process model cannot help), bad references are UserErrors at construction.
 *
 * Tuning by environment: ASSAY_GGUF_SEQUENCES (parallel sequences, default 4), ASSAY_GGUF_CONTEXT
 * (tokens per sequence, default min(4096, the model's training context)), ASSAY_GGUF_GPU
 * (auto | off | cuda | vulkan | metal; default auto, which falls back to the CPU), ASSAY_GGUF_THREADS (CPU
 * threads; default all cores — on a machine busy with other work, fewer threads can be much faster).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type {
  ChatHistoryItem,
  ChatWrapper,
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaGpuType,
  LlamaModel,
} from "node-llama-cpp";
import {
  type ChatMessage,
  type ModelOutput,
  type ModelRequest,
  type Provider,
  ProviderError,
} from "../core/types.js";
import { errorMessage, UserError } from "../util/errors.js";
import { pinnedDownloadOptions } from "./default-model.js";
import {
  cachedHfFile,
  downloadHfFile,
  formatHfReference,
  type HfFileRef,
  parseHfReference,
} from "./hf-download.js";

export type GgufGpu = "auto" | LlamaGpuType;

export interface GgufProviderOptions {
  /** Parallel sequences of the context = the most calls served at once (default 4). */
  sequences?: number;
  /** Context length per sequence in tokens (default min(4096, training context)). */
  contextSize?: number;
  gpu?: GgufGpu;
  /** CPU threads per evaluation (default: node-llama-cpp's, all math cores). */
  threads?: number;
  /** Output tokens when a request sets no maxTokens (default 1024). */
  defaultMaxTokens?: number;
  /** KV cache element type; F16 is llama.cpp's default, F32 is exact (used by the cross-engine tests). */
  kvCacheType?: "F16" | "F32";
  /** Download progress display for hf: references. */
  progress?: "auto" | "tty" | "plain" | "silent";
}

export const DEFAULT_SEQUENCES = 4;
export const DEFAULT_CONTEXT = 4096;
export const DEFAULT_MAX_TOKENS = 1024;

/** `path` or `hf:<owner>/<repo>[@rev]/<file>`, after the `gguf/` prefix. */
export type GgufSource = { kind: "path"; path: string } | { kind: "hf"; ref: HfFileRef };

export function parseGgufSource(model: string): GgufSource {
  if (model.startsWith("hf:")) return { kind: "hf", ref: parseHfReference(model.slice(3)) };
  if (!model.trim()) throw new UserError('model "gguf/" names no file: use gguf/<path.gguf>');
  return { kind: "path", path: resolve(model) };
}

/** Throw a UserError unless `path` is a readable file that starts with the GGUF magic. */
export function checkGgufFile(path: string, shownAs = path): void {
  if (!existsSync(path)) {
    throw new UserError(`GGUF model file ${shownAs} does not exist (--model gguf/<path.gguf>)`);
  }
  if (!statSync(path).isFile()) throw new UserError(`GGUF model ${shownAs} is not a file`);
  const magic = Buffer.alloc(4);
  const fd = openSync(path, "r");
  let n: number;
  try {
    n = readSync(fd, magic, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 4 || magic.toString("latin1") !== "GGUF") {
    throw new UserError(
      `${shownAs} is not a GGUF file (it starts with ${JSON.stringify(magic.subarray(0, n).toString("latin1"))}, not "GGUF"); ` +
        "convert a checkpoint with: assay model convert IN OUT.gguf --to gguf",
    );
  }
}

// ---------- process-wide llama.cpp state ----------

type NodeLlamaCpp = typeof import("node-llama-cpp");
let bindingModule: Promise<NodeLlamaCpp> | undefined;
const llamas = new Map<string, Promise<Llama>>();
const models = new Map<string, { model: Promise<LlamaModel>; users: number }>();

/** node-llama-cpp is imported on first use, so CLI commands that never run a GGUF model don't pay for it. */
function nodeLlamaCpp(): Promise<NodeLlamaCpp> {
  bindingModule ??= import("node-llama-cpp").catch((err: unknown) => {
    bindingModule = undefined; // let a later call try again (e.g. after installing it)
    if ((err as { code?: string }).code === "ERR_MODULE_NOT_FOUND")
      throw new UserError(NODE_LLAMA_CPP_MISSING);
    throw err;
  });
  return bindingModule;
}

/**
 * node-llama-cpp (~670 MB of llama.cpp binaries) is an optional peer dependency: users who only call
 * HTTP servers never download it. A clone of this repository installs it as a dev dependency.
 */
export const NODE_LLAMA_CPP_MISSING =
  "in-process GGUF models (the gguf/ provider and the embedded default model) need node-llama-cpp, " +
  "which is not installed: run  npm install node-llama-cpp  in your project, " +
  "or name a server with --model openai/<model> --model-base-url URL";

/** The llama.cpp binding (one per GPU setting, in practice one per process). */
export function sharedLlama(gpu: GgufGpu = "auto"): Promise<Llama> {
  const key = String(gpu);
  let llama = llamas.get(key);
  if (!llama) {
    llama = nodeLlamaCpp().then(({ getLlama, LlamaLogLevel }) =>
      getLlama({ gpu, build: "never", logLevel: LlamaLogLevel.error, progressLogs: false }),
    );
    llama.catch(() => llamas.delete(key));
    llamas.set(key, llama);
  }
  return llama;
}

function acquireModel(llama: Llama, path: string, gpu: GgufGpu): Promise<LlamaModel> {
  const key = `${String(gpu)}|${path}`;
  let entry = models.get(key);
  if (!entry) {
    const model = llama.loadModel({ modelPath: path });
    entry = { model, users: 0 };
    model.catch(() => models.delete(key));
    models.set(key, entry);
  }
  entry.users++;
  return entry.model;
}

async function releaseModel(path: string, gpu: GgufGpu): Promise<void> {
  const key = `${String(gpu)}|${path}`;
  const entry = models.get(key);
  if (!entry || --entry.users > 0) return;
  models.delete(key);
  await (await entry.model).dispose();
}

/** How many model files are loaded in this process (answerer and judge on one file count once). */
export function loadedGgufModels(): number {
  return models.size;
}

/**
 * Download and load every GGUF model among `providers` before a run starts, so that download progress
 * and errors (offline, missing file) come first and once, as a UserError, instead of failing each sample.
 */
export async function prepareLocalModels(
  providers: Array<Provider | undefined>,
  signal?: AbortSignal,
): Promise<void> {
  for (const p of providers) if (p instanceof GgufProvider) await p.prepare(signal);
}

// ---------- the provider ----------

interface Runtime {
  path: string;
  model: LlamaModel;
  context: LlamaContext;
  contextSize: number;
  /** The chat wrapper resolved from the file (the same for every sequence). */
  wrapper: ChatWrapper;
  idle: LlamaChat[];
  waiting: Array<(chat: LlamaChat) => void>;
}

export class GgufProvider implements Provider {
  readonly name = "gguf";
  readonly model: string;
  readonly connectionKey: string;
  readonly endpoint = "local";
  readonly maxConcurrency: number;
  private readonly source: GgufSource;
  private readonly gpu: GgufGpu;
  private runtime: Promise<Runtime> | undefined;

  constructor(
    model: string,
    private readonly opts: GgufProviderOptions = {},
  ) {
    this.model = model;
    this.source = parseGgufSource(model);
    this.gpu = opts.gpu ?? "auto";
    this.maxConcurrency = opts.sequences ?? DEFAULT_SEQUENCES;
    if (!Number.isInteger(this.maxConcurrency) || this.maxConcurrency < 1) {
      throw new UserError(`gguf: sequences must be a positive integer, got ${this.maxConcurrency}`);
    }
    this.connectionKey = `gguf|${this.source.kind === "path" ? this.source.path : model}`;
    // Fail before the run starts when a local file is missing or not GGUF (or a cached download is bad).
    if (this.source.kind === "path") checkGgufFile(this.source.path, model);
    else {
      const cached = cachedHfFile(this.source.ref);
      if (cached) checkGgufFile(cached, `${cached} (cached ${formatHfReference(this.source.ref)})`);
    }
  }

  /**
   * Download (hf: references), load the model and create the context. Called by the first `generate`;
   * call it yourself before a run so that a download's progress and errors come before the run's
   * (throws UserError for a download or file problem).
   */
  prepare(signal?: AbortSignal): Promise<void> {
    return this.start(signal).then(() => undefined);
  }

  private start(signal?: AbortSignal): Promise<Runtime> {
    if (!this.runtime) {
      const runtime = this.load(signal);
      this.runtime = runtime;
      // An aborted preparation may be tried again; other failures are kept (every call fails the same way).
      runtime.catch(() => {
        if (signal?.aborted && this.runtime === runtime) this.runtime = undefined;
      });
    }
    return this.runtime;
  }

  private async load(signal?: AbortSignal): Promise<Runtime> {
    const path = await localFile(this.source, {
      ...(signal ? { signal } : {}),
      ...(this.opts.progress ? { progress: this.opts.progress } : {}),
    });
    let llama: Llama;
    try {
      llama = await sharedLlama(this.gpu);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(
        `cannot start llama.cpp through node-llama-cpp (${errorMessage(err)}); ` +
          "Assay uses its prebuilt binaries only: reinstall with npm ci on a supported platform (Linux/macOS/Windows, x64/arm64)",
      );
    }
    let model: LlamaModel;
    try {
      model = await acquireModel(llama, path, this.gpu);
    } catch (err) {
      throw new UserError(`llama.cpp cannot load ${path}: ${errorMessage(err)}`);
    }
    const requested = Math.min(this.opts.contextSize ?? DEFAULT_CONTEXT, model.trainContextSize);
    let context: LlamaContext;
    try {
      context = await model.createContext({
        sequences: this.maxConcurrency,
        contextSize: requested,
        ...(this.opts.threads ? { threads: this.opts.threads } : {}),
        ...(this.opts.kvCacheType
          ? {
              experimentalKvCacheKeyType: this.opts.kvCacheType,
              experimentalKvCacheValueType: this.opts.kvCacheType,
              flashAttention: false,
            }
          : {}),
      });
    } catch (err) {
      await releaseModel(path, this.gpu);
      throw new UserError(
        `cannot create a context of ${this.maxConcurrency} × ${requested} tokens for ${path} (${errorMessage(err)}); ` +
          "lower ASSAY_GGUF_SEQUENCES or ASSAY_GGUF_CONTEXT",
      );
    }
    const { LlamaChat } = await nodeLlamaCpp();
    const idle: LlamaChat[] = [];
    for (let i = 0; i < this.maxConcurrency; i++) {
      idle.push(new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: "auto" }));
    }
    const wrapper = idle[0]!.chatWrapper;
    // llama.cpp may round the context up (to a multiple of 256); what it made is what we may fill.
    return { path, model, context, contextSize: context.contextSize, wrapper, idle, waiting: [] };
  }

  async generate(request: ModelRequest, signal: AbortSignal): Promise<ModelOutput> {
    signal.throwIfAborted();
    const history = toChatHistory(request.messages);
    let rt: Runtime;
    try {
      rt = await abortable(this.start(), signal);
    } catch (err) {
      if (signal.aborted) throw signal.reason ?? err;
      throw new ProviderError(errorMessage(err), "fatal");
    }
    const chat = await this.acquire(rt, signal);
    const started = performance.now();
    try {
      const { config } = request;
      const inputTokens = rt.wrapper
        .generateContextState({ chatHistory: history })
        .contextText.tokenize(rt.model.tokenizer).length;
      if (inputTokens >= rt.contextSize) {
        throw new ProviderError(
          `prompt of ${inputTokens} tokens does not fit the context of ${rt.contextSize} tokens per sequence ` +
            "(raise ASSAY_GGUF_CONTEXT)",
          "fatal",
        );
      }
      const before = chat.sequence.tokenMeter.getState();
      const maxTokens = Math.min(
        config.maxTokens ?? this.opts.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
        rt.contextSize - inputTokens,
      );
      const result = await chat.generateResponse(history, {
        signal,
        stopOnAbortSignal: false,
        maxTokens,
        // Plain sampling as the OpenAI API defines it: no top-k cut, no repeat penalty, top-p only when
        // asked. No temperature means greedy decoding (node-llama-cpp's default), which suits evaluation.
        repeatPenalty: false,
        topK: 0,
        topP: config.topP ?? 1,
        ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
        ...(config.seed !== undefined ? { seed: config.seed } : {}),
        ...(config.stop?.length ? { customStopTriggers: config.stop } : {}),
      });
      const used = chat.sequence.tokenMeter.diff(before);
      return {
        text: result.response,
        latencyMs: performance.now() - started,
        finishReason: finishReason(result.metadata.stopReason),
        usage: { inputTokens, outputTokens: used.usedOutputTokens },
      };
    } catch (err) {
      if (signal.aborted) throw signal.reason ?? err;
      if (err instanceof ProviderError) throw err;
      throw new ProviderError(`gguf generation failed: ${errorMessage(err)}`, "fatal");
    } finally {
      this.release(rt, chat);
    }
  }

  /**
   * The prompt text the model sees for `messages`, as rendered by the chat template resolved from the
   * file (special tokens shown as text). For checking templates; loads the model if needed.
   */
  async renderPrompt(messages: ChatMessage[]): Promise<{ text: string; tokens: number; template: string }> {
    const rt = await this.start();
    const { contextText } = rt.wrapper.generateContextState({ chatHistory: toChatHistory(messages) });
    return {
      text: contextText.toString(),
      tokens: contextText.tokenize(rt.model.tokenizer).length,
      template: rt.wrapper.wrapperName,
    };
  }

  private acquire(rt: Runtime, signal: AbortSignal): Promise<LlamaChat> {
    const chat = rt.idle.pop();
    if (chat) return Promise.resolve(chat);
    return new Promise((resolvePromise, reject) => {
      const onAbort = () => {
        const i = rt.waiting.indexOf(take);
        if (i >= 0) rt.waiting.splice(i, 1);
        reject(signal.reason);
      };
      const take = (c: LlamaChat) => {
        signal.removeEventListener("abort", onAbort);
        resolvePromise(c);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      rt.waiting.push(take);
    });
  }

  private release(rt: Runtime, chat: LlamaChat): void {
    const next = rt.waiting.shift();
    if (next) next(chat);
    else rt.idle.push(chat);
  }

  async close(): Promise<void> {
    const pending = this.runtime;
    this.runtime = undefined;
    if (!pending) return;
    let rt: Runtime;
    try {
      rt = await pending;
    } catch {
      return;
    }
    await rt.context.dispose();
    await releaseModel(rt.path, this.gpu);
  }
}

/** Our chat messages as node-llama-cpp's history, ending with the (empty) answer to generate. */
export function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  for (const m of messages) {
    let text: string;
    if (typeof m.content === "string") text = m.content;
    else {
      if (m.content.some((p) => p.type === "image")) {
        throw new ProviderError(
          "the gguf provider runs text-only models: image input is not supported",
          "fatal",
        );
      }
      text = m.content.map((p) => (p.type === "text" ? p.text : "")).join("");
    }
    if (m.role === "system") history.push({ type: "system", text });
    else if (m.role === "user") history.push({ type: "user", text });
    else history.push({ type: "model", response: [text] });
  }
  history.push({ type: "model", response: [] });
  return history;
}

function finishReason(stop: string): string {
  if (stop === "maxTokens") return "length";
  if (stop === "abort") return "abort";
  return "stop";
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolvePromise, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolvePromise(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

function positiveIntEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

function gpuEnv(): GgufGpu | undefined {
  const raw = process.env.ASSAY_GGUF_GPU?.toLowerCase();
  if (!raw) return undefined;
  if (["off", "false", "none", "cpu", "0"].includes(raw)) return false;
  if (raw === "auto" || raw === "cuda" || raw === "vulkan" || raw === "metal") return raw;
  throw new UserError(`ASSAY_GGUF_GPU must be auto, off, cuda, vulkan or metal, got "${raw}"`);
}

/** The options the command line gets, from ASSAY_GGUF_* variables. */
export function ggufOptionsFromEnv(): GgufProviderOptions {
  const sequences = positiveIntEnv("ASSAY_GGUF_SEQUENCES");
  const contextSize = positiveIntEnv("ASSAY_GGUF_CONTEXT");
  const threads = positiveIntEnv("ASSAY_GGUF_THREADS");
  const gpu = gpuEnv();
  return {
    ...(threads !== undefined ? { threads } : {}),
    ...(sequences !== undefined ? { sequences } : {}),
    ...(contextSize !== undefined ? { contextSize } : {}),
    ...(gpu !== undefined ? { gpu } : {}),
  };
}

/** Registry factory: `gguf/<model>`. */
export function ggufProvider(model: string): GgufProvider {
  return new GgufProvider(model, ggufOptionsFromEnv());
}

/**
 * The local file of a `gguf/` model reference (the part after `gguf/`): a checked path, or an hf: reference
 * downloaded (or found in the cache) and checked. For in-process users other than the provider
 * (`contamination mink --model gguf/…`).
 */
export async function resolveGgufFile(model: string, opts: LocalFileOptions = {}): Promise<string> {
  const source = parseGgufSource(model);
  if (source.kind === "path") checkGgufFile(source.path, model);
  return localFile(source, opts);
}

interface LocalFileOptions {
  signal?: AbortSignal;
  progress?: GgufProviderOptions["progress"];
}

/** The file a parsed source names: the path itself, or the hf: file downloaded (pinned) and checked. */
async function localFile(
  source: ReturnType<typeof parseGgufSource>,
  opts: LocalFileOptions,
): Promise<string> {
  if (source.kind === "path") return source.path;
  const path = await downloadHfFile(source.ref, {
    ...pinnedDownloadOptions(source.ref),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.progress ? { progress: opts.progress } : {}),
  });
  checkGgufFile(path, `${path} (downloaded from ${formatHfReference(source.ref)})`);
  return path;
}
