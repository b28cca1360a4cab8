/**
 * Rules over the import graph of src/: which folder may import which. The graph is read from the
 * sources (static imports, re-exports and dynamic `import()`), with TypeScript's own pre-processor, so
 * an import hidden in a lazily loaded command action counts as much as one at the top of a file.
 *
 * Add a rule to RULES; a rule the code does not obey yet carries `todo` (its test reports the
 * violations without failing the suite) until the change that makes it hold removes the mark.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, test } from "node:test";
import ts from "typescript";
import { repoRoot } from "../helpers/shared.js";

const SRC = join(repoRoot, "src");

/** One import: the importing file and the imported module, both relative to src/ ("annotate/cli.ts"). */
interface Edge {
  from: string;
  to: string;
}

interface ImportRule {
  name: string;
  /** Top-level folders of src/ the rule applies to; every folder when absent. */
  from?: readonly string[];
  /** Folders the rule does not apply to (with `from` absent). */
  except?: readonly string[];
  /** Top-level folders of src/ that those folders must not import. */
  forbidden: readonly string[];
  /** Why the rule does not hold yet; the test is then reported as a todo. */
  todo?: string;
}

const BENCHMARKS = ["llmeval-med", "mathtrap", "gameqa", "smi", "moe"];

const RULES: ImportRule[] = [
  {
    name: "src/annotate imports no benchmark folder (tasks plug in through their annotation hook)",
    from: ["annotate"],
    forbidden: BENCHMARKS,
  },
  // src/compare and src/agreement are statistics libraries the systems share, like src/metrics.
  {
    name: "a system does not import another system (shared code lives below them)",
    from: ["llmeval-med", "mathtrap", "gameqa", "smi", "annotate", "pairwise", "contamination", "view"],
    forbidden: ["llmeval-med", "mathtrap", "gameqa", "smi", "annotate", "pairwise", "contamination", "view"],
  },
  {
    name: "no folder imports src/cli (the CLI is the composition root)",
    except: ["cli"],
    forbidden: ["cli"],
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every relative import of every file under src/ (packages and node: modules are not folders of src/). */
function importGraph(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const spec of info.importedFiles.map((f) => f.fileName)) {
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec).replace(/\.js$/, ".ts");
      edges.push({
        from: relative(SRC, file).split(sep).join("/"),
        to: relative(SRC, target).split(sep).join("/"),
      });
    }
  }
  return edges;
}

/** Top-level folder of a path under src/ ("" for a file directly in src/). */
function folderOf(path: string): string {
  const i = path.indexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

function violations(edges: readonly Edge[], rule: ImportRule): string[] {
  const found = edges
    .filter((e) => {
      const from = folderOf(e.from);
      if (rule.from && !rule.from.includes(from)) return false;
      if (rule.except?.includes(from)) return false;
      return from !== folderOf(e.to) && rule.forbidden.includes(folderOf(e.to));
    })
    .map((e) => `src/${e.from} imports src/${e.to}`);
  return [...new Set(found)];
}

const graph = importGraph();

describe("import graph of src/", () => {
  test("the graph holds static, re-exported and dynamic imports", () => {
    const has = (from: string, to: string) => graph.some((e) => e.from === from && e.to === to);
    assert.ok(has("cli/program.ts", "annotate/cli.ts"), "static import");
    assert.ok(has("tasks/index.ts", "tasks/registry.ts"), "re-export");
    assert.ok(has("annotate/cli.ts", "annotate/cli-actions.ts"), "dynamic import()");
    assert.ok(has("tasks/index.ts", "llmeval-med/task.ts"), "side-effect import");
    // A rule finds what it forbids: program.ts importing annotate breaks a rule forbidding it.
    assert.deepEqual(
      violations(graph, { name: "probe", from: ["cli"], forbidden: ["annotate"] }).filter((v) =>
        v.startsWith("src/cli/program.ts "),
      ),
      ["src/cli/program.ts imports src/annotate/cli.ts"],
    );
  });

  for (const rule of RULES) {
    test(rule.name, rule.todo ? { todo: rule.todo } : {}, () => {
      const found = violations(graph, rule);
      assert.deepEqual(found, [], `${found.length} import(s) break the rule:\n  ${found.join("\n  ")}`);
    });
  }
});
