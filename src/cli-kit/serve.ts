/** For commands that run a local web server until Ctrl-C (`assay annotate`, `assay view`). */
import { UserError } from "../util/errors.js";

/** A listen() failure the user caused (port taken, unknown address) as a UserError; others unchanged. */
export function listenProblem(err: unknown, port: number, host: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") return new UserError(`port ${port} on ${host} is in use; pass --port N`);
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return new UserError(`--host ${host}: not an address of this machine`);
  return err;
}

/** Resolves at the first SIGINT or SIGTERM. */
export function untilInterrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/** Response headers every local web app sends besides its own Content-Security-Policy. */
export const WEB_APP_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};
