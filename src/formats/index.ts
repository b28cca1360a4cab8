/** `assay/formats`: read and write checkpoints (safetensors, GGUF, llama2.c) and convert between them. */
export {
  type Checkpoint,
  type CheckpointFormat,
  type CheckpointTensor,
  openCheckpoint,
} from "./checkpoint.js";
export { type ConvertOptions, type ConvertResult, type ConvertTarget, convertCheckpoint } from "./convert.js";
export { type GgufFile, GgufWriter, readGguf } from "./gguf.js";
export { type CheckpointSummary, formatSummary, summarise } from "./inspect.js";
export { type Llama2cFile, readLlama2c } from "./llama2c.js";
export { readSafetensorsHeader, SafetensorsWriter, writeSafetensors } from "./safetensors.js";
