/**
 * The pieces `bun run e2e` (harness/e2e.ts) is made of: timed steps, Pulumi commands with their output
 * kept for the failure report, and the run's work copy of the repository (the stand-in charts are
 * harness/engine/standInCharts.ts, the simulated storage controllers harness/cluster/controllers.ts).
 * What a run records is in its own `RunLog`, made per run: nothing here holds state.
 */

import { cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CliIo } from "../cli/args.ts";
import { archiveRelease } from "./e2eUpgrade.ts";

export class StepFailure extends Error {
  constructor(
    message: string,
    readonly output = "",
  ) {
    super(message);
  }
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

interface Timing {
  name: string;
  seconds: number;
}

/** What one run records as it goes: where it prints, each passed step's time, every command's output. */
export interface RunLog {
  readonly io: Pick<CliIo, "out" | "err">;
  readonly timings: Timing[];
  /** Once `keepLogsIn` named a folder: each command's output goes to a numbered file there. */
  commands?: { readonly dir: string; count: number };
}

export const runLog = (io: Pick<CliIo, "out" | "err">): RunLog => ({ io, timings: [] });

/** Every command's output is kept in `dir` from now on (`--keep` leaves it for a look afterwards). */
export const keepLogsIn = (log: RunLog, dir: string): void => {
  mkdirSync(dir, { recursive: true });
  log.commands = { dir, count: 0 };
};

/** Runs one step, printing what it does and how long it took; a failure shows its output's tail. */
export const step = async <T>(log: RunLog, name: string, run: () => Promise<T>): Promise<T> => {
  const started = Date.now();
  log.io.out(`▶ ${name}`);
  try {
    const result = await run();
    log.timings.push({ name, seconds: (Date.now() - started) / 1000 });
    log.io.out(`  ✓ ${seconds(started)}`);
    return result;
  } catch (error) {
    log.io.err(
      `  ✗ ${name} failed after ${seconds(started)}: ${error instanceof Error ? error.message : error}`,
    );
    if (error instanceof StepFailure && error.output) {
      const lines = error.output.trimEnd().split("\n");
      log.io.err(`  --- output of the failing command (last ${Math.min(lines.length, 80)} lines) ---`);
      for (const line of lines.slice(-80)) log.io.err(`  | ${line}`);
    }
    throw error;
  }
};

export interface Run {
  code: number;
  output: string;
}

const keepLog = (log: RunLog | undefined, argv: string[], result: Run): void => {
  const commands = log?.commands;
  if (!commands) return;
  commands.count += 1;
  const slug = argv
    .slice(0, 4)
    .join("-")
    .replace(/[^a-z0-9:-]+/gi, "_")
    .slice(0, 60);
  writeFileSync(
    join(commands.dir, `${String(commands.count).padStart(2, "0")}-${slug}.log`),
    `$ ${argv.join(" ")}\nexit ${result.code}\n\n${result.output}`,
  );
};

/** Runs a command to completion, stdout and stderr together; `input` goes to its stdin; its output kept in `log`. */
export const run = async (
  argv: string[],
  options: { cwd: string; env: Record<string, string>; input?: string; log?: RunLog },
): Promise<Run> => {
  const child = Bun.spawn(argv, {
    cwd: options.cwd,
    env: options.env,
    stdin: options.input === undefined ? "ignore" : new TextEncoder().encode(options.input),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  const result = { code: await child.exited, output: stdout + stderr };
  keepLog(options.log, argv, result);
  return result;
};

/** Like `run`, but a non-zero exit is a step failure carrying the output. */
export const mustRun = async (...args: Parameters<typeof run>): Promise<string> => {
  const result = await run(...args);
  if (result.code !== 0) throw new StepFailure(`${args[0].join(" ")} exited ${result.code}`, result.output);
  return result.output;
};

/** What the run copies: the project without its state, renders or the user's stack files' changes. */
const COPIED = [
  "cli",
  "lib",
  "harness",
  "programs",
  "config",
  "package.json",
  "tsconfig.json",
  "bunfig.toml",
];

/** A copy of the recorded release (harness/e2eUpgrade.ts) with the same entries; an error, or undefined. */
export const releaseCopy = (root: string, commit: string, into: string): string | undefined => {
  mkdirSync(into, { recursive: true });
  const failed = archiveRelease(root, commit, into, COPIED);
  if (!failed) symlinkSync(join(root, "node_modules"), join(into, "node_modules"));
  return failed;
};

/** A copy of the repository to deploy from, so the user's tree never gets e2e stack files. */
export const workCopy = (root: string, into: string): string => {
  mkdirSync(into, { recursive: true });
  for (const entry of COPIED) cpSync(join(root, entry), join(into, entry), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(into, "node_modules"));
  return into;
};
