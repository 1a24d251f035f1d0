import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  type CliIo,
  type CommandSpec,
  isMain,
  processIo,
  readCommandLine,
  USAGE_EXIT,
  usageText,
} from "../cli/args.ts";
import { userFolder } from "../cli/folders.ts";
import { formatProblem } from "../lib/core/problem.ts";
import { WEBHOOK_GATE_LABEL } from "../lib/k8s/annotations.ts";
import { offlineCopyProblems, pinnedCrds } from "./charts/crds.ts";
import { withModuleCrds } from "./charts/moduleCrds.ts";
import { connect, createNodes } from "./cluster/api.ts";
import { type Binaries, ensureBinaries } from "./cluster/build.ts";
import { startCluster, stopCluster } from "./cluster/cluster.ts";
import { startStandIns } from "./cluster/controllers.ts";
import { gateToolsProblem } from "./cluster/gateRunner.ts";
import { ensureKwok, startKwok } from "./cluster/kwok.ts";
import { stopOnExit } from "./cluster/processes.ts";
import { readExample, releaseStack } from "./e2eExample.ts";
import { runChecks } from "./e2eFlow.ts";
import {
  keepLogsIn,
  mustRun,
  type RunLog,
  releaseCopy,
  runLog,
  StepFailure,
  step,
  workCopy,
} from "./e2eSteps.ts";
import { recordedRelease } from "./e2eUpgrade.ts";
import { type Engine, ensureEngine } from "./engine/build.ts";
import { installProviderArgs, pulumiEnv, throwawayDirs } from "./engine/e2eStack.ts";
import { PINNED_CHARTS, writeStandInCharts } from "./engine/standInCharts.ts";

export const E2E: CommandSpec = {
  usage: "bun run e2e [--crds <dir>] [--keep]",
  options: {
    crds: {
      type: "string",
      doc: "an offline copy of the pinned charts' CRDs, one folder per chart (default: downloaded from each chart's repository on first use, cached)",
    },
    keep: { type: "boolean", doc: "keep the work folder and every command's output" },
  },
};
const ROOT = resolve(import.meta.dirname, "..");

interface Options {
  /** Undefined: the pinned charts' own, downloaded on first use into the cache. */
  crds: string | undefined;
  keep: boolean;
}

/** Everything one run holds, made by `main` and passed to each step; the fields left open are set as the run goes. */
interface E2eRun {
  readonly root: string;
  readonly options: Options;
  /** The run's temporary folder, and the work copies inside it: of HEAD, and of the recorded release. */
  readonly temp: string;
  readonly work: string;
  readonly release: { readonly commit: string; readonly work: string };
  readonly started: number;
  readonly io: CliIo;
  /** Where the steps print, their times, and every command's output. */
  readonly log: RunLog;
  /** The environment of every Pulumi command, once the work folder is ready. */
  env: Record<string, string>;
  controllers?: ReturnType<typeof startStandIns>;
  failed: boolean;
  cleanedUp: boolean;
}

const usage = (io: CliIo, text: string): number => {
  io.err(text);
  return USAGE_EXIT;
};

/** Removes the run's temporary folder (unless `--keep`), once, whichever way the run ends. */
const cleanup = (run: E2eRun): void => {
  if (run.cleanedUp) return;
  run.cleanedUp = true;
  if (!run.options.keep) rmSync(run.temp, { recursive: true, force: true });
};

const pulumi = (run: E2eRun, args: string[]) =>
  mustRun(["pulumi", ...args], { cwd: run.work, env: run.env, log: run.log });

const buildAll = (run: E2eRun) =>
  step(run.log, "Build (or reuse) the Pulumi engine and the API server; the charts' CRDs", async () => {
    const onDownload = (what: string) => run.io.out(`  downloading the CRDs of ${what}`);
    const crds = run.options.crds
      ? withModuleCrds(run.options.crds, PINNED_CHARTS, { onDownload })
      : await pinnedCrds(PINNED_CHARTS, { onDownload });
    if (crds.isErr())
      throw new StepFailure(`${crds.error}\nGive an offline copy with --crds DIR (one folder per chart).`);
    const built = await ensureEngine();
    if (built.isErr()) throw new StepFailure(built.error);
    const cluster = await ensureBinaries();
    if (cluster.isErr()) throw new StepFailure(cluster.error);
    const kwok = await ensureKwok();
    if (kwok.isErr()) throw new StepFailure(kwok.error);
    const tools = gateToolsProblem();
    if (tools) throw new StepFailure(tools);
    return { engine: built.value, cluster: cluster.value, kwok: kwok.value, crds: crds.value };
  });

const startApiServer = (run: E2eRun, binaries: Binaries, kwok: string) =>
  step(
    run.log,
    "Start the API server (etcd, kube-apiserver, controller-manager, scheduler, 3 Talos-like nodes, kwok as their kubelets)",
    async () => {
      const started = await startCluster(binaries);
      if (started.isErr()) throw new StepFailure(started.error);
      const clients = connect(started.value);
      await createNodes(clients);
      started.value.controllers.push(startKwok(kwok, started.value.files, WEBHOOK_GATE_LABEL));
      return { cluster: started.value, clients };
    },
  );

const prepareWork = (run: E2eRun, engine: Engine, kubeconfig: string, crds: string) =>
  step(
    run.log,
    "Work copies of HEAD and of the recorded release, stand-in charts, throwaway Pulumi home and file backend",
    async () => {
      const { temp } = run;
      workCopy(run.root, run.work);
      const archived = releaseCopy(run.root, run.release.commit, run.release.work);
      if (archived) throw new StepFailure(archived);
      keepLogsIn(run.log, join(temp, "logs"));
      const charts = writeStandInCharts(crds, join(temp, "charts"));
      run.env = pulumiEnv(run.io.env, throwawayDirs(temp, { kubeconfig, engineBin: engine.bin }));
      await mustRun(["mkdir", "-p", join(temp, "state")], { cwd: temp, env: run.env, log: run.log });
      run.io.out(`  charts: ${charts.join(", ")}`);
      run.io.out(`  ${(await pulumi(run, ["version"])).trim()} from ${engine.bin}`);
      await pulumi(run, installProviderArgs(engine.provider));
    },
  );

const tearDown = (run: E2eRun) =>
  step(run.log, "Tear down (stand-in controllers, API server, temporary folders)", async () => {
    await run.controllers?.stop();
    for (const event of run.controllers?.events ?? []) run.io.out(`  stand-in: ${event}`);
    await stopCluster();
    cleanup(run);
  }).catch(() => {
    run.failed = true;
  });

/** Runs `bun run e2e`; resolves to its exit code (0 passed, 1 failed, 2 a command-line mistake). */
export const main = async (argv: readonly string[], io: CliIo = processIo): Promise<number> => {
  const parsed = readCommandLine(E2E, argv, io);
  if (parsed.isErr()) return parsed.error;
  const { values } = parsed.value;
  const options: Options = {
    crds: typeof values.crds === "string" ? resolve(userFolder(io.env), values.crds) : undefined,
    keep: values.keep === true,
  };
  const problems = options.crds ? offlineCopyProblems(options.crds, PINNED_CHARTS) : [];
  if (problems.length > 0) return usage(io, usageText(E2E, problems.join("; ")));
  const release = recordedRelease(ROOT);
  if (release.isErr()) {
    io.err(`The upgrade rehearsal cannot start; nothing was run: ${release.error}`);
    return 1;
  }
  const example = readExample(ROOT);
  if (example.isErr()) {
    io.err(`The example stack has ${example.error.length} problem(s); nothing was run:\n`);
    for (const problem of example.error) io.err(`  ${formatProblem(problem)}`);
    return 1;
  }

  const temp = mkdtempSync(join(tmpdir(), "homelab-e2e-"));
  const run: E2eRun = {
    root: ROOT,
    options,
    temp,
    work: join(temp, "repo"),
    release: { commit: release.value, work: join(temp, "release", "repo") },
    started: Date.now(),
    io,
    log: runLog(io),
    env: {},
    failed: false,
    cleanedUp: false,
  };
  // Ctrl-C, SIGTERM or any exit: every server stopped, the temporary folder removed.
  stopOnExit(() => cleanup(run));

  try {
    const built = await buildAll(run);
    const { cluster, clients } = await startApiServer(run, built.cluster, built.kwok);
    await prepareWork(run, built.engine, cluster.files.kubeconfig, built.crds);
    // The charts' controllers, stood in for with the example's chart values (harness/cluster/controllers.ts).
    run.controllers = startStandIns(clients, {
      longhorn: example.value.longhorn,
      publishers: example.value.publishers,
      server: { url: cluster.server, ca: cluster.ca },
    });
    const head = { work: run.work, env: run.env, clients, log: run.log };
    const released = await releaseStack(run.release.work);
    if (released.isErr()) throw new StepFailure(`the release's example: ${released.error}`);
    await runChecks(
      run.log,
      { head, release: { ...head, work: run.release.work }, commit: run.release.commit, temp },
      { head: example.value.stack, release: released.value },
    );
  } catch {
    run.failed = true;
  } finally {
    await tearDown(run);
    io.out(
      `\n${run.failed ? "FAILED" : "PASSED"}: ${run.log.timings.map((t) => `${t.name.split(" (")[0]} ${t.seconds.toFixed(0)}s`).join("; ")}`,
    );
    io.out(
      `total ${((Date.now() - run.started) / 1000).toFixed(0)}s${options.keep ? `; kept ${temp} (logs/ holds every command's output)` : ""}`,
    );
  }
  return run.failed ? 1 : 0;
};

if (isMain(import.meta)) process.exit(await main(process.argv.slice(2)));
