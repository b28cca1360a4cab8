/** What the task-file and config-eval tests share: a capitals dataset and a mock server that knows it. */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { RunStore } from "../../src/store/run-store.js";
import { lastUserText, type MockServer, startMockServer } from "../../src/testing/mock-openai-server.js";
import { repoRoot } from "../helpers/shared.js";

/** The library as a task file in a temporary folder imports it (no "assay" package resolves there). */
export const LIB = pathToFileURL(join(repoRoot, "dist", "src", "index.js")).href;

export const CAPITALS: Record<string, string> = {
  France: "Paris",
  Japan: "Tokyo",
  Kenya: "Nairobi",
  Peru: "Lima",
};

/** A JSONL file of the capitals (with a `region` field that becomes metadata). */
export function writeCapitals(dir: string, name = "capitals.jsonl"): string {
  const path = join(dir, name);
  const regions: Record<string, string> = {
    France: "Europe",
    Japan: "Asia",
    Kenya: "Africa",
    Peru: "Americas",
  };
  writeFileSync(
    path,
    Object.entries(CAPITALS)
      .map(([country, city]) =>
        JSON.stringify({ id: country.toLowerCase(), input: country, target: city, region: regions[country] }),
      )
      .join("\n"),
  );
  return path;
}

/**
 * Answers "ANSWER: <capital>" for the country named in the question; a model whose name contains "weak"
 * knows only France. A judge request (a rubric prompt) gets "GRADE: 5".
 */
export function startCapitalsServer(): Promise<MockServer> {
  return startMockServer({
    reply: (req) => {
      const text = lastUserText(req);
      if (/GRADE/.test(JSON.stringify(req.messages))) return "The answer is fine.\nGRADE: 5";
      const country = Object.keys(CAPITALS).find((c) => text.includes(c));
      if (!country) return "ANSWER: unknown";
      if (req.model.includes("weak") && country !== "France") return "ANSWER: Springfield";
      return `The capital is ${CAPITALS[country]}.\nANSWER: ${CAPITALS[country]}`;
    },
  });
}

/** A refused command created no run. */
export function assertNoRuns(db: string): void {
  const store = new RunStore(db);
  try {
    assert.deepEqual(
      store.listRuns().map((r) => r.id),
      [],
    );
  } finally {
    store.close();
  }
}
