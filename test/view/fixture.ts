/**
 * A run database for the viewer tests: two `qa` runs of one dataset (A = "qa-base", B = "qa-new"),
 * broken down by topic, with an image in one question, a failed sample in B, and a model answer in B
 * that tries to run script, load an image and follow javascript: links.
 */
import { Resvg } from "@resvg/resvg-js";
import { RunStore } from "../../src/store/run-store.js";
import { type QaSample, writeQaRun } from "../compare/fixture.js";

/** Per sample q00…q11: 1 right, 0 wrong, x failed. */
export const BASE_BITS = "110011001101";
export const NEW_BITS = "11101110111x";
export const HOSTILE_SAMPLE = "q05";
export const HOSTILE_OUTPUT =
  "ANSWER: answer q05 <script>window.__pwned = 'script'</script>\n" +
  "<img src=x onerror=\"window.__pwned = 'img'\">\n" +
  "[click me](javascript:window.__pwned='md') <a href=\"javascript:window.__pwned='a'\">or me</a>\n\n" +
  "$\\href{javascript:window.__pwned='tex'}{tex link}$ $\\includegraphics{http://127.0.0.1:9/tex.png}$ " +
  "![leak](http://127.0.0.1:9/md.png) and real math: $\\frac{1}{2}$";
export const IMAGE_SAMPLE = "q00";
export const TOPICS = ["geography", "arithmetic", "<b>history</b>"];

export const ids = BASE_BITS.split("").map((_, i) => `q${String(i).padStart(2, "0")}`);

function boardPng(): string {
  const cells = [0, 1, 2]
    .flatMap((r) =>
      [0, 1, 2].map(
        (c) =>
          `<rect x="${10 + c * 40}" y="${10 + r * 40}" width="38" height="38" fill="${(r + c) % 2 ? "#f0d9b5" : "#b58863"}"/>`,
      ),
    )
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="140" height="140"><rect width="140" height="140" fill="#fff"/>${cells}</svg>`;
  return `data:image/png;base64,${Buffer.from(new Resvg(svg).render().asPng()).toString("base64")}`;
}

function samples(bits: string, hostile: boolean): QaSample[] {
  const image = boardPng();
  return ids.map((id, i) => {
    const b = bits[i]!;
    return {
      id,
      ...(b === "x" ? { error: "HTTP 500: upstream unavailable" } : { value: Number(b) }),
      ...(hostile && id === HOSTILE_SAMPLE ? { output: HOSTILE_OUTPUT } : {}),
      ...(id === IMAGE_SAMPLE ? { image } : {}),
      metadata: { topic: TOPICS[i % TOPICS.length]! },
    };
  });
}

export function writeViewerFixture(dbPath: string): void {
  const store = new RunStore(dbPath);
  writeQaRun(store, {
    runId: "qa-base",
    model: "openai/base-model",
    samples: samples(BASE_BITS, false),
    groupBy: ["topic"],
    createdAt: "2026-12-01T10:00:00.000Z",
  });
  writeQaRun(store, {
    runId: "qa-new",
    model: "openai/new-model",
    samples: samples(NEW_BITS, true),
    groupBy: ["topic"],
    createdAt: "2026-12-02T10:00:00.000Z",
  });
  store.close();
}

/** Per-sample differences B − A over samples scored in both runs, in sample id order. */
export function expectedDiffs(): number[] {
  return ids.flatMap((_, i) =>
    BASE_BITS[i] === "x" || NEW_BITS[i] === "x" ? [] : [Number(NEW_BITS[i]) - Number(BASE_BITS[i])],
  );
}
