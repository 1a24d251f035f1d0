/**
 * `bun run e2e [--crds DIR] [--keep]`: the real Pulumi engine, built from source, deploys all four
 * layers through our own scripts to a real, throwaway API server (verify:cluster's), offline:
 * stacks made from the example with every secret encrypted, `bun run deploy`, a second preview
 * that must change nothing, an app added and deployed, the data-safety refusals, then teardown.
 * What is simulated and why: lib/e2e.ts and the README ("End-to-end test").
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";
import { type Clients, connect, createNodes } from "../lib/cluster/api.ts";
import { ensureBinaries } from "../lib/cluster/build.ts";
import { startCluster, stopCluster } from "../lib/cluster/cluster.ts";
import { stopOnExit } from "../lib/cluster/processes.ts";
import { parseConfig } from "../lib/config/registry.ts";
import { readStackFile } from "../lib/config/stackFile.ts";
import { engineUnbuildable, ensureEngine } from "../lib/engine/build.ts";
import { ADDED_APP, E2E_STACK, e2eStack, pulumiEnv, secretArgs } from "../lib/engine/e2eStack.ts";
import { KUBERNETES_PLUGIN_VERSION } from "../lib/engine/versions.ts";
import { LAYERS, type Layer } from "../lib/layers.ts";
import { longhornValues } from "../lib/storage/longhorn.ts";
import {
  keepLogsIn,
  mustRun,
  run,
  StepFailure,
  simulateStorageControllers,
  step,
  timings,
  workCopy,
  writeStandInCharts,
} from "./e2eSteps.ts";

const USAGE = "usage: bun run e2e [--crds DIR] [--keep]";
const root = resolve(import.meta.dirname, "..");

const options = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options: {
        crds: { type: "string", default: resolve(root, "../shared/reference/crds") },
        keep: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
    process.exit(2);
  }
})();
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!existsSync(options.crds)) {
  console.error(
    `--crds ${options.crds}: no such folder (the pinned charts' CRDs, one folder per chart)\n${USAGE}`,
  );
  process.exit(2);
}

/** Exit code when this machine cannot build the engine at all (CI says so and runs the rest). */
const UNBUILDABLE = 3;
const unbuildable = engineUnbuildable();
if (unbuildable) {
  console.error(`bun run e2e cannot run here: ${unbuildable}`);
  process.exit(UNBUILDABLE);
}

const temp = mkdtempSync(join(tmpdir(), "homelab-e2e-"));
const work = join(temp, "repo");
const layerDir = (layer: Layer) => join(work, "programs", layer);
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
const stack = e2eStack(examples);
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

try {
  const engine = await step("Build (or reuse) the Pulumi engine and the API server", async () => {
    const built = await ensureEngine();
    if (built.isErr()) throw new StepFailure(built.error);
    const cluster = await ensureBinaries();
    if (cluster.isErr()) throw new StepFailure(cluster.error);
    return { engine: built.value, cluster: cluster.value };
  });

  const cluster = await step(
    "Start the API server (etcd, kube-apiserver, controller-manager, scheduler, 3 Talos-like nodes)",
    async () => {
      const started = await startCluster(engine.cluster);
      if (started.isErr()) throw new StepFailure(started.error);
      clients = connect(started.value);
      await createNodes(clients);
      return started.value;
    },
  );

  await step(
    "Work copy of the repository, stand-in charts, throwaway Pulumi home and file backend",
    async () => {
      workCopy(root, work);
      keepLogsIn(join(temp, "logs"));
      const charts = writeStandInCharts(options.crds, join(temp, "charts"));
      env = pulumiEnv(process.env, {
        home: join(temp, "pulumi-home"),
        state: join(temp, "state"),
        charts: join(temp, "charts"),
        kubeconfig: cluster.files.kubeconfig,
        engineBin: engine.engine.bin,
        passphrase: randomBytes(24).toString("base64url"),
      });
      await mustRun(["mkdir", "-p", join(temp, "state")], { cwd: temp, env });
      console.log(`  charts: ${charts.join(", ")}`);
      console.log(`  ${(await pulumi(["version"])).trim()} from ${engine.engine.bin}`);
      await pulumi([
        "plugin",
        "install",
        "resource",
        "kubernetes",
        KUBERNETES_PLUGIN_VERSION,
        "--file",
        engine.engine.provider,
      ]);
    },
  );

  const storageConfig = parseConfig(
    "storage",
    readStackFile(root, "storage", "example")._unsafeUnwrap(),
  )._unsafeUnwrap();
  controllers = simulateStorageControllers(clients as Clients, longhornValues(storageConfig));

  await step(
    `Create stack ${E2E_STACK} in each layer from the example; set every secret with --secret`,
    async () => {
      for (const layer of LAYERS) {
        const file = join(work, `config/${layer}/Pulumi.${E2E_STACK}.yaml`);
        writeFileSync(file, stringify({ config: stack.plain[layer] }));
        await pulumi(["stack", "init", E2E_STACK, "--cwd", layerDir(layer)]);
      }
      for (const secret of stack.secrets) {
        await pulumi(secretArgs(secret, layerDir(secret.layer)), work, secret.value);
      }
      const files = LAYERS.map((layer) =>
        readFileSync(join(work, `config/${layer}/Pulumi.${E2E_STACK}.yaml`), "utf8"),
      ).join("\n");
      const leaked = stack.secrets.filter((secret) => files.includes(secret.value));
      if (leaked.length > 0)
        throw new StepFailure(
          `plaintext secrets in the stack files: ${leaked.map((s) => s.path).join(", ")}`,
        );
      console.log(
        `  ${stack.secrets.length} secrets encrypted (${stack.secrets.map((s) => `${s.layer}:${s.path}`).join(", ")}); none in plain text`,
      );
    },
  );

  await step(
    `bun run deploy --stack ${E2E_STACK} (all four layers, our own script, real StackReferences)`,
    async () => {
      const output = await mustRun(
        ["bun", "run", "deploy", "--stack", E2E_STACK, "--", "--yes", "--non-interactive"],
        { cwd: work, env },
      );
      const mode = output.split("\n").find((line) => line.includes("Mode: END-TO-END TEST"));
      if (!mode) throw new StepFailure("the deploy did not say it ran in end-to-end mode", output);
      console.log(`  the program said: ${mode.replace(/^.*warning: /, "").trim()}`);
      const created = [...output.matchAll(/^\s+\+ (\d+) created/gm)].map((match) => match[1]);
      console.log(`  created per layer (${LAYERS.join(", ")}): ${created.join(", ")}`);
    },
  );

  await step(
    "pulumi preview --expect-no-changes on every layer (a second deploy changes nothing)",
    async () => {
      for (const layer of LAYERS) {
        await pulumi([
          "preview",
          "--expect-no-changes",
          "--stack",
          E2E_STACK,
          "--cwd",
          layerDir(layer),
          "--non-interactive",
        ]);
        console.log(`  ${layer}: no changes`);
      }
    },
  );

  await step(`Add ${ADDED_APP.file} and run bun run deploy:apps`, async () => {
    writeFileSync(join(work, ADDED_APP.file), ADDED_APP.source);
    await mustRun(["bun", "run", "deploy:apps", "--stack", E2E_STACK, "--", "--yes", "--non-interactive"], {
      cwd: work,
      env,
    });
    const deployments = await (clients as Clients).apps.listNamespacedDeployment({
      namespace: ADDED_APP.name,
    });
    const labels = deployments.items[0]?.metadata?.labels ?? {};
    if (
      labels["app.kubernetes.io/part-of"] !== ADDED_APP.name ||
      labels["app.kubernetes.io/managed-by"] !== "homelab-apps"
    )
      throw new StepFailure(
        `Deployment in ${ADDED_APP.name} missing or without owner labels: ${JSON.stringify(labels)}`,
      );
    console.log(
      `  Deployment ${ADDED_APP.name}/${deployments.items[0]?.metadata?.name} labelled ${JSON.stringify(labels)}`,
    );
  });

  await step(
    "Data safety: destroy:apps refuses without --confirm-data-loss; pulumi destroy stops at protected claims",
    async () => {
      const claimsBefore = await appClaims(clients as Clients);
      const refused = await run(["bun", "run", "destroy:apps", "--stack", E2E_STACK], { cwd: work, env });
      if (refused.code === 0 || !refused.output.includes("Refusing to destroy the apps layer"))
        throw new StepFailure("destroy:apps without --confirm-data-loss did not refuse", refused.output);
      console.log("  destroy:apps refused (exit 1) and named what would be lost");
      const destroyed = await run(
        ["pulumi", "destroy", "--yes", "--non-interactive", "--stack", E2E_STACK, "--cwd", layerDir("apps")],
        { cwd: work, env },
      );
      if (destroyed.code === 0 || !/protect/i.test(destroyed.output))
        throw new StepFailure(
          "pulumi destroy of the apps stack did not stop at protected resources",
          destroyed.output,
        );
      const reason = destroyed.output.split("\n").find((line) => /protect/i.test(line)) ?? "";
      console.log(`  pulumi destroy stopped: ${reason.trim()}`);
      const claimsAfter = await appClaims(clients as Clients);
      const lost = claimsBefore.filter((claim) => !claimsAfter.includes(claim));
      if (!claimsBefore.some((claim) => claim.startsWith("demo/")) || lost.length > 0)
        throw new StepFailure(
          `claims before: ${claimsBefore.join(", ") || "none"}; lost: ${lost.join(", ")}`,
        );
      console.log(`  claims still there: ${claimsAfter.join(", ")}`);
    },
  );

  await step("Nothing was downloaded: the only plugin is the one built here", async () => {
    const plugins = await pulumi(["plugin", "ls"]);
    console.log(plugins.trimEnd().replace(/^/gm, "  "));
    if (!plugins.includes(KUBERNETES_PLUGIN_VERSION) || /cloudflare/.test(plugins))
      throw new StepFailure("unexpected plugin list", plugins);
  });
} catch {
  process.exitCode = 1;
} finally {
  await step("Tear down (simulated controllers, API server, temporary folders)", async () => {
    await controllers?.stop();
    for (const event of controllers?.events ?? []) console.log(`  simulated: ${event}`);
    await stopCluster();
    cleanup();
  }).catch(() => {
    process.exitCode = 1;
  });
  console.log(
    `\n${process.exitCode ? "FAILED" : "PASSED"}: ${timings.map((t) => `${t.name.split(" (")[0]} ${t.seconds.toFixed(0)}s`).join("; ")}`,
  );
  console.log(
    `total ${((Date.now() - started) / 1000).toFixed(0)}s${options.keep ? `; kept ${temp} (logs/ holds every command's output)` : ""}`,
  );
}

/** Every claim in the cluster, as namespace/name: the apps layer's and the others' alike must survive. */
async function appClaims(clients: Clients): Promise<string[]> {
  const claims = await clients.core.listPersistentVolumeClaimForAllNamespaces();
  return claims.items.map((claim) => `${claim.metadata?.namespace}/${claim.metadata?.name}`).sort();
}
