/**
 * The pieces `bun run e2e` (harness/e2e.ts) is made of: timed steps, Pulumi commands with their output
 * kept for the failure report, and the run's work copy of the repository (the stand-in charts are
 * harness/engine/standInCharts.ts, the simulated storage controllers harness/cluster/controllers.ts).
 */

import { cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class StepFailure extends Error {
  constructor(
    message: string,
    readonly output = "",
  ) {
    super(message);
  }
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

export interface Timing {
  name: string;
  seconds: number;
}
export const timings: Timing[] = [];

/** Runs one step, printing what it does and how long it took; a failure shows its output's tail. */
export const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
  const started = Date.now();
  console.log(`▶ ${name}`);
  try {
    const result = await run();
    timings.push({ name, seconds: (Date.now() - started) / 1000 });
    console.log(`  ✓ ${seconds(started)}`);
    return result;
  } catch (error) {
    console.error(
      `  ✗ ${name} failed after ${seconds(started)}: ${error instanceof Error ? error.message : error}`,
    );
    if (error instanceof StepFailure && error.output) {
      const lines = error.output.trimEnd().split("\n");
      console.error(`  --- output of the failing command (last ${Math.min(lines.length, 80)} lines) ---`);
      for (const line of lines.slice(-80)) console.error(`  | ${line}`);
    }
    throw error;
  }
};

export interface Run {
  code: number;
  output: string;
}

/** Every command's output is kept here (`--keep` leaves it for a look afterwards). */
let logDir: string | undefined;
let logCount = 0;
export const keepLogsIn = (dir: string): void => {
  mkdirSync(dir, { recursive: true });
  logDir = dir;
};

const keepLog = (argv: string[], result: Run): void => {
  if (!logDir) return;
  logCount += 1;
  const slug = argv
    .slice(0, 4)
    .join("-")
    .replace(/[^a-z0-9:-]+/gi, "_")
    .slice(0, 60);
  writeFileSync(
    join(logDir, `${String(logCount).padStart(2, "0")}-${slug}.log`),
    `$ ${argv.join(" ")}\nexit ${result.code}\n\n${result.output}`,
  );
};

/** Runs a command to completion, stdout and stderr together; `input` goes to its stdin. */
export const run = async (
  argv: string[],
  options: { cwd: string; env: Record<string, string>; input?: string },
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
  keepLog(argv, result);
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

/** A copy of the repository to deploy from, so the user's tree never gets e2e stack files. */
export const workCopy = (root: string, into: string): string => {
  mkdirSync(into, { recursive: true });
  for (const entry of COPIED) cpSync(join(root, entry), join(into, entry), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(into, "node_modules"));
  return into;
};
