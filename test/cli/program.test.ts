/**
 * The command table that lets one command line load only its own group's definitions: each group lists
 * exactly the top-level commands it registers, and the program built for a
 * command line holds its groups alone while `--help` gets every command.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Command } from "commander";
import { buildProgram, COMMAND_GROUPS } from "../../src/cli/program.js";

test("each group lists exactly the commands it registers", async () => {
  for (const group of COMMAND_GROUPS) {
    const program = new Command("probe");
    (await group.load())(program);
    assert.deepEqual(
      program.commands.map((c) => c.name()).sort(),
      [...group.commands].sort(),
      `group of ${group.commands[0]}`,
    );
  }
});

test("a command line builds its own group only; help and unknown commands build them all", async () => {
  const names = async (...args: string[]) =>
    (await buildProgram(["node", "assay", ...args])).commands.map((c) => c.name());
  assert.deepEqual(await names("gameqa", "list"), ["gameqa"]);
  assert.deepEqual((await names("show", "x")).sort(), ["export", "rescore", "runs", "show", "tasks"]);
  // `runs` is made by one group and given `delete` by another: both load.
  const runs = (await buildProgram(["node", "assay", "runs"])).commands.find((c) => c.name() === "runs")!;
  assert.ok(runs.commands.some((c) => c.name() === "delete"));
  assert.deepEqual(await names("--version"), []);
  const all = [...new Set(COMMAND_GROUPS.flatMap((g) => g.commands))].sort();
  assert.deepEqual((await names("--help")).sort(), all);
  assert.deepEqual((await names("evall")).sort(), all, "an unknown command still gets suggestions");
});
