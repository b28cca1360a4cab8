import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { globToRegExp, selectSplitFiles } from "../../src/dataset/hf-files.js";
import { UserError } from "../../src/util/errors.js";

const pick = (...args: Parameters<typeof selectSplitFiles>) => {
  const s = selectSplitFiles(...args);
  return "found" in s ? s.found : s.missing;
};

describe("which files hold a split", () => {
  test("README configs: data_files as {split, path}, a bare string, or data_dir", () => {
    const files = [
      "README.md",
      "a/train.jsonl",
      "a/test.jsonl",
      "b/x.parquet",
      "c/dev-0.parquet",
      "c/test.csv",
    ];
    const configs = [
      {
        config_name: "a",
        data_files: [
          { split: "test", path: "a/test.*" },
          { split: "train", path: "a/train.*" },
        ],
      },
      { config_name: "b", data_files: "b/*.parquet" },
      { config_name: "c", data_dir: "c" },
    ];
    assert.deepEqual(pick(files, { configs }, "a", "test", "L"), {
      config: "a",
      split: "test",
      files: ["a/test.jsonl"],
    });
    assert.deepEqual(pick(files, { configs }, "b", undefined, "L"), {
      config: "b",
      split: "train",
      files: ["b/x.parquet"],
    });
    assert.deepEqual(pick(files, { configs }, "c", "validation", "L"), {
      config: "c",
      split: "validation",
      files: ["c/dev-0.parquet"],
    });
    assert.throws(() => pick(files, { configs }, undefined, "test", "L"), /several configs \(a, b, c\)/);
    assert.throws(() => pick(files, { configs }, "a", undefined, "L"), /several splits \(test, train\)/);
  });

  test("conventions: split names in folders or file names, synonyms, lone files are train", () => {
    const files = [
      "data/dev-00000-of-00001.parquet",
      "data/test-00001-of-00002.parquet",
      "data/test-00000-of-00002.parquet",
    ];
    assert.deepEqual(pick(files, {}, undefined, "test", "L"), {
      config: "default",
      split: "test",
      files: ["data/test-00000-of-00002.parquet", "data/test-00001-of-00002.parquet"],
    });
    assert.deepEqual(pick(files, {}, undefined, "val", "L"), {
      config: "default",
      split: "validation",
      files: ["data/dev-00000-of-00001.parquet"],
    });
    assert.deepEqual(pick(["latest.parquet", "contest.parquet"], {}, undefined, undefined, "L"), {
      config: "default",
      split: "train",
      files: ["contest.parquet", "latest.parquet"],
    });
    assert.match(String(pick(["x.csv"], {}, undefined, "test", "L")), /no Parquet or JSON data files/);
    assert.match(String(pick(["test.parquet"], {}, "other", "test", "L")), /no config "other"/);
  });

  test("the Parquet conversion's layout, partial splits included", () => {
    const files = [
      "default/test/0000.parquet",
      "default/partial-train/0000.parquet",
      "default/partial-train/0001.parquet",
      "x/test/0000.parquet",
    ];
    assert.deepEqual(pick(files, { converted: true }, undefined, "train", "L"), {
      config: "default",
      split: "train",
      files: ["default/partial-train/0000.parquet", "default/partial-train/0001.parquet"],
    });
    assert.deepEqual(pick(files, { converted: true }, "x", undefined, "L"), {
      config: "x",
      split: "test",
      files: ["x/test/0000.parquet"],
    });
    assert.throws(() => pick(files, { converted: true }, "x", "train", "L"), UserError);
  });

  test("globs: * stays in a segment, ** crosses segments", () => {
    assert.ok(globToRegExp("data/test-*").test("data/test-0.parquet"));
    assert.ok(!globToRegExp("data/*.parquet").test("data/sub/x.parquet"));
    assert.ok(globToRegExp("data/**/*.parquet").test("data/sub/x.parquet"));
    assert.ok(globToRegExp("**").test("a/b/c"));
    assert.ok(!globToRegExp("a.b").test("axb"), "dots are literal");
  });
});
