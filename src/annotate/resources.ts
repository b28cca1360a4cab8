/** Locates resources/annotate (the app's HTML, CSS and JS) from both src/ and dist/src/. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("package.json not found above src/annotate");
    dir = up;
  }
  return dir;
}

export function findResourceDir(): string {
  return join(packageRoot(), "resources", "annotate");
}
