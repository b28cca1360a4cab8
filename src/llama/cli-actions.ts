/**
 * `assay model generate` (registered in src/formats/cli.ts): token ids from the reference engine, and the text
 * they decode to when the checkpoint carries a tokenizer (or one is given with --tokenizer).
 */
import { print } from "../cli-kit/output.js";
import { UserError } from "../util/errors.js";

export async function generateAction(
  file: string,
  opts: {
    prompt?: string;
    promptText?: string;
    tokenizer?: string;
    maxTokens: number;
    temperature: number;
    topP: number;
    seed: number;
    json?: boolean;
  },
): Promise<void> {
  const { openCheckpoint } = await import("../formats/checkpoint.js");
  const { checkpointTokenizer, loadTokenizerFile } = await import("../formats/tokenizer-files.js");
  const { cloneTokenizer, fitToVocab, isPlaceholderVocabulary } = await import("../formats/tokenizer.js");
  const { decodeTokens, encodeText } = await import("../formats/tokenizer-codec.js");
  const { LlamaEngine } = await import("./engine.js");
  const { loadLlamaWeights } = await import("./weights.js");
  if (opts.prompt !== undefined && opts.promptText !== undefined)
    throw new UserError("give --prompt (token ids) or --prompt-text, not both");
  const ck = openCheckpoint(file);
  let weights: ReturnType<typeof loadLlamaWeights>;
  let tokenizer: ReturnType<typeof checkpointTokenizer>;
  try {
    weights = loadLlamaWeights(ck);
    tokenizer = opts.tokenizer
      ? loadTokenizerFile(opts.tokenizer, weights.config.vocabSize)
      : checkpointTokenizer(ck);
  } finally {
    ck.close();
  }
  // The placeholder vocabulary our converter writes without a tokenizer has no text to show.
  if (tokenizer && !opts.tokenizer && isPlaceholderVocabulary(tokenizer.pieces)) tokenizer = undefined;
  const vocab = weights.config.vocabSize;
  if (tokenizer) {
    // Larger than the model: refused (naming the file); smaller: padded, so every sampled id decodes.
    tokenizer = cloneTokenizer(tokenizer);
    fitToVocab(tokenizer, vocab, file);
  }
  let prompt = opts.prompt?.split(",").map((p) => {
    const id = Number(p.trim());
    if (!Number.isInteger(id) || id < 0 || id >= vocab)
      throw new UserError(`--prompt: "${p}" is not a token id in [0, ${vocab})`);
    return id;
  });
  if (opts.promptText !== undefined) {
    if (!tokenizer) throw new UserError(`--prompt-text: ${file} has no tokenizer; give one with --tokenizer`);
    prompt = encodeText(tokenizer, opts.promptText);
    if (prompt.length === 0) throw new UserError("--prompt-text: the text encodes to no tokens");
  }
  const engine = new LlamaEngine(weights);
  const started = process.hrtime.bigint();
  const tokens = engine.generate({
    ...(prompt ? { prompt } : {}),
    maxTokens: opts.maxTokens,
    temperature: opts.temperature,
    topP: opts.topP,
    seed: opts.seed,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = tokens.length / seconds;
  // The prompt is decoded with the continuation so that spaces at the seam come out right.
  const text = tokenizer ? decodeTokens(tokenizer, [...(prompt ?? []), ...tokens]) : undefined;
  print(
    opts.json,
    {
      tokens,
      ...(prompt ? { prompt } : {}),
      ...(text !== undefined ? { text } : {}),
      seconds,
      tokensPerSecond: rate,
    },
    `${tokens.join(" ")}\n${text !== undefined ? `${text}\n` : ""}(${tokens.length} tokens, ${rate.toFixed(0)} tokens/s)`,
  );
}
