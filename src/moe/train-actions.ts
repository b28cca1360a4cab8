/** Actions of `assay moe train` and `assay moe distill-data` (loaded only when those commands run). */
import { print } from "../cli-kit/output.js";
import { UserError } from "../util/errors.js";
import { checkTorch, formatCheck } from "./train-python.js";

type Opts = Record<string, string | boolean | undefined>;

export async function trainAction(model: string | undefined, opts: Opts): Promise<void> {
  if (opts.check) {
    const c = checkTorch(opts.python as string | undefined);
    print(opts.json as boolean, c, formatCheck(c));
    if (!c.ok) process.exitCode = 1;
    return;
  }
  if (!model) throw new UserError("assay moe train: give the LLaMA-MoE folder to train (or --check)");
}
