/**
 * `bun run verify:cluster [DIR] [--self-check] [--crds DIR] [--wait SECONDS]`: applies a render
 * (default: a fresh one of the example stack) to a real, throwaway Kubernetes control plane and
 * reports what the API server refused, which pods Pod Security refused or the scheduler could not
 * place, and which claims did not bind. Exits 1 on any problem, 2 when it could not check (bad
 * input, no Go, a build or a server that failed).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type CommandSpec, parseCommand, USAGE_EXIT, usageText } from "../cli/args.ts";
import { userFolder } from "../cli/folders.ts";
import { WEBHOOK_GATE_LABEL } from "../lib/k8s/annotations.ts";
import { offlineCopyProblems, pinnedCrds, standInChartName } from "./charts/crds.ts";
import { withModuleCrds } from "./charts/moduleCrds.ts";
import { traefikPublisher } from "./cluster/addresses.ts";
import {
  type Apply,
  type Clients,
  connect,
  createNodes,
  installCrds,
  provisionPendingClaims,
  serverSideApply,
} from "./cluster/api.ts";
import { backupsCheck } from "./cluster/backupsCheck.ts";
import { ensureBinaries } from "./cluster/build.ts";
import { type Cluster, startCluster, stopCluster, stoppedControllers } from "./cluster/cluster.ts";
import { startStandIns } from "./cluster/controllers.ts";
import { apiErrorMessage } from "./cluster/errors.ts";
import { gateToolsProblem } from "./cluster/gateRunner.ts";
import { ensureKwok, startKwok } from "./cluster/kwok.ts";
import {
  type LayerManifests,
  type ManifestObject,
  readHelmReleases,
  readRender,
} from "./cluster/manifests.ts";
import { observeLayer, takeSnapshot } from "./cluster/observe.ts";
import { prunerCheck } from "./cluster/prunerCheck.ts";
import {
  type ApplyResult,
  formatLayer,
  formatReport,
  type LayerReport,
  workloadSettled,
} from "./cluster/report.ts";
import { SELF_CHECK_LAYER, selfCheckLayer, selfCheckVerdict } from "./cluster/selfCheck.ts";
import { longhornStorageClass } from "./cluster/storage.ts";
import { ETCD_VERSION, KUBERNETES_VERSION } from "./cluster/versions.ts";
import { PINNED_CHARTS } from "./engine/standInCharts.ts";

const VERIFY: CommandSpec = {
  usage: "bun run verify:cluster [<dir>] [--self-check] [--crds <dir>] [--wait <seconds>]",
  options: {
    "self-check": {
      type: "boolean",
      doc: "also apply objects the server must refuse; fail unless each is reported",
    },
    crds: {
      type: "string",
      doc: "an offline copy of the pinned charts' CRDs, one folder per chart (default: downloaded from each chart's repository on first use, cached)",
    },
    wait: { type: "string", doc: "seconds to wait for the controllers after applying (default 30)" },
  },
  positionals: ["dir"],
};
const root = resolve(import.meta.dirname, "..");

const fail = (...lines: string[]): never => {
  for (const line of lines) console.error(line);
  process.exit(USAGE_EXIT);
};

const command = parseCommand(VERIFY, process.argv.slice(2)).match(
  (parsed) => parsed,
  (error) => fail(error),
);
if (command.help) {
  console.log(command.text);
  process.exit(0);
}
const { values, positionals } = command;
/** Relative paths are read from where the user stands (see userFolder), not the repository root. */
const here = userFolder(process.env);
const options = {
  selfCheck: values["self-check"] === true,
  /** Undefined: the pinned charts' own, downloaded on first use into the cache. */
  crds: typeof values.crds === "string" ? resolve(here, values.crds) : undefined,
  wait: typeof values.wait === "string" ? values.wait : "30",
  dir: positionals[0],
};
const waitSeconds = Number(options.wait);
const problems = [
  ...(Number.isInteger(waitSeconds) && waitSeconds > 0
    ? []
    : [`--wait ${options.wait}: a whole number of seconds > 0`]),
  ...(options.crds ? offlineCopyProblems(options.crds, PINNED_CHARTS) : []),
];
if (problems.length > 0) fail(usageText(VERIFY, problems.join("; ")));

const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/** The render to verify: DIR, or the example stack rendered now into a temporary folder. */
const renderDir = (): string => {
  if (options.dir) return resolve(here, options.dir);
  const out = join(mkdtempSync(join(tmpdir(), "verify-render-")), "out");
  process.once("exit", () => rmSync(resolve(out, ".."), { recursive: true, force: true }));
  console.log("Rendering the example stack…");
  const rendered = spawnSync(
    process.execPath,
    [join(root, "cli/render.ts"), "--stack", "example", "--out", out],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  if (rendered.status !== 0) fail("The example stack did not render:", rendered.stderr || rendered.stdout);
  return out;
};

const applyLayer = async (apply: Apply, dir: string, layer: LayerManifests): Promise<LayerReport> => {
  const applied: ApplyResult[] = [];
  for (const { object } of layer.manifests) applied.push(await apply(object));
  // Longhorn's chart makes its class from a ConfigMap; the chart does not run here, so make it as the chart would.
  for (const release of readHelmReleases(dir, layer.layer).filter(({ chart }) => chart === "longhorn")) {
    const result = await apply(longhornStorageClass(release.values ?? {}));
    applied.push({ ...result, object: `${result.object} (simulated: the Longhorn chart's class)` });
  }
  return { layer: layer.layer, applied, workloads: [], claims: [] };
};

const accepted = (layer: LayerManifests, report: LayerReport): ManifestObject[] =>
  layer.manifests
    .map(({ object }) => object)
    .filter((_, index) => report.applied[index]?.error === undefined);

/** Provisions and observes until every workload and claim has settled or `waitSeconds` ran out. */
const settle = async (
  clients: Clients,
  layers: LayerManifests[],
  reports: LayerReport[],
): Promise<string[]> => {
  const deadline = Date.now() + waitSeconds * 1000;
  const simulated = new Set<string>();
  for (;;) {
    for (const claim of await provisionPendingClaims(clients)) simulated.add(claim);
    const snapshot = await takeSnapshot(clients);
    for (const [index, layer] of layers.entries()) {
      const report = reports[index];
      if (report) Object.assign(report, observeLayer(accepted(layer, report), snapshot));
    }
    const settled = reports.every(
      (report) =>
        report.workloads.every(workloadSettled) &&
        report.claims.every((claim) => claim.bound || !claim.waiting),
    );
    if (settled || Date.now() > deadline) return [...simulated].sort();
    await new Promise((done) => setTimeout(done, 1000));
  }
};

/** Which Service each ingress class's Traefik publishes, from the render's Traefik releases. */
const publishersOf = (dir: string, layers: readonly LayerManifests[]) =>
  layers.flatMap((layer) =>
    readHelmReleases(dir, layer.layer)
      .filter(({ chart }) => chart === "traefik")
      .flatMap((release) => traefikPublisher(release.values ?? {}) ?? []),
  );

const verify = async (
  cluster: Cluster,
  dir: string,
  layers: LayerManifests[],
  crdsDir: string,
  kwok: string,
): Promise<number> => {
  const clients = connect(cluster);
  let started = Date.now();
  await createNodes(clients);
  cluster.controllers.push(startKwok(kwok, cluster.files, WEBHOOK_GATE_LABEL));
  // MetalLB, the ingress controllers and the webhook gates' pods; storage is provisioned by settle below.
  const standIns = startStandIns(clients, {
    publishers: publishersOf(dir, layers),
    server: { url: cluster.server, ca: cluster.ca },
  });
  const server = serverSideApply(cluster);
  const crds = await installCrds(server, crdsDir, PINNED_CHARTS.map(standInChartName));
  console.log(`  3 Talos-like control-plane nodes and ${crds.length} CRDs in ${elapsed(started)}`);
  const crdProblems = crds
    .filter((result) => result.error)
    .map((result) => `CRDs: ${result.object}: ${result.error}`);

  if (options.selfCheck) layers.push(selfCheckLayer());
  started = Date.now();
  const reports: LayerReport[] = [];
  for (const layer of layers) reports.push(await applyLayer(server.apply, dir, layer));
  console.log(
    `  applied ${reports.reduce((sum, report) => sum + report.applied.length, 0)} objects in ${elapsed(started)}; waiting up to ${waitSeconds}s for the controllers…`,
  );
  started = Date.now();
  const simulated = await settle(clients, layers, reports);
  await standIns.stop();
  console.log(`  settled in ${elapsed(started)}\n`);

  const own = reports.filter((report) => report.layer !== SELF_CHECK_LAYER);
  const { text, problems } = formatReport(own, [...crdProblems, ...stoppedControllers(cluster)]);
  console.log(text);
  if (simulated.length > 0)
    console.log(`\nSimulated provisioning (no CSI driver runs here): volumes for ${simulated.join(", ")}`);
  for (const event of standIns.events) console.log(`stand-in: ${event}`);
  const selfCheck = reports.find((report) => report.layer === SELF_CHECK_LAYER);
  const verdict = selfCheck ? selfCheckVerdict(selfCheck) : { lines: [], passed: true };
  if (selfCheck) console.log(["", ...formatLayer(selfCheck), ...verdict.lines].join("\n"));
  const backups = await backupsCheck(cluster);
  const pruner = await prunerCheck(cluster);
  console.log(["", ...backups.lines, "", ...pruner.lines].join("\n"));
  return problems.length > 0 || !verdict.passed || !backups.passed || !pruner.passed ? 1 : 0;
};

const main = async (): Promise<number> => {
  const dir = renderDir();
  const render = readRender(dir);
  if (render.isErr()) return fail(...render.error);
  const onDownload = (what: string) => console.log(`Downloading the CRDs of ${what}…`);
  // An offline copy holds what the charts ship; CRDs published as a Go module come from the proxy.
  const crdsDir = options.crds
    ? withModuleCrds(options.crds, PINNED_CHARTS, { onDownload })
    : await pinnedCrds(PINNED_CHARTS, { onDownload });
  if (crdsDir.isErr())
    return fail(crdsDir.error, "Give an offline copy with --crds DIR (one folder per chart).");
  const binaries = await ensureBinaries();
  if (binaries.isErr()) return fail(binaries.error);
  const kwok = await ensureKwok();
  if (kwok.isErr()) return fail(kwok.error);
  const tools = gateToolsProblem();
  if (tools) return fail(tools);
  console.log(`verify:cluster: Kubernetes v${KUBERNETES_VERSION}, etcd ${ETCD_VERSION}, render ${dir}`);
  console.log(
    "Only the pinned charts' CRDs are installed: the charts' workloads and admission webhooks are not (Helm does not run here); kwok plays the nodes' kubelets.",
  );
  const started = Date.now();
  const cluster = await startCluster(binaries.value);
  if (cluster.isErr()) {
    await stopCluster();
    return fail(cluster.error);
  }
  console.log(`  etcd and kube-apiserver ready in ${elapsed(started)}`);
  try {
    return await verify(cluster.value, dir, render.value, crdsDir.value, kwok.value);
  } catch (error) {
    // A request the run itself needed failed (not an object of the render): say which, no stack trace.
    console.error(`verify:cluster stopped: ${apiErrorMessage(error)}`);
    return 2;
  } finally {
    await stopCluster();
  }
};

process.exit(await main());
