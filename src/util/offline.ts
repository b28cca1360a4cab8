/**
 * One message for every download that cannot happen because the network is unreachable (hub models,
 * `hf:` datasets, dataset URLs): what was being fetched, from where, the command that fetches it on a
 * machine with internet, and where to put the file (or the flag that points at a local copy). An
 * `OfflineError` keeps the download it describes, so a command that needs several files can report all
 * of them at once (`combineOffline`).
 */
import { basename } from "node:path";
import { UserError } from "./errors.js";
import { publicUrl } from "./secrets.js";

export interface MissingDownload {
  /** What it is, e.g. "model Qwen2.5-0.5B-Instruct-Q4_K_M.gguf" or "dataset LLMEval-Med". */
  what: string;
  url: string;
  /** Where Assay looks for it before downloading (a copy placed there is used as it is). */
  cachePath?: string;
  /** The flag that uses a local copy instead, e.g. "--model gguf/<path>" or "--dataset <path>". */
  localFlag?: string;
}

/** Transport errors that mean "no network" rather than "the server said no". */
const UNREACHABLE = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ETIMEDOUT",
  "ECONNRESET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/** True when an error (or its cause, as fetch wraps them) is a network failure. */
export function isNetworkFailure(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === "string" && UNREACHABLE.has(e.code)) return true;
    e = e.cause as typeof e;
  }
  return err instanceof TypeError && /fetch failed/i.test(err.message);
}

/** How to get one file in by hand. */
export function downloadHint(d: MissingDownload): string {
  const url = publicUrl(d.url);
  const name = basename(new URL(d.url).pathname) || "download";
  const where = [
    d.localFlag ? `pass ${d.localFlag.replace("<path>", `<path to ${name}>`)}` : "",
    d.cachePath ? `copy it to ${d.cachePath}` : "",
  ]
    .filter(Boolean)
    .join(", or ");
  return `fetch ${url} on a machine with internet (e.g. curl -L -o ${name} '${url}')${where ? ` and ${where}` : ""}`;
}

export class OfflineError extends UserError {
  constructor(
    readonly downloads: MissingDownload[],
    cause?: string,
  ) {
    super(offlineMessage(downloads, cause));
    this.name = "OfflineError";
  }
}

/** The message for one or several missing downloads. */
export function offlineMessage(downloads: MissingDownload[], cause?: string): string {
  const why = cause ? ` (${cause})` : "";
  if (downloads.length === 1) {
    const d = downloads[0]!;
    return `cannot download ${d.what} from ${publicUrl(d.url)}${why}: the network is unreachable. To work offline, ${downloadHint(d)}`;
  }
  const lines = downloads.map((d) => `  - ${d.what}: ${downloadHint(d)}`);
  return `cannot download ${downloads.length} files${why}: the network is unreachable. To work offline:\n${lines.join("\n")}`;
}

/** Several failures as one: every OfflineError's downloads in one message; otherwise the first error. */
export function combineOffline(errors: unknown[]): unknown {
  const offline = errors.filter((e): e is OfflineError => e instanceof OfflineError);
  if (offline.length === 0 || offline.length < errors.length)
    return errors.find((e) => !(e instanceof OfflineError)) ?? offline[0];
  return offline.length === 1 ? offline[0] : new OfflineError(offline.flatMap((e) => e.downloads));
}
