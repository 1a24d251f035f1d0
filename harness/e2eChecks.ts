/**
 * What `bun run e2e` checks once the engine, the API server and the work copy are ready (see
 * harness/e2e.ts): each function runs its commands, prints what it found (to the run's io), and
 * throws a StepFailure carrying the failing command's output.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { NOT_READY_HEADING } from "../cli/diagnose.ts";
import { LAYERS, type Layer } from "../lib/core/layerNames.ts";
import { MANAGED_BY_LABEL, PART_OF_LABEL } from "../lib/k8s/labels.ts";
import type { Clients } from "./cluster/api.ts";
import { registerNotServing } from "./cluster/notServing.ts";
import { mustRun, type RunLog, run, StepFailure } from "./e2eSteps.ts";
import { ADDED_APP, APPS_KEY, E2E_STACK, type E2eStack, secretArgs } from "./engine/e2eStack.ts";
import { KUBERNETES_PLUGIN_VERSION } from "./engine/versions.ts";

export interface E2eContext {
  /** The work copy of the repository. */
  work: string;
  env: Record<string, string>;
  clients: Clients;
  /** Where the run prints, and keeps every command's output. */
  log: RunLog;
}

type Command = "preview" | "up" | "destroy";

/**
 * The deploy wrapper (cli/pulumi.ts: what `bun run deploy`, `deploy:apps`, `preview:network` run)
 * with each layer's program inline (harness/e2eInline.ts), always: only inline can the programs be
 * handed the stand-in charts, since a program Pulumi starts gets nothing but its config, and the
 * product reads no mode from its environment.
 */
const inlinePrograms = (command: Command, layer: Layer | "all") => [
  "bun",
  "harness/e2eInline.ts",
  command,
  layer,
];

const layerDir = (context: E2eContext, layer: Layer) => join(context.work, "programs", layer);
export const stackFile = (context: E2eContext, layer: Layer) =>
  join(context.work, `config/${layer}/Pulumi.${E2E_STACK}.yaml`);
const pulumi = (context: E2eContext, args: string[], input?: string) =>
  mustRun(["pulumi", ...args], { cwd: context.work, env: context.env, input, log: context.log });
export const wrapped = (command: Command, layer: Layer | "all", ...args: string[]) => [
  ...inlinePrograms(command, layer),
  "--stack",
  E2E_STACK,
  ...args,
];
export const runWrapped = (context: E2eContext, command: Command, layer: Layer | "all", ...args: string[]) =>
  mustRun(wrapped(command, layer, ...args), {
    cwd: context.work,
    env: context.env,
    log: context.log,
  });

/** Stack files from the example, `pulumi stack init`, every secret through stdin; none left in plain text. */
export const createStacks = async (context: E2eContext, stack: E2eStack): Promise<void> => {
  for (const layer of LAYERS) {
    writeFileSync(stackFile(context, layer), stringify({ config: stack.plain[layer] }));
    await pulumi(context, ["stack", "init", E2E_STACK, "--cwd", layerDir(context, layer)]);
  }
  await setSecrets(context, stack);
};

/** Every secret through stdin, then proof that none is in plain text in the stack files. */
export const setSecrets = async (context: E2eContext, stack: E2eStack): Promise<void> => {
  for (const secret of stack.secrets) {
    await pulumi(context, secretArgs(secret, layerDir(context, secret.layer)), secret.value);
  }
  const files = LAYERS.map((layer) => readFileSync(stackFile(context, layer), "utf8")).join("\n");
  const leaked = stack.secrets.filter((secret) => files.includes(secret.value));
  if (leaked.length > 0)
    throw new StepFailure(`plaintext secrets in the stack files: ${leaked.map((s) => s.path).join(", ")}`);
  const names = stack.secrets.map((s) => `${s.layer}:${s.path}`).join(", ");
  context.log.io.out(`  ${stack.secrets.length} secrets encrypted (${names}); none in plain text`);
};

/**
 * Every pod Ready (a Job's: Succeeded) and every Job Complete, as the engine awaited them; prints
 * them, and throws naming any that is not.
 */
export const expectAllReady = async (context: E2eContext): Promise<void> => {
  const [pods, jobs] = await Promise.all([
    context.clients.core.listPodForAllNamespaces(),
    context.clients.batch.listJobForAllNamespaces(),
  ]);
  const name = (item: { metadata?: { namespace?: string; name?: string } }) =>
    `${item.metadata?.namespace}/${item.metadata?.name}`;
  const ready = (pod: (typeof pods.items)[number]) =>
    pod.status?.phase === "Succeeded" ||
    (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  const complete = (job: (typeof jobs.items)[number]) =>
    (job.status?.conditions ?? []).some((c) => c.type === "Complete" && c.status === "True");
  const notReady = [
    ...pods.items.filter((pod) => !ready(pod)),
    ...jobs.items.filter((job) => !complete(job)),
  ];
  context.log.io.out(
    `  ${pods.items.filter(ready).length}/${pods.items.length} pods Ready or Succeeded; Jobs Complete: ${jobs.items.filter(complete).map(name).join(", ")}`,
  );
  if (notReady.length > 0) throw new StepFailure(`not Ready or Complete: ${notReady.map(name).join(", ")}`);
};

/** The gate the failure rehearsal makes refuse, and the fix its script names (lib/k8s/webhookGateScript.ts). */
const REFUSED_GATE = { group: "metallb.io", namespace: "metallb-system", job: "metallb-webhook-gate" };
const GATE_FIX = "Fix: run the same deploy again";

/**
 * The first deploy meets MetalLB's webhook registered but not serving (harness/cluster/notServing.ts):
 * it must fail at the network layer, naming the gate and the fix, and create nothing after it.
 */
export const deployFailsAtGate = async (context: E2eContext): Promise<void> => {
  await registerNotServing(context.clients, REFUSED_GATE.group, REFUSED_GATE.namespace);
  const failed = await run(wrapped("up", "all", "--", "--yes", "--non-interactive"), {
    cwd: context.work,
    env: context.env,
    log: context.log,
  });
  const named = failed.output.includes(REFUSED_GATE.job) && failed.output.includes(GATE_FIX);
  if (failed.code === 0 || !named)
    throw new StepFailure(
      `the deploy ${failed.code === 0 ? "succeeded" : "failed without naming the gate and the fix"}`,
      failed.output,
    );
  const why = failed.output.split("\n").find((line) => line.includes(GATE_FIX)) ?? "";
  context.log.io.out(`  the deploy stopped (exit ${failed.code}): ${why.trim().slice(0, 400)}`);
  const storage = await context.clients.core.listNamespace();
  const later = storage.items.filter((ns) => ns.metadata?.name === "longhorn-system");
  if (later.length > 0)
    throw new StepFailure("the storage layer was deployed after the failed network layer");
  context.log.io.out("  nothing of the later layers was created");
};

/** The wrapper's own account of what is not Ready (its heading and the indented lines after it), or "". */
const wrapperDiagnosis = (output: string): string => {
  const lines = output.split("\n");
  const from = lines.findIndex((line) => line.startsWith(NOT_READY_HEADING));
  if (from === -1) return "";
  const after = lines.slice(from + 1);
  const end = after.findIndex((line) => !line.startsWith("  "));
  return [lines[from], ...after.slice(0, end === -1 ? after.length : end)].join("\n");
};

/**
 * `bun run deploy` (or `deploy:<layer>`); when it fails, the failure carries what the wrapper
 * itself printed of the cluster's unready workloads (cli/diagnose.ts: the provider's error says only
 * that the minimum of live pods was not attained, not what the scheduler or kubelet said of them).
 */
export const deploy = async (
  context: E2eContext,
  layer: Layer | "all",
  env: Record<string, string> = {},
): Promise<string> => {
  const result = await run(wrapped("up", layer, "--", "--yes", "--non-interactive"), {
    cwd: context.work,
    env: { ...context.env, ...env },
    log: context.log,
  });
  if (result.code === 0) return result.output;
  const explained = wrapperDiagnosis(result.output);
  throw new StepFailure(
    `bun run ${layer === "all" ? "deploy" : `deploy:${layer}`} failed (exit ${result.code})${explained === "" ? "" : `; ${explained}`}`,
    result.output,
  );
};

export const deployAll = async (context: E2eContext): Promise<void> => {
  const output = await deploy(context, "all");
  const created = [...output.matchAll(/^\s+\+ (\d+) created/gm)].map((match) => match[1]);
  context.log.io.out(`  created per layer (${LAYERS.join(", ")}): ${created.join(", ")}`);
  await expectAllReady(context);
};

/** Every layer's preview at once (they only read each other's state), each expecting no change. */
export const expectNoChanges = async (context: E2eContext): Promise<void> => {
  await Promise.all(
    LAYERS.map((layer) =>
      runWrapped(context, "preview", layer, "--", "--expect-no-changes", "--non-interactive"),
    ),
  );
  context.log.io.out(`  ${LAYERS.join(", ")}: no changes`);
};

/** Names `app` in the stack's `apps` too (a new app runs on the stacks whose `apps` names it, lib/layers/apps/select.ts). */
export const selectApp = async (context: E2eContext, app: string): Promise<void> => {
  const cwd = layerDir(context, "apps");
  const current = (
    await pulumi(context, ["config", "get", "apps", "--stack", E2E_STACK, "--cwd", cwd])
  ).trim();
  const apps = current.startsWith("[") ? (JSON.parse(current) as string[]) : current.split(",");
  await pulumi(context, [
    "config",
    "set",
    "apps",
    [...apps, app].join(","),
    "--stack",
    E2E_STACK,
    "--cwd",
    cwd,
  ]);
};

/** A new app file, named in the stack's apps, deployed with deploy:apps; its Deployment carries the owner labels. */
export const addApp = async (context: E2eContext, stack: E2eStack): Promise<void> => {
  writeFileSync(join(context.work, ADDED_APP.file), ADDED_APP.source);
  // A new app runs on the stacks whose `apps` names it (lib/layers/apps/select.ts).
  const apps = [...(stack.plain.apps[APPS_KEY] as string[]), ADDED_APP.name].join(",");
  await pulumi(context, [
    "config",
    "set",
    "apps",
    apps,
    "--stack",
    E2E_STACK,
    "--cwd",
    layerDir(context, "apps"),
  ]);
  await deploy(context, "apps");
  const deployments = await context.clients.apps.listNamespacedDeployment({ namespace: ADDED_APP.name });
  const deployment = deployments.items[0];
  const labels = deployment?.metadata?.labels ?? {};
  if (labels[PART_OF_LABEL] !== ADDED_APP.name || labels[MANAGED_BY_LABEL] !== "homelab-apps")
    throw new StepFailure(
      `no Deployment in ${ADDED_APP.name} with the owner labels: ${JSON.stringify(labels)}`,
    );
  context.log.io.out(
    `  Deployment ${ADDED_APP.name}/${deployment?.metadata?.name} labelled ${JSON.stringify(labels)}`,
  );
};

/** Every claim and Deployment in the cluster, as `Kind namespace/name`. */
const appObjects = async (clients: Clients): Promise<string[]> => {
  const [claims, deployments] = await Promise.all([
    clients.core.listPersistentVolumeClaimForAllNamespaces(),
    clients.apps.listDeploymentForAllNamespaces(),
  ]);
  const named = (kind: string) => (item: { metadata?: { namespace?: string; name?: string } }) =>
    `${kind} ${item.metadata?.namespace}/${item.metadata?.name}`;
  return [
    ...claims.items.map(named("PersistentVolumeClaim")),
    ...deployments.items.map(named("Deployment")),
  ].sort();
};

/** Both refusals; and the refused destroy deleted nothing at all, not only the claims. */
export const dataSafety = async (context: E2eContext): Promise<void> => {
  const before = await appObjects(context.clients);
  const options = { cwd: context.work, env: context.env, log: context.log };
  const refused = await run(wrapped("destroy", "apps"), options);
  if (refused.code === 0 || !refused.output.includes("Refusing to destroy the apps layer"))
    throw new StepFailure("destroy:apps without --confirm-data-loss did not refuse", refused.output);
  context.log.io.out("  destroy:apps refused (exit 1) and named what would be lost");
  const destroyed = await run(
    wrapped("destroy", "apps", "--confirm-data-loss", "--", "--yes", "--non-interactive"),
    options,
  );
  if (destroyed.code === 0 || !/cannot be deleted\s+because it is protected/.test(destroyed.output))
    throw new StepFailure(
      "destroy:apps --confirm-data-loss did not stop at protected resources",
      destroyed.output,
    );
  const stopped = [...destroyed.output.matchAll(/^\s+kubernetes:[^ ]+ \(([^)]+)\):$/gm)].map((m) => m[1]);
  context.log.io.out(`  Pulumi's destroy failed in its preview at the protected ${stopped.join(", ")}`);
  const after = await appObjects(context.clients);
  const lost = before.filter((object) => !after.includes(object));
  if (!before.some((object) => object.startsWith("PersistentVolumeClaim demo/")) || lost.length > 0)
    throw new StepFailure(`before: ${before.join(", ") || "nothing"}; lost: ${lost.join(", ")}`);
  context.log.io.out(`  nothing deleted: ${after.length} claims and Deployments still there`);
};

export const onlyBuiltPlugin = async (context: E2eContext): Promise<void> => {
  const plugins = await pulumi(context, ["plugin", "ls"]);
  context.log.io.out(plugins.trimEnd().replace(/^/gm, "  "));
  const rows = plugins.split("\n").filter((line) => /^\S+\s+(resource|language|analyzer)\s/.test(line));
  if (rows.length !== 1 || !rows[0]?.startsWith("kubernetes") || !rows[0].includes(KUBERNETES_PLUGIN_VERSION))
    throw new StepFailure("plugins other than the built Kubernetes provider are installed", plugins);
};
