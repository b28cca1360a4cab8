// Transitional: the CLI kit moved to src/cli-kit (systems must not import src/cli). Removed once no module imports it.

export { collectTaskArg, intOption, numberOption } from "../cli-kit/options.js";
export { formatMetric, printJson, table } from "../cli-kit/output.js";
export { openStore } from "../cli-kit/store.js";
export { buildModel } from "../providers/build-model.js";
