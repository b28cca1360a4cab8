/**
 * Pre-flight: before a run starts, one cheap request per distinct model endpoint (the model under test
 * and the judge) checks that the server answers and accepts the key and the model name, so a typo fails
 * in a second with one message instead of after a thousand failed samples. Fatal answers (401, 403,
 * 404, a refused connection on a never-reached URL) stop the run before it is created; anything
 * inconclusive (a timeout, a 5xx) is reported and the run goes ahead. `--no-preflight` skips it.
 */
import { ProviderError } from "../core/types.js";
import { linkedSignal } from "../scheduler/signals.js";
import { errorMessage, UserError } from "../util/errors.js";
import { redact } from "../util/secrets.js";
import type { Model } from "./model.js";

export const PREFLIGHT_TIMEOUT_MS = 20_000;

/**
 * Refusals that no run can get past: a key refused (401/403), a model or route not found (404), an
 * endpoint that cannot be reached (no status). Another 4xx to the one-token probe (a server that finds
 * one token too few, say) says nothing about the run's own requests.
 */
function isDecisive(err: unknown): err is ProviderError {
  if (!(err instanceof ProviderError) || err.kind !== "fatal") return false;
  const status = err.options.status;
  return status === undefined || status === 401 || status === 403 || status === 404;
}

export async function preflight(
  roles: Array<{ role: "model" | "judge"; model: Model | undefined }>,
  opts: { signal?: AbortSignal; timeoutMs?: number; warn?: (line: string) => void } = {},
): Promise<void> {
  const warn = opts.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const seen = new Set<string>();
  for (const { role, model } of roles) {
    const provider = model?.provider;
    if (!model || !provider?.preflight) continue;
    const key = `${provider.connectionKey}\u0000${provider.model}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const call = linkedSignal(
      opts.signal ?? new AbortController().signal,
      opts.timeoutMs ?? PREFLIGHT_TIMEOUT_MS,
    );
    const where = provider.endpoint ? ` at ${provider.endpoint}` : "";
    try {
      await provider.preflight(call.signal);
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? err;
      const message = redact(errorMessage(err));
      if (isDecisive(err))
        throw new UserError(
          `pre-flight check of the ${role} ${model.id}${where} failed: ${message}. Nothing was run ` +
            "(--no-preflight skips this check).",
        );
      warn(
        `note: pre-flight check of the ${role} ${model.id}${where} was inconclusive (${message}); starting anyway`,
      );
    } finally {
      call.done();
    }
  }
}
