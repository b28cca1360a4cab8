/**
 * `assay annotate …` (the web app, annotators, ratings import/export, refinement snapshots),
 * `assay agreement …` (judge–human agreement and the disagreement list) and `assay rejudge`: the
 * command definitions. The work is in cli-actions.ts, loaded when a command runs.
 */
import type { Command } from "commander";
import { intOption } from "../cli-kit/options.js";

export interface ItemFlags {
  db?: string;
  scale?: string;
  scorer?: string;
  groupBy?: string;
}

export interface ServeFlags extends ItemFlags {
  run: string;
  port: number;
  host: string;
}

export interface AddAnnotatorFlags {
  run?: string;
  rotate?: boolean;
  url: string;
  db?: string;
  json?: boolean;
}

export interface ImportFlags extends ItemFlags {
  run: string;
  format?: string;
  json?: boolean;
}

export interface AgreementFlags extends ItemFlags {
  run: string;
  judgeRun?: string;
  judgeRounding: string;
  rounds: number;
  seed: number;
  json?: boolean;
  /** Also write the report with its charts as a self-contained HTML page. */
  html?: string;
}

export interface RejudgeFlags extends ItemFlags {
  prompts: string;
  from?: string;
  judge?: string;
  judgeBaseUrl?: string;
  runId?: string;
  concurrency: number;
  dryRun?: boolean;
  rounds: number;
  json?: boolean;
}

const actions = () => import("./cli-actions.js");

const itemFlags = (cmd: Command): Command =>
  cmd
    .option(
      "--scale <scale>",
      "rating scale, a range (1-5) or a list (0,1,2) (default: the task's, else 1-5)",
    )
    .option("--scorer <name>", "scorer holding the judge's score (default: the task's judge)")
    .option("--group-by <key>", "sample metadata key for the per-category breakdown (default: category)")
    .option("--db <path>", "run database");

export function registerAnnotateCommands(program: Command): void {
  const annotate = program
    .command("annotate")
    .description("expert annotation: a web app for rating answers, annotators, ratings import/export");

  itemFlags(
    annotate
      .command("serve", { isDefault: true })
      .description("serve the annotation web app for a run (the default: assay annotate --run ID)")
      .requiredOption("--run <id>", "run to annotate")
      .option("--port <n>", "port (0: any free port)", intOption("--port", 0, 65535), 8080)
      .option("--host <host>", "address to listen on", "127.0.0.1"),
  ).action(async (f: ServeFlags) => (await actions()).serveCommand(f));

  annotate
    .command("add-annotator")
    .description("create an annotator and print their personal link (shown once; only a hash is stored)")
    .argument("<name>", "annotator name (letters, digits, _ . @ -)")
    .option("--run <id>", "limit the link to one run (default: every run)")
    .option("--rotate", "issue a new link for an existing annotator (the old link stops working)")
    .option("--url <base>", "server address the link starts with", "http://127.0.0.1:8080")
    .option("--db <path>", "run database")
    .option("--json", "print JSON")
    .action(async (name: string, f: AddAnnotatorFlags) => (await actions()).addAnnotatorCommand(name, f));

  annotate
    .command("annotators")
    .description("list annotators (names only; tokens are not stored)")
    .option("--db <path>", "run database")
    .option("--json", "print JSON")
    .action(async (f: { db?: string; json?: boolean }) => (await actions()).annotatorsCommand(f));

  annotate
    .command("export")
    .description("human ratings of a run as CSV or JSONL (item_id, annotator, score, dimensions, comment)")
    .requiredOption("--run <id>", "run")
    .option("--format <format>", "csv or jsonl", "csv")
    .option("--out <file>", "write to a file instead of stdout")
    .option("--db <path>", "run database")
    .action(async (f: { run: string; format: string; out?: string; db?: string }) =>
      (await actions()).exportCommand(f),
    );

  itemFlags(
    annotate
      .command("import")
      .description(
        "import human ratings from CSV or JSONL; rows replace earlier ratings of the same item and annotator",
      )
      .argument("<file>", "ratings file (.csv or .jsonl)")
      .requiredOption("--run <id>", "run the ratings belong to")
      .option("--format <format>", "csv or jsonl (default: from the file name)")
      .option("--json", "print JSON"),
  ).action(async (file: string, f: ImportFlags) => (await actions()).importCommand(file, f));

  annotate
    .command("snapshot")
    .description(
      "write a refinement version folder (prompts/ and checklists/) from a judged run, to edit and diff",
    )
    .requiredOption("--run <id>", "judged run")
    .requiredOption("--out <dir>", "new version folder, e.g. refine/v1")
    .option("--db <path>", "run database")
    .action(async (f: { run: string; out: string; db?: string }) => (await actions()).snapshotCommand(f));

  registerAgreementCommands(program);
  registerRejudgeCommand(program);
}

const agreementFlags = (cmd: Command): Command =>
  itemFlags(
    cmd
      .requiredOption("--run <id>", "run whose human ratings are used")
      .option("--judge-run <id>", "run whose judge scores are compared (default: --run)")
      .option("--judge-rounding <rule>", "judge means to the scale: nearest (ties down) or floor", "nearest")
      .option("--rounds <n>", "bootstrap rounds (0: no intervals)", intOption("--rounds", 0), 1000)
      .option("--seed <n>", "bootstrap seed", intOption("--seed", 0), 0)
      .option("--json", "print JSON"),
  );

function registerAgreementCommands(program: Command): void {
  const agreement = program
    .command("agreement")
    .description("judge–human agreement with bootstrap intervals, and the worst disagreements");

  agreementFlags(
    agreement
      .command("report", { isDefault: true })
      .description("the agreement report (the default)")
      .option("--html <file>", "also write the report with a confusion heatmap and a scatter plot as HTML"),
  ).action(async (f: AgreementFlags) => (await actions()).agreementCommand(f));

  agreementFlags(
    agreement
      .command("disagreements")
      .description(
        "items where judge and humans differ most: checklist, judge reasoning and comments side by side",
      )
      .option("--top <n>", "how many", intOption("--top", 1), 10),
  ).action(async (f: AgreementFlags & { top: number }) => (await actions()).disagreementsCommand(f));
}

function registerRejudgeCommand(program: Command): void {
  itemFlags(
    program
      .command("rejudge")
      .description(
        "re-judge only the items whose checklist or judge prompt changed in a refinement version, into a new run",
      )
      .argument("<run-id>", "judged run")
      .requiredOption("--prompts <dir>", "refinement version folder (prompts/ and/or checklists/)")
      .option(
        "--from <dir>",
        "version folder holding the prompts the run was judged with (default: from its manifest)",
      )
      .option("--judge <provider/model>", "judge model (default: the run's judge)")
      .option("--judge-base-url <url>", "base URL for the judge")
      .option("--run-id <id>", "id of the new run (default: <run>~<version folder name>)")
      .option("--concurrency <n>", "samples judged at once", intOption("--concurrency", 1), 8)
      .option("--dry-run", "only list what changed")
      .option(
        "--rounds <n>",
        "bootstrap rounds for the before/after agreement",
        intOption("--rounds", 0),
        1000,
      )
      .option("--json", "print JSON"),
  ).action(async (id: string, f: RejudgeFlags) => (await actions()).rejudgeCommand(id, f));
}
