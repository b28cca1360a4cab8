/**
 * Optional check against Hugging Face's own `tokenizers` library: the tokenizer.json files we write load there
 * and encode/decode texts exactly as our encoder does. Runs when ASSAY_TOKENIZERS_PYTHON (default python3)
 * can import `tokenizers`; skipped otherwise (it is not a dependency of Assay).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { decodeTokens, encodeText } from "../../src/formats/tokenizer-codec.js";
import { writeHfTokenizer } from "../../src/formats/tokenizer-hf.js";
import { tempDir } from "./helpers.js";
import { buildByteLevel, buildSentencePiece, SAMPLE_TEXTS } from "./tokenizer-fixtures.js";

const python = process.env.ASSAY_TOKENIZERS_PYTHON ?? "python3";
const available = spawnSync(python, ["-c", "import tokenizers"], { stdio: "ignore" }).status === 0;

// Encodes each text with tokenizers and prints [ids, decoded text] per text as JSON.
const SCRIPT = `
import json, sys
from tokenizers import Tokenizer
tok = Tokenizer.from_file(sys.argv[1])
texts = json.load(open(sys.argv[2]))
out = []
for t in texts:
    ids = tok.encode(t).ids
    out.append([ids, tok.decode(ids, skip_special_tokens=True)])
print(json.dumps(out))
`;

describe("tokenizer.json files we write, read by Hugging Face tokenizers", () => {
  const dir = tempDir("tok-hf-python");
  for (const [name, tok] of [
    ["SentencePiece-style BPE with byte fallback", buildSentencePiece(400)],
    ["byte-level BPE", buildByteLevel(100)],
  ] as const) {
    test(name, (t) => {
      if (!available) {
        t.skip(`${python} cannot import tokenizers (set ASSAY_TOKENIZERS_PYTHON)`);
        return;
      }
      const folder = join(dir, tok.model);
      mkdirSync(folder);
      writeHfTokenizer(tok, folder);
      writeFileSync(join(folder, "texts.json"), JSON.stringify(SAMPLE_TEXTS));
      const r = spawnSync(
        python,
        ["-c", SCRIPT, join(folder, "tokenizer.json"), join(folder, "texts.json")],
        {
          encoding: "utf8",
        },
      );
      assert.equal(r.status, 0, r.stderr);
      const theirs = JSON.parse(r.stdout) as [number[], string][];
      SAMPLE_TEXTS.forEach((text, i) => {
        const ids = encodeText(tok, text);
        assert.deepEqual(theirs[i]![0], ids, text);
        assert.equal(theirs[i]![1], decodeTokens(tok, ids), text);
      });
    });
  }
});
