/**
 * `bun run bench [--json <file>] [--strict]`: how fast the toolkit is, measured, with budgets.
 *
 * 1. the full offline render of the example stack as a cold process (`bun cli/render.ts`), 5 runs;
 * 2. the stack rendered with 10, 100 and 1000 generated apps, each size in its own child process
 *    (so peak memory is per size): see `appsChild` for exactly what is timed;
 * 3. the whole `bun test` suite as a child process, 3 runs;
 * 4. the typecheck (`tsc --noEmit -p .`, TypeScript 7), 3 runs;
 * 5. the same full render under Node.js (`node --import tsx cli/render.ts`), 3 runs, as a ratio.
 *
 * Prints Markdown tables (stdout; progress goes to stderr) and checks the budgets in
 * harness/bench/report.ts. Exits 0 whatever the figures, so a noisy machine never breaks a pipeline;
 * with `--strict` it exits 1 when any budget is missed. `--json <file>` writes the same figures.
 */

import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import {
  type CliIo,
  type CommandSpec,
  isMain,
  processIo,
  readCommandLine,
  USAGE_EXIT,
  usageText,
} from "../cli/args.ts";
import { newFile } from "../cli/folders.ts";
import { runContextOf } from "../lib/core/layer.ts";
import { LAYERS } from "../lib/core/layerNames.ts";
import { generateApps } from "./bench/apps.ts";
import {
  type AppsRun,
  type BenchResults,
  checkBudgets,
  formatReport,
  LARGEST_APPS,
  perApp,
  type Summary,
  summarize,
} from "./bench/report.ts";

const ROOT = resolve(import.meta.dirname, "..");
const APP_COUNTS = [10, 100, LARGEST_APPS];
const RENDER_RUNS = 5;
const TEST_RUNS = 3;
const TYPECHECK_RUNS = 3;
const NODE_RUNS = 3;
/** The Bun running this script, for every Bun child (whether or not `bun` is on the PATH). */
const BUN = process.execPath;

export const BENCH: CommandSpec = {
  usage: "bun run bench [--json <file>] [--strict]",
  options: {
    json: { type: "string", doc: "also write the figures as JSON to this file" },
    strict: { type: "boolean", doc: "exit 1 when a budget is missed" },
    "apps-child": { type: "string", doc: "(internal) time one generated-apps render in this process" },
  },
};

const progress = (text: string) => process.stderr.write(`${text}\n`);

/** Runs a command to completion; its wall time in ms. Output is discarded unless it fails. */
const timed = (command: string, args: readonly string[], allowFailure = false) => {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  const ms = performance.now() - started;
  const ok = result.status === 0;
  if (!ok && !allowFailure) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error?.message ?? ""}`;
    throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status}):\n${output.slice(-2000)}`);
  }
  return { ms, ok, stdout: result.stdout ?? "" };
};

const repeat = (label: string, runs: number, run: () => number): Summary => {
  const times: number[] = [];
  for (let i = 1; i <= runs; i++) {
    times.push(run());
    progress(`  ${label} ${i}/${runs}: ${Math.round(times[times.length - 1] as number)} ms`);
  }
  return summarize(times);
};

// ---------------------------------------------------------------- the apps child

/** A folder with config/ copied from the example stack, the apps layer's file replaced (the drawing test uses it too). */
export const stackRoot = (dir: string, appSecrets: Record<string, Record<string, string>>): string => {
  for (const layer of LAYERS) {
    mkdirSync(join(dir, "config", layer), { recursive: true });
    const target = join(dir, "config", layer, "Pulumi.example.yaml");
    if (layer === "apps") {
      const config = Object.keys(appSecrets).length > 0 ? { "homelab-apps:app_secrets": appSecrets } : {};
      writeFileSync(target, stringify({ config }));
    } else {
      copyFileSync(join(ROOT, "config", layer, "Pulumi.example.yaml"), target);
    }
  }
  return dir;
};

/**
 * In its own process: writes `count` generated app modules (the real builders) to a temp folder,
 * warms up with one render of the real example stack, then times renders of the whole stack
 * (network, storage and auth from the example stack, the apps layer loaded from the folder),
 * three times each, alternating: with an empty apps folder and with the generated apps. The
 * first render with apps also imports their modules: it is reported on its own. The median with
 * apps is the stack render; the difference of the medians divided by `count` is the time per app,
 * so per-app figures are not diluted by the fixed cost of the first three layers. Process start is
 * not in it (the cold full render measures that); the child's whole wall time is reported apart.
 */
const appsChild = async (count: number): Promise<void> => {
  const work = mkdtempSync(join(tmpdir(), "homelab-bench-"));
  try {
    const generated = generateApps(count, join(ROOT, "lib/app/index.ts"));
    const appsDir = join(work, "apps");
    const emptyDir = join(work, "empty");
    mkdirSync(appsDir);
    mkdirSync(emptyDir);
    for (const [file, source] of Object.entries(generated.files)) writeFileSync(join(appsDir, file), source);
    const appsRoot = stackRoot(join(work, "with-apps"), generated.appSecrets);
    const emptyRoot = stackRoot(join(work, "without-apps"), {});

    const [{ renderStackFiles }, { loadLayers }] = await Promise.all([
      import("../lib/render/render.ts"),
      import("../programs/layers.ts"),
    ]);
    const runContext = runContextOf(new Date());
    const render = async (root: string, dir: string) => {
      const started = performance.now();
      const result = renderStackFiles(await loadLayers(dir), root, "example", runContext);
      const ms = performance.now() - started;
      if (result.isErr()) throw new Error(JSON.stringify(result.error, null, 2));
      const apps = result.value.find((layer) => layer.layer === "apps");
      return {
        ms,
        resources: apps?.resources.length ?? 0,
        deployed: apps?.outputs.apps,
        layers: result.value,
      };
    };
    const warm = renderStackFiles(await loadLayers(), ROOT, "example", runContext);
    if (warm.isErr()) throw new Error(JSON.stringify(warm.error, null, 2));
    // Alternate three renders without and with apps and take the medians: the machine may be shared.
    const baseRuns: number[] = [];
    const fullRuns: number[] = [];
    let full: Awaited<ReturnType<typeof render>> | undefined;
    let peakRssMb = 0;
    for (let i = 0; i < 3; i++) {
      baseRuns.push((await render(emptyRoot, emptyDir)).ms);
      full = await render(appsRoot, appsDir);
      fullRuns.push(full.ms);
      // Peak memory up to the first render with apps (maxRSS is in kilobytes); repeats would add garbage.
      if (i === 0) peakRssMb = process.resourceUsage().maxRSS / 1024;
    }
    if (!full || !Array.isArray(full.deployed) || full.deployed.length !== count)
      throw new Error(`expected ${count} apps to be deployed, got ${JSON.stringify(full?.deployed)}`);
    // The drawn plan of the stack with apps: the first in this process (dagre's import and first layout in it).
    const { drawCluster } = await import("../lib/render/drawing/draw.ts");
    const drawStarted = performance.now();
    await drawCluster("example", full.layers, "");
    const drawingMs = performance.now() - drawStarted;
    const baseMs = summarize(baseRuns).median;
    const renderMs = summarize(fullRuns).median;
    const run: Omit<AppsRun, "processMs"> = {
      apps: count,
      resources: full.resources,
      firstMs: fullRuns[0] ?? Number.NaN,
      renderMs,
      baseMs,
      perAppMs: perApp(renderMs, baseMs, count),
      peakRssMb,
      drawingMs,
    };
    console.log(JSON.stringify(run));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

// ---------------------------------------------------------------- the benchmark

const machine = () => ({
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  bun: Bun.version,
  node: (() => {
    try {
      return execFileSync("node", ["--version"], { encoding: "utf8" }).trim();
    } catch {
      return "not found";
    }
  })(),
});

/** Every measurement, rendering into `out`. */
const measure = (out: string): BenchResults => {
  progress(`full render, Bun (1 warm-up run, then ${RENDER_RUNS})`);
  timed(BUN, ["cli/render.ts", "--out", out]);
  const render = repeat("render", RENDER_RUNS, () => timed(BUN, ["cli/render.ts", "--out", out]).ms);

  progress("stack render with generated apps, one child process per size");
  const apps = APP_COUNTS.map((count): AppsRun => {
    const child = timed(BUN, ["harness/bench.ts", "--apps-child", String(count)]);
    const run = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as Omit<AppsRun, "processMs">;
    progress(`  ${count} apps: ${Math.round(run.renderMs)} ms, ${run.perAppMs.toFixed(2)} ms/app`);
    return { ...run, processMs: child.ms };
  });

  progress(`test suite (${TEST_RUNS} runs)`);
  let passed = true;
  const tests = repeat("bun test", TEST_RUNS, () => {
    const run = timed(BUN, ["test"], true);
    passed &&= run.ok;
    return run.ms;
  });

  progress(`typecheck (${TYPECHECK_RUNS} runs)`);
  const typecheck = repeat(
    "tsc",
    TYPECHECK_RUNS,
    () => timed(join(ROOT, "node_modules/.bin/tsc"), ["--noEmit", "-p", "."]).ms,
  );

  progress(`full render, Node.js (${NODE_RUNS} runs)`);
  const node = repeat("node render", NODE_RUNS, () => {
    // A render that silently did nothing would time as a fast one: it must write its files.
    rmSync(out, { recursive: true, force: true });
    const run = timed("node", ["--import", "tsx", "cli/render.ts", "--out", out]);
    if (!existsSync(join(out, "network.yaml"))) throw new Error("the Node.js render wrote no files");
    return run.ms;
  });
  return { render, apps, tests: { ...tests, passed }, typecheck, node };
};

const bench = (options: { json?: string; strict: boolean }): void => {
  const out = mkdtempSync(join(tmpdir(), "homelab-bench-out-"));
  const info = machine();
  const loadBefore = loadavg();
  const started = performance.now();
  try {
    const results = measure(out);
    const { render, node } = results;
    const budgets = checkBudgets(results);
    const loadAfter = loadavg();
    const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(" ");
    console.log(
      `Machine: ${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB RAM; Bun ${info.bun}, Node.js ${info.node}; load average ${load(loadBefore)} before, ${load(loadAfter)} after\n`,
    );
    console.log(formatReport(results, budgets));
    const missed = budgets.filter((check) => !check.pass);
    progress(`\nbench took ${Math.round((performance.now() - started) / 1000)} s`);

    const jsonFile = options.json;
    if (jsonFile) {
      writeFileSync(
        resolve(jsonFile),
        `${JSON.stringify({ date: new Date().toISOString(), machine: { ...info, loadBefore, loadAfter }, ...results, bunNodeRatio: render.median / node.median, budgets }, null, 2)}\n`,
      );
      progress(`wrote ${jsonFile}`);
    }
    if (missed.length > 0 && options.strict) {
      progress(`${missed.length} budget(s) missed (--strict)`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
};

/** Checks the arguments (and that --json can be written) before minutes of measuring. */
export const main = async (argv: readonly string[], io: CliIo = processIo): Promise<number> => {
  const parsed = readCommandLine(BENCH, argv, io);
  if (parsed.isErr()) return parsed.error;
  const { json, strict, "apps-child": child } = parsed.value.values;
  if (typeof child === "string") {
    const count = Number(child);
    if (!Number.isInteger(count) || count < 1) {
      io.err(usageText(BENCH, "--apps-child needs a whole number of apps"));
      return USAGE_EXIT;
    }
    await appsChild(count);
    return 0;
  }
  const jsonFile = typeof json === "string" ? newFile("--json", json, ROOT, io.env) : undefined;
  if (jsonFile?.isErr()) {
    io.err(`error: ${jsonFile.error}`);
    return USAGE_EXIT;
  }
  bench({ ...(jsonFile?.isOk() ? { json: jsonFile.value } : {}), strict: strict === true });
  return process.exitCode === 1 ? 1 : 0;
};

if (isMain(import.meta)) process.exit(await main(process.argv.slice(2)));
