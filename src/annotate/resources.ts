/** Locates resources/annotate (the app's HTML, CSS and JS) from both src/ and dist/src/. */
import { join } from "node:path";
import { packageRoot } from "../util/package-root.js";

export function findResourceDir(): string {
  return join(packageRoot(), "resources", "annotate");
}
