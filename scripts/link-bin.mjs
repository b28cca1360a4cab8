// npx only finds bins in node_modules/.bin, and a package is not installed into its own node_modules,
// so after building we link `assay` there ourselves: `npx assay ...` then works in a fresh clone.
import { chmodSync, existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from "node:fs";
import { join } from "node:path";

const target = join("dist", "src", "cli", "main.js");
if (!existsSync(target)) {
  console.error(`link-bin: ${target} is missing; did the build fail?`);
  process.exit(1);
}
chmodSync(target, 0o755);
mkdirSync(join("node_modules", ".bin"), { recursive: true });
const link = join("node_modules", ".bin", "assay");
try {
  if (lstatSync(link)) unlinkSync(link);
} catch {}
symlinkSync(join("..", "..", target), link);
