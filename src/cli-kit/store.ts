/** The run store a command works on: `--db`, else `$ASSAY_DB`, else `.assay/assay.db` (see src/store/open.ts). */
export { openStore } from "../store/open.js";
