/** In-place updates of an export after fitting: gate tensors, down projections, per-layer scale factors. */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { encodeFromF32, type FloatDType } from "../formats/dtype.js";
import type { MoeModel } from "./model.js";

function writeAt(file: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(file, "r+");
  try {
    let done = 0;
    while (done < bytes.byteLength)
      done += writeSync(fd, bytes, done, bytes.byteLength - done, offset + done);
  } finally {
    closeSync(fd);
  }
}

/** Overwrite every routed expert's down projection in place (after --refit-down). */
export function writeDowns(moe: MoeModel): void {
  moe.layers.forEach((layer, l) => {
    layer.experts.forEach((e, j) => {
      let name: string;
      let offset = 0;
      if (moe.format === "gguf") {
        name = `blk.${l}.ffn_down_exps.weight`;
        offset = j * e.down.length;
      } else if (moe.format === "mixtral") {
        name = `model.layers.${l}.block_sparse_moe.experts.${j}.w2.weight`;
      } else {
        const prefix = moe.gateNames[l]![0]!.replace(/\.gate\.gate_network.*$/, "");
        name = `${prefix}.calculator.experts.weight_down.${j}`;
      }
      const t = moe.ck.tensor(name);
      const bytes = encodeFromF32(e.down, t.dtype as FloatDType);
      writeAt(t.file, t.byteOffset + offset * (bytes.byteLength / e.down.length), bytes);
    });
  });
}

export function writeGates(moe: MoeModel, rescale: boolean): void {
  moe.layers.forEach((layer, l) => {
    const name = moe.gateNames[l]![0]!;
    const t = moe.ck.tensor(name);
    const bytes = encodeFromF32((layer.gate as { w: Float32Array }).w, t.dtype as FloatDType);
    if (bytes.byteLength !== t.byteLength)
      throw new Error(`${name}: encoded gate has ${bytes.byteLength} bytes, tensor has ${t.byteLength}`);
    writeAt(t.file, t.byteOffset, bytes);
  });
  if (rescale && moe.format === "llama-moe") {
    const file = join(moe.path, "config.json");
    const cfg = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    cfg.score_scale_factor = moe.layers.map((l) => l.scale);
    writeFileSync(file, `${JSON.stringify(cfg, null, 2)}\n`);
  }
}
