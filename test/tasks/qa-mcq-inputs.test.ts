/**
 * Chat and image inputs of the generic tasks, checked on the wire: the exact messages the model's
 * server receives for `messages` records, image fields (file, URL, data URL) and field mappings.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { imagePart } from "../../src/dataset/index.js";
import { evaluate, UserError } from "../../src/index.js";
import { type MockServer, startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const PNG_URL = `data:image/png;base64,${PNG.toString("base64")}`;

function jsonl(dir: string, name: string, records: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
  return path;
}

describe("chat and image records in qa and mcq", () => {
  let server: MockServer;
  let dir: string;
  before(async () => {
    server = await startMockServer({ reply: () => "ANSWER: A" });
    dir = tempDir();
    mkdirSync(join(dir, "img"));
    writeFileSync(join(dir, "img", "cat.png"), PNG);
  });
  after(() => server.close());

  /** The messages of the request whose text contains `marker`. */
  const sent = (marker: string) => {
    const hits = server.requests.filter((r) => JSON.stringify(r.body.messages).includes(marker));
    assert.equal(hits.length, 1, `one request mentions ${marker}`);
    return hits[0]?.body.messages;
  };

  const run = (task: string, dataset: string, taskArgs: Record<string, string> = {}) =>
    evaluate({
      task,
      dataset,
      taskArgs,
      model: { id: "openai/m", baseUrl: server.url },
      db: ":memory:",
      cache: false,
    });

  test("qa: messages with image_url parts, an image file and image URLs reach the model as image parts", async () => {
    const data = jsonl(dir, "qa.jsonl", [
      {
        id: "chat",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hello" },
          { role: "assistant", content: "Hi." },
          {
            role: "user",
            content: [
              { type: "text", text: "chat: what animal?" },
              { type: "image_url", image_url: { url: "img/cat.png", detail: "low" } },
            ],
          },
        ],
        target: "cat",
      },
      { id: "file", input: "file: count the dots", image: "img/cat.png", target: "3" },
      {
        id: "urls",
        input: "urls: which one?",
        images: ["https://example.com/a.png", PNG_URL],
        target: "A",
      },
    ]);
    const result = await run("qa", data, { template: "{prompt}" });
    assert.equal(result.ran, 3);
    assert.deepEqual(sent("chat:"), [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hello" },
      { role: "assistant", content: "Hi." },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: PNG_URL, detail: "low" } },
          { type: "text", text: "chat: what animal?" },
        ],
      },
    ]);
    assert.deepEqual(sent("file:"), [
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: PNG_URL } },
          { type: "text", text: "file: count the dots" },
        ],
      },
    ]);
    assert.deepEqual(sent("urls:"), [
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "https://example.com/a.png" } },
          { type: "image_url", image_url: { url: PNG_URL } },
          { type: "text", text: "urls: which one?" },
        ],
      },
    ]);
  });

  test("qa: --fields maps input, messages and images to other record fields", async () => {
    const data = jsonl(dir, "mapped.jsonl", [
      { key: "m1", prompt: "mapped: name it", picture: "img/cat.png", gold: "cat", image: "ignored.png" },
      { key: "m2", chat: [{ role: "user", content: "mapped chat" }], gold: "x" },
    ]);
    const result = await run("qa", data, {
      template: "{prompt}",
      fields: "input=prompt,messages=chat,images=picture,target=gold,id=key",
    });
    assert.equal(result.ran, 2);
    assert.deepEqual(sent("mapped: name it"), [
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: PNG_URL } },
          { type: "text", text: "mapped: name it" },
        ],
      },
    ]);
    assert.deepEqual(sent("mapped chat"), [{ role: "user", content: "mapped chat" }]);
  });

  test("mcq: the question's image stays in front of the lettered options", async () => {
    const data = jsonl(dir, "mcq.jsonl", [
      { question: "mcq: which animal?", choices: ["cat", "dog"], answer: 0, image: "img/cat.png" },
    ]);
    const result = await run("mcq", data, { template: "{question}\n{choices}" });
    assert.equal(result.ran, 1);
    assert.deepEqual(sent("mcq:"), [
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: PNG_URL } },
          { type: "text", text: "mcq: which animal?\nA) cat\nB) dog" },
        ],
      },
    ]);
  });

  test("bad records name the file, line and field", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        { input: "q", image: "img/missing.png", target: "t" },
        /bad\.jsonl:2: field "image": image file not found: .*img\/missing\.png/,
      ],
      [
        {
          messages: [
            { role: "user", content: "x" },
            { role: "robot", content: "y" },
          ],
          target: "t",
        },
        /bad\.jsonl:2: field "messages\[1\]\.role": expected system, user or assistant, got string "robot"/,
      ],
      [
        { messages: [{ role: "user", content: [{ type: "audio", data: "x" }] }], target: "t" },
        /bad\.jsonl:2: field "messages\[0\]\.content\[0\]\.type": expected "text" or "image_url"/,
      ],
      [
        { input: "q", images: ["img/cat.png", 7], target: "t" },
        /bad\.jsonl:2: field "images\[1\]": expected an image path/,
      ],
      [
        { input: "q", image: "data:text/plain;base64,AAAA", target: "t" },
        /field "image": a data URL must look like/,
      ],
      [{ target: "t" }, /bad\.jsonl:2: field "input": missing \(and no "messages" either\)/],
    ];
    for (const [record, message] of cases) {
      const data = jsonl(dir, "bad.jsonl", [{ input: "fine", target: "t" }, record]);
      await assert.rejects(
        run("qa", data),
        (err: unknown) => err instanceof UserError && message.test(err.message),
      );
    }
    const mcq = jsonl(dir, "bad.jsonl", [
      { question: "q", choices: ["a", "b"], answer: 0, image: "nope.png" },
    ]);
    await assert.rejects(run("mcq", mcq), /bad\.jsonl:1: field "image": image file not found/);
  });

  test("Hugging Face Image structs ({bytes, path}) become data URLs", () => {
    assert.deepEqual(imagePart({ bytes: new Uint8Array(PNG), path: "x.jpg" }, "image", {}), {
      type: "image",
      image: PNG_URL,
    });
    assert.throws(() => imagePart({ bytes: null, path: null }, "image", {}), /expected an image path/);
  });
});
