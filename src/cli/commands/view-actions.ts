/** What `assay view` does: open the store read-only, serve the viewer until Ctrl-C. */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { listenProblem, untilInterrupted } from "../../cli-kit/serve.js";
import { openStore } from "../../cli-kit/store.js";
import { isPostgresUrl } from "../../store/pg-client.js";
import { defaultDbPath } from "../../store/run-store.js";
import { UserError } from "../../util/errors.js";
import { isLoopback, startViewServer, type ViewServer } from "../../view/server.js";
import type { ViewFlags } from "./view.js";
import { loadArtefacts } from "./view-artefacts.js";

export async function viewCommand(flags: ViewFlags): Promise<void> {
  const path = flags.db ?? defaultDbPath();
  if (flags.token !== undefined && !/^[A-Za-z0-9_-]{16,}$/.test(flags.token))
    throw new UserError("--token must be at least 16 letters, digits, _ or -");
  if (!isPostgresUrl(path) && !existsSync(path))
    throw new UserError(`no run database at ${path} (run assay eval first, or pass --db)`);
  const loopback = isLoopback(flags.host);
  const token = flags.token ?? (loopback ? undefined : randomBytes(18).toString("base64url"));
  const artefacts = loadArtefacts({ fit: flags.fit, moeReport: flags.moeReport });
  const store = openStore(path, { readonly: true });
  let srv: ViewServer;
  try {
    srv = await startViewServer({
      store,
      port: flags.port,
      host: flags.host,
      artefacts,
      ...(token ? { token } : {}),
    });
  } catch (err) {
    store.close();
    throw listenProblem(err, flags.port, flags.host);
  }
  process.stdout.write(
    `viewing ${store.path}\nserving on ${srv.url}\n` +
      (loopback
        ? ""
        : "warning: listening beyond this machine over plain HTTP; the token travels unencrypted, put it behind HTTPS\n") +
      "Ctrl-C stops the server.\n",
  );
  await untilInterrupted();
  await srv.close();
  store.close();
}
