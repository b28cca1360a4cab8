/** Writes the fixture run into a database: node dist/test/annotate/make-fixture.js DB [RUN_ID] (for demos and screenshots). */
import { writeFixtureRun } from "./fixture.js";

const [db, runId] = process.argv.slice(2);
if (!db) throw new Error("usage: make-fixture.js DB [RUN_ID]");
await writeFixtureRun(db, runId);
