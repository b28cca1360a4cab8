// Transitional: moved to src/cli-kit/options.ts.
export { collectTaskArg, intOption, numberOption } from "../../cli-kit/options.js";
