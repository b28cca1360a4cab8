/**
 * The Python side of `assay moe train`: where the training program lives (resources/moe/train_moe.py), which
 * interpreter runs it (the first of `--python`, `python3`, `/usr/bin/python3` that imports torch), and what
 * `--check` reports.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { UserError } from "../util/errors.js";
import { packageRoot } from "../util/package-root.js";

export function trainerScript(): string {
  return join(packageRoot(), "resources", "moe", "train_moe.py");
}

export interface TorchDevice {
  type: "cpu" | "cuda";
  index?: number;
  name?: string;
  memory_gb?: number;
  bf16?: boolean;
  threads?: number;
}

export interface TorchCheck {
  ok: boolean;
  /** Interpreter that imports torch (or the last one tried when none does). */
  python?: string;
  pythonVersion?: string;
  torch?: string;
  devices: TorchDevice[];
  distributed?: boolean;
  /** Every interpreter tried and what it said. */
  tried: { python: string; found: boolean; torch?: string; error?: string }[];
  /** What to install when ok is false. */
  install?: string;
}

export const INSTALL_TORCH =
  "install PyTorch for python3: on Debian/Ubuntu `sudo apt-get install python3-torch` (CPU), or `python3 -m pip install torch` (see https://pytorch.org for CUDA builds); then `assay moe train --check`";

function candidates(override?: string): string[] {
  return override ? [override] : ["python3", "/usr/bin/python3"];
}

/** Run the trainer's --check under each candidate interpreter; the first with torch wins. */
export function checkTorch(override?: string): TorchCheck {
  const tried: TorchCheck["tried"] = [];
  const script = trainerScript();
  let last: Record<string, unknown> | undefined;
  for (const python of candidates(override)) {
    const r = spawnSync(python, [script, "--check"], { encoding: "utf8", timeout: 120_000 });
    if (r.error || r.status !== 0) {
      tried.push({
        python,
        found: false,
        error: r.error ? r.error.message : (r.stderr || `exit ${r.status}`).trim().split("\n").pop(),
      });
      continue;
    }
    const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
    const info = line ? (JSON.parse(line) as Record<string, unknown>) : {};
    last = info;
    tried.push({ python, found: true, ...(info.torch ? { torch: String(info.torch) } : {}) });
    if (info.torch) {
      return {
        ok: true,
        python: String(info.python ?? python),
        pythonVersion: String(info.python_version),
        torch: String(info.torch),
        devices: (info.devices as TorchDevice[]) ?? [],
        distributed: info.distributed === true,
        tried,
      };
    }
  }
  const anyPython = tried.some((t) => t.found);
  return {
    ok: false,
    ...(last ? { python: String(last.python), pythonVersion: String(last.python_version) } : {}),
    devices: [],
    tried,
    install: anyPython
      ? INSTALL_TORCH
      : `no Python 3 interpreter found (${tried.map((t) => t.python).join(", ")}): install python3, then PyTorch (${INSTALL_TORCH})`,
  };
}

/** The interpreter to train with, or a UserError saying what to install. */
export function requireTorch(override?: string): TorchCheck & { python: string } {
  const c = checkTorch(override);
  if (!c.ok || !c.python)
    throw new UserError(
      `PyTorch not found (tried ${c.tried.map((t) => `${t.python}: ${t.found ? "no torch" : t.error}`).join("; ")}): ${c.install}`,
    );
  return c as TorchCheck & { python: string };
}

export function formatCheck(c: TorchCheck): string {
  const lines = [`trainer: ${trainerScript()}`];
  for (const t of c.tried)
    lines.push(
      `  ${t.python}: ${t.found ? (t.torch ? `torch ${t.torch}` : "python found, no torch") : `not usable (${t.error})`}`,
    );
  if (c.ok) {
    lines.push(`python ${c.python} (${c.pythonVersion}), torch ${c.torch}`);
    for (const d of c.devices)
      lines.push(
        d.type === "cpu"
          ? `  device cpu (${d.threads} threads)`
          : `  device cuda:${d.index} ${d.name}, ${d.memory_gb} GB${d.bf16 ? ", bf16" : ""}`,
      );
    lines.push(
      c.devices.some((d) => d.type === "cuda")
        ? "ready: GPUs found (`--nproc N` runs torchrun with N processes)"
        : "ready: CPU only",
    );
  } else {
    lines.push(`missing: ${c.install}`);
  }
  return lines.join("\n");
}
