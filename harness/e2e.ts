/**
 * `bun run e2e [--crds DIR] [--keep]`: the real Pulumi engine, built from source, deploys all four
 * layers through our own scripts to a real, throwaway API server (verify:cluster's), offline:
 * stacks made from the example with every secret encrypted, `bun run deploy`, a second preview
 * that must change nothing, an app added and deployed, the data-safety refusals, then teardown.
 * What is simulated and why: lib/e2e.ts and the README ("End-to-end test").
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Result } from "neverthrow";
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
import { rawConfigFromEntries, readStackFileConfig } from "../lib/config/stackFile.ts";
import { LAYERS, type Layer } from "../lib/core/layerNames.ts";
import { formatProblem, type Problem } from "../lib/core/problem.ts";
import { longhornValues } from "../lib/layers/storage/longhorn.ts";
import { configSchemas, parseConfig } from "../programs/layers.ts";
import { offlineCopyProblems, pinnedCrds } from "./charts/crds.ts";
import { withModuleCrds } from "./charts/moduleCrds.ts";
import { connect, createNodes } from "./cluster/api.ts";
import { type Binaries, ensureBinaries } from "./cluster/build.ts";
import { startCluster, stopCluster } from "./cluster/cluster.ts";
import { simulateStorageControllers } from "./cluster/controllers.ts";
import { stopOnExit } from "./cluster/processes.ts";
import {
  addApp,
  createStacks,
  dataSafety,
  deployAll,
  type E2eContext,
  expectNoChanges,
  inlinePrograms,
  onlyBuiltPlugin,
  packageScripts,
} from "./e2eChecks.ts";
import { RESTORE, restoreDatabase } from "./e2eRestore.ts";
import { keepLogsIn, mustRun, type RunLog, runLog, StepFailure, step, workCopy } from "./e2eSteps.ts";
import { type Engine, ensureEngine } from "./engine/build.ts";
import { ADDED_APP, E2E_STACK, type E2eStack, e2eStack, pulumiEnv } from "./engine/e2eStack.ts";
import { PINNED_CHARTS, writeStandInCharts } from "./engine/standInCharts.ts";
import { KUBERNETES_PLUGIN_VERSION } from "./engine/versions.ts";

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

/** What the run takes from the example stack: the e2e stack, and Longhorn's values for the simulated controllers. */
interface Example {
  stack: E2eStack;
  longhorn: ReturnType<typeof longhornValues>;
}

/** Everything one run holds, made by `main` and passed to each step; the fields left open are set as the run goes. */
interface E2eRun {
  readonly root: string;
  readonly options: Options;
  /** The run's temporary folder, and the work copy of the repository inside it. */
  readonly temp: string;
  readonly work: string;
  readonly started: number;
  readonly io: CliIo;
  /** Where the steps print, their times, and every command's output. */
  readonly log: RunLog;
  /** The environment of every Pulumi command, once the work folder is ready. */
  env: Record<string, string>;
  controllers?: ReturnType<typeof simulateStorageControllers>;
  failed: boolean;
  cleanedUp: boolean;
}

const usage = (io: CliIo, text: string): number => {
  io.err(text);
  return USAGE_EXIT;
};

/**
 * The example stack, read with the project's stack-file reader: each layer's `config:` map as
 * written (e2eStack keeps its prefixes and YAML values), the storage layer's also parsed.
 */
const readExample = (root: string): Result<Example, Problem[]> =>
  Result.combineWithAllErrors(LAYERS.map((layer) => readStackFileConfig(root, layer, "example")))
    .mapErr((perLayer) => perLayer.flat())
    .andThen((configs) => {
      const examples = Object.fromEntries(LAYERS.map((layer, i) => [layer, configs[i] ?? {}])) as Record<
        Layer,
        Record<string, unknown>
      >;
      return rawConfigFromEntries(configSchemas, "storage", Object.entries(examples.storage), "example")
        .andThen((raw) => parseConfig("storage", raw))
        .map((storage) => ({ stack: e2eStack(configSchemas, examples), longhorn: longhornValues(storage) }));
    });

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
    return { engine: built.value, cluster: cluster.value, crds: crds.value };
  });

const startApiServer = (run: E2eRun, binaries: Binaries) =>
  step(
    run.log,
    "Start the API server (etcd, kube-apiserver, controller-manager, scheduler, 3 Talos-like nodes)",
    async () => {
      const started = await startCluster(binaries);
      if (started.isErr()) throw new StepFailure(started.error);
      const clients = connect(started.value);
      await createNodes(clients);
      return { cluster: started.value, clients };
    },
  );

const prepareWork = (run: E2eRun, engine: Engine, kubeconfig: string, crds: string) =>
  step(
    run.log,
    "Work copy of the repository, stand-in charts, throwaway Pulumi home and file backend",
    async () => {
      const { temp } = run;
      workCopy(run.root, run.work);
      keepLogsIn(run.log, join(temp, "logs"));
      const charts = writeStandInCharts(crds, join(temp, "charts"));
      run.env = pulumiEnv(run.io.env, {
        home: join(temp, "pulumi-home"),
        state: join(temp, "state"),
        charts: join(temp, "charts"),
        kubeconfig,
        engineBin: engine.bin,
        passphrase: randomBytes(24).toString("base64url"),
      });
      await mustRun(["mkdir", "-p", join(temp, "state")], { cwd: temp, env: run.env, log: run.log });
      run.io.out(`  charts: ${charts.join(", ")}`);
      run.io.out(`  ${(await pulumi(run, ["version"])).trim()} from ${engine.bin}`);
      await pulumi(run, [
        "plugin",
        "install",
        "resource",
        "kubernetes",
        KUBERNETES_PLUGIN_VERSION,
        "--file",
        engine.provider,
      ]);
    },
  );

/** The operator's own scripts where the language hosts exist; else the same wrapper, programs inline. */
const pathOf = (run: E2eRun, engine: Engine) => {
  const path = engine.languageHosts
    ? { wrapper: packageScripts, says: "bun run deploy etc. (runtime: bun through the built language hosts)" }
    : {
        wrapper: inlinePrograms,
        says: "harness/e2eInline.ts: the deploy wrapper with each layer's program inline (Automation API; no language host here)",
      };
  run.io.out(`  programs run by: ${path.says}`);
  return path.wrapper;
};

const runChecks = async (run: E2eRun, context: E2eContext, stack: E2eStack) => {
  const { log } = run;
  await step(
    log,
    `Create stack ${E2E_STACK} in each layer from the example; set every secret with --secret`,
    () => createStacks(context, stack),
  );
  await step(
    log,
    `bun run deploy --stack ${E2E_STACK} (all four layers, our own script, real StackReferences)`,
    () => deployAll(context),
  );
  await step(log, "pulumi preview --expect-no-changes on every layer (a second deploy changes nothing)", () =>
    expectNoChanges(context),
  );
  await step(log, `Add ${ADDED_APP.file}, name it in apps, deploy:apps`, () => addApp(context, stack));
  await step(log, `Restore a database as code in ${RESTORE.file}, deploy:apps`, () =>
    restoreDatabase(context),
  );
  await step(
    log,
    "Data safety: destroy:apps refuses without --confirm-data-loss; with it, Pulumi stops at protected claims and deletes nothing",
    () => dataSafety(context),
  );
  await step(log, "Nothing was downloaded: the only plugin is the one built here", () =>
    onlyBuiltPlugin(context),
  );
};

const tearDown = (run: E2eRun) =>
  step(run.log, "Tear down (simulated controllers, API server, temporary folders)", async () => {
    await run.controllers?.stop();
    for (const event of run.controllers?.events ?? []) run.io.out(`  simulated: ${event}`);
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
    const { cluster, clients } = await startApiServer(run, built.cluster);
    await prepareWork(run, built.engine, cluster.files.kubeconfig, built.crds);
    // The storage controllers are simulated with the example's Longhorn values.
    run.controllers = simulateStorageControllers(clients, example.value.longhorn);
    const context = {
      work: run.work,
      env: run.env,
      clients,
      wrapper: pathOf(run, built.engine),
      log: run.log,
    };
    await runChecks(run, context, example.value.stack);
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
