/** `assay model generate`: token ids from the reference engine (registered in src/formats/cli.ts). */
import { print } from "../cli-kit/output.js";
import { UserError } from "../util/errors.js";

export async function generateAction(
  file: string,
  opts: {
    prompt?: string;
    maxTokens: number;
    temperature: number;
    topP: number;
    seed: number;
    json?: boolean;
  },
): Promise<void> {
  const { openCheckpoint } = await import("../formats/checkpoint.js");
  const { LlamaEngine } = await import("./engine.js");
  const { loadLlamaWeights } = await import("./weights.js");
  const ck = openCheckpoint(file);
  let weights: ReturnType<typeof loadLlamaWeights>;
  try {
    weights = loadLlamaWeights(ck);
  } finally {
    ck.close();
  }
  const vocab = weights.config.vocabSize;
  const prompt = opts.prompt?.split(",").map((p) => {
    const id = Number(p.trim());
    if (!Number.isInteger(id) || id < 0 || id >= vocab)
      throw new UserError(`--prompt: "${p}" is not a token id in [0, ${vocab})`);
    return id;
  });
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
  print(
    opts.json,
    { tokens, seconds, tokensPerSecond: rate },
    `${tokens.join(" ")}\n(${tokens.length} tokens, ${rate.toFixed(0)} tokens/s)`,
  );
}
