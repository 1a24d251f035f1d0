/**
 * `bun run e2e [--crds DIR] [--keep]`: the real Pulumi engine, built from source, deploys all four
 * layers through our own scripts to a real, throwaway API server (verify:cluster's), offline:
 * stacks made from the example with every secret encrypted, `bun run deploy`, a second preview
 * that must change nothing, an app added and deployed, the data-safety refusals, then teardown.
 * What is simulated and why: lib/e2e.ts and the README ("End-to-end test").
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { type CommandSpec, parseCommand, USAGE_EXIT, usageText } from "../cli/args.ts";
import { readStackFile } from "../lib/config/stackFile.ts";
import { LAYERS, type Layer } from "../lib/core/layerNames.ts";
import { longhornValues } from "../lib/layers/storage/longhorn.ts";
import { configSchemas, parseConfig } from "../programs/layers.ts";
import { type Clients, connect, createNodes } from "./cluster/api.ts";
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
import { keepLogsIn, mustRun, StepFailure, step, timings, workCopy } from "./e2eSteps.ts";
import { type Engine, ensureEngine } from "./engine/build.ts";
import { ADDED_APP, E2E_STACK, e2eStack, pulumiEnv } from "./engine/e2eStack.ts";
import { writeStandInCharts } from "./engine/standInCharts.ts";
import { KUBERNETES_PLUGIN_VERSION } from "./engine/versions.ts";

const E2E: CommandSpec = {
  usage: "bun run e2e [--crds <dir>] [--keep]",
  options: {
    crds: {
      type: "string",
      doc: "the pinned charts' CRDs, one folder per chart (default ../shared/reference/crds)",
    },
    keep: { type: "boolean", doc: "keep the work folder and every command's output" },
  },
};
const root = resolve(import.meta.dirname, "..");

const options = parseCommand(E2E, process.argv.slice(2)).match(
  ({ values }) => ({
    crds: typeof values.crds === "string" ? resolve(values.crds) : resolve(root, "../shared/reference/crds"),
    keep: values.keep === true,
  }),
  (error) => {
    console.error(error);
    return process.exit(USAGE_EXIT);
  },
);
if (!existsSync(options.crds)) {
  console.error(
    usageText(E2E, `--crds ${options.crds}: no such folder (the pinned charts' CRDs, one folder per chart)`),
  );
  process.exit(USAGE_EXIT);
}

const temp = mkdtempSync(join(tmpdir(), "homelab-e2e-"));
const work = join(temp, "repo");
const examples = Object.fromEntries(
  LAYERS.map((layer) => [
    layer,
    (
      parse(readFileSync(join(root, `config/${layer}/Pulumi.example.yaml`), "utf8")) as {
        config: Record<string, unknown>;
      }
    ).config,
  ]),
) as Record<Layer, Record<string, unknown>>;
const stack = e2eStack(configSchemas, examples);
let cleanupDone = false;
const cleanup = () => {
  if (cleanupDone) return;
  cleanupDone = true;
  if (!options.keep) rmSync(temp, { recursive: true, force: true });
};
stopOnExit(cleanup);

const started = Date.now();
let env: Record<string, string> = {};
let clients: Clients | undefined;
let controllers: ReturnType<typeof simulateStorageControllers> | undefined;

const pulumi = (args: string[], cwd = work, input?: string) =>
  mustRun(["pulumi", ...args], { cwd, env, input });

const buildAll = () =>
  step("Build (or reuse) the Pulumi engine and the API server", async () => {
    const built = await ensureEngine();
    if (built.isErr()) throw new StepFailure(built.error);
    const cluster = await ensureBinaries();
    if (cluster.isErr()) throw new StepFailure(cluster.error);
    return { engine: built.value, cluster: cluster.value };
  });

const startApiServer = (binaries: Binaries) =>
  step(
    "Start the API server (etcd, kube-apiserver, controller-manager, scheduler, 3 Talos-like nodes)",
    async () => {
      const started = await startCluster(binaries);
      if (started.isErr()) throw new StepFailure(started.error);
      clients = connect(started.value);
      await createNodes(clients);
      return started.value;
    },
  );

const prepareWork = (engine: Engine, kubeconfig: string) =>
  step("Work copy of the repository, stand-in charts, throwaway Pulumi home and file backend", async () => {
    workCopy(root, work);
    keepLogsIn(join(temp, "logs"));
    const charts = writeStandInCharts(options.crds, join(temp, "charts"));
    env = pulumiEnv(process.env, {
      home: join(temp, "pulumi-home"),
      state: join(temp, "state"),
      charts: join(temp, "charts"),
      kubeconfig,
      engineBin: engine.bin,
      passphrase: randomBytes(24).toString("base64url"),
    });
    await mustRun(["mkdir", "-p", join(temp, "state")], { cwd: temp, env });
    console.log(`  charts: ${charts.join(", ")}`);
    console.log(`  ${(await pulumi(["version"])).trim()} from ${engine.bin}`);
    await pulumi([
      "plugin",
      "install",
      "resource",
      "kubernetes",
      KUBERNETES_PLUGIN_VERSION,
      "--file",
      engine.provider,
    ]);
  });

/** The storage controllers are simulated with the example's Longhorn values. */
const startSimulatedControllers = (api: Clients) => {
  const storageConfig = readStackFile(configSchemas, root, "storage", "example")
    .andThen((raw) => parseConfig("storage", raw))
    .match(
      (config) => config,
      (errors) => {
        throw new StepFailure(`the example's storage config does not parse: ${errors.length} error(s)`);
      },
    );
  controllers = simulateStorageControllers(api, longhornValues(storageConfig));
};

/** The operator's own scripts where the language hosts exist; else the same wrapper, programs inline. */
const pathOf = (engine: Engine) => {
  const path = engine.languageHosts
    ? { wrapper: packageScripts, says: "bun run deploy etc. (runtime: bun through the built language hosts)" }
    : {
        wrapper: inlinePrograms,
        says: "harness/e2eInline.ts: the deploy wrapper with each layer's program inline (Automation API; no language host here)",
      };
  console.log(`  programs run by: ${path.says}`);
  return path.wrapper;
};

const runChecks = async (context: E2eContext) => {
  await step(`Create stack ${E2E_STACK} in each layer from the example; set every secret with --secret`, () =>
    createStacks(context, stack),
  );
  await step(
    `bun run deploy --stack ${E2E_STACK} (all four layers, our own script, real StackReferences)`,
    () => deployAll(context),
  );
  await step("pulumi preview --expect-no-changes on every layer (a second deploy changes nothing)", () =>
    expectNoChanges(context),
  );
  await step(`Add ${ADDED_APP.file} and run bun run deploy:apps`, () => addApp(context));
  await step(
    "Data safety: destroy:apps refuses without --confirm-data-loss; with it, Pulumi stops at protected claims and deletes nothing",
    () => dataSafety(context),
  );
  await step("Nothing was downloaded: the only plugin is the one built here", () => onlyBuiltPlugin(context));
};

const tearDown = () =>
  step("Tear down (simulated controllers, API server, temporary folders)", async () => {
    await controllers?.stop();
    for (const event of controllers?.events ?? []) console.log(`  simulated: ${event}`);
    await stopCluster();
    cleanup();
  }).catch(() => {
    process.exitCode = 1;
  });

try {
  const built = await buildAll();
  const cluster = await startApiServer(built.cluster);
  await prepareWork(built.engine, cluster.files.kubeconfig);
  const api = clients as Clients;
  startSimulatedControllers(api);
  await runChecks({ work, env, clients: api, wrapper: pathOf(built.engine) });
} catch {
  process.exitCode = 1;
} finally {
  await tearDown();
  console.log(
    `\n${process.exitCode ? "FAILED" : "PASSED"}: ${timings.map((t) => `${t.name.split(" (")[0]} ${t.seconds.toFixed(0)}s`).join("; ")}`,
  );
  console.log(
    `total ${((Date.now() - started) / 1000).toFixed(0)}s${options.keep ? `; kept ${temp} (logs/ holds every command's output)` : ""}`,
  );
}
