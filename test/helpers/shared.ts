import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (tests run from dist/test/..., so walk up to the folder holding package.json). */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("package.json not found above the test folder");
    dir = up;
  }
  return dir;
})();

/** `../shared` beside the checkout, or undefined when it is absent. */
export const sharedDir: string | undefined = (() => {
  const dir = resolve(repoRoot, "..", "shared");
  return existsSync(dir) ? dir : undefined;
})();

/** Path under ../shared, or undefined (use with `t.skip(SHARED_MISSING)`). */
export function sharedPath(...parts: string[]): string | undefined {
  if (!sharedDir) return undefined;
  const p = join(sharedDir, ...parts);
  return existsSync(p) ? p : undefined;
}

export const SHARED_MISSING = "../shared is absent beside the checkout: conformance test skipped";
