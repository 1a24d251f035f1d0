import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ok } from "neverthrow";
import { stringify } from "yaml";
import { type CliIo, type CommandSpec, isMain, processIo, readCommandLine, usageText } from "../cli/args.ts";
import { userFolder } from "../cli/folders.ts";
import { readStackFileConfig } from "../lib/config/stackFile.ts";
import { LAYERS, type Layer, projectName } from "../lib/core/layerNames.ts";
import { formatProblem } from "../lib/core/problem.ts";
import { WEBHOOK_GATE_LABEL } from "../lib/k8s/annotations.ts";
import { type ExportedState, readExportedState, type StateResource } from "../lib/pulumi/pendingCreates.ts";
import { configSchemas } from "../programs/layers.ts";
import { offlineCopyProblems, pinnedCrds } from "./charts/crds.ts";
import { connect, createNodes } from "./cluster/api.ts";
import { ensureBinaries } from "./cluster/build.ts";
import { type Cluster, startCluster, stopCluster } from "./cluster/cluster.ts";
import { startStandIns } from "./cluster/controllers.ts";
import { ensureKwok, startKwok } from "./cluster/kwok.ts";
import { stopOnExit } from "./cluster/processes.ts";
import { readExample } from "./e2eExample.ts";
import { keepLogsIn, mustRun, type RunLog, run, runLog, StepFailure, step, workCopy } from "./e2eSteps.ts";
import { ensureEngine } from "./engine/build.ts";
import {
  E2E_STACK,
  e2eStack,
  installProviderArgs,
  pulumiEnv,
  secretArgs,
  throwawayDirs,
} from "./engine/e2eStack.ts";
import { type Checkpoint, CORE_PLURALS, interruptedCheckpoint, interruptible } from "./engine/interrupt.ts";
import { PINNED_CHARTS, writeStandInCharts } from "./engine/standInCharts.ts";

export const E2E_RESUME: CommandSpec = {
  usage: "bun run e2e:resume [--crds <dir>] [--keep]",
  options: {
    crds: {
      type: "string",
      doc: "an offline copy of the pinned charts' CRDs, one folder per chart (as bun run e2e)",
    },
    keep: { type: "boolean", doc: "keep the work folder and every command's output" },
  },
};
const ROOT = resolve(import.meta.dirname, "..");
const LAYER: Layer = "network";
/** Creates of existing objects fail, as with pulumi-kubernetes 4.29 and later (see above). */
const CLIENT_SIDE_CREATE = { PULUMI_K8S_ENABLE_SERVER_SIDE_APPLY: "false" };

interface Rehearsal {
  readonly io: CliIo;
  readonly log: RunLog;
  readonly temp: string;
  readonly work: string;
  env: Record<string, string>;
  cluster?: Cluster;
  standIns?: ReturnType<typeof startStandIns>;
}

const cwd = (r: Rehearsal) => join(r.work, "programs", LAYER);
const pulumi = (r: Rehearsal, args: string[], input?: string) =>
  mustRun(["pulumi", ...args], { cwd: r.work, env: r.env, input, log: r.log });
/** The deploy wrapper with the layer's program inline, as `bun run e2e` runs it without language hosts. */
const wrapper = (r: Rehearsal, command: "up" | "preview", env: Record<string, string>, ...args: string[]) =>
  run(["bun", "harness/e2eInline.ts", command, LAYER, "--stack", E2E_STACK, "--", ...args], {
    cwd: r.work,
    env: { ...r.env, ...env },
    log: r.log,
  });

const exportState = async (r: Rehearsal): Promise<ExportedState> => {
  const state = readExportedState(
    await pulumi(r, ["stack", "export", "--stack", E2E_STACK, "--cwd", cwd(r)]),
  );
  if (!state) throw new StepFailure("pulumi stack export printed no state");
  return state;
};

const prepare = (r: Rehearsal, crdsOption: string | undefined) =>
  step(r.log, "Engine, API server, work copy, stand-in charts, file backend (as bun run e2e)", async () => {
    const crds = crdsOption ? ok(crdsOption) : await pinnedCrds(PINNED_CHARTS, {});
    if (crds.isErr()) throw new StepFailure(`${crds.error}\nGive an offline copy with --crds DIR.`);
    const engine = await ensureEngine();
    if (engine.isErr()) throw new StepFailure(engine.error);
    const binaries = await ensureBinaries();
    if (binaries.isErr()) throw new StepFailure(binaries.error);
    const kwok = await ensureKwok();
    if (kwok.isErr()) throw new StepFailure(kwok.error);
    const example = readExample(ROOT);
    if (example.isErr()) throw new StepFailure(example.error.map(formatProblem).join("; "));
    const cluster = await startCluster(binaries.value);
    if (cluster.isErr()) throw new StepFailure(cluster.error);
    r.cluster = cluster.value;
    const clients = connect(cluster.value);
    await createNodes(clients);
    // kwok and the stand-in controllers, as bun run e2e (harness/cluster/controllers.ts).
    cluster.value.controllers.push(startKwok(kwok.value, cluster.value.files, WEBHOOK_GATE_LABEL));
    r.standIns = startStandIns(clients, {
      publishers: example.value.publishers,
      server: { url: cluster.value.server, ca: cluster.value.ca },
    });
    workCopy(ROOT, r.work);
    keepLogsIn(r.log, join(r.temp, "logs"));
    writeStandInCharts(crds.value, join(r.temp, "charts"));
    r.env = pulumiEnv(
      r.io.env,
      throwawayDirs(r.temp, { kubeconfig: cluster.value.files.kubeconfig, engineBin: engine.value.bin }),
    );
    await mustRun(["mkdir", "-p", join(r.temp, "state")], { cwd: r.temp, env: r.env });
    await pulumi(r, installProviderArgs(engine.value.provider));
  });

/** Stack `e2e` of the network layer from the example, as bun run e2e makes it; then deployed by the wrapper. */
const deployLayer = (r: Rehearsal) =>
  step(
    r.log,
    `Create stack ${E2E_STACK} of the ${LAYER} layer from the example; deploy it (the wrapper)`,
    async () => {
      const examples = Object.fromEntries(
        LAYERS.map((layer) => [layer, readStackFileConfig(ROOT, layer, "example").unwrapOr({})]),
      ) as Record<Layer, Record<string, unknown>>;
      const stack = e2eStack(configSchemas, examples);
      writeFileSync(
        join(r.work, `config/${LAYER}/Pulumi.${E2E_STACK}.yaml`),
        stringify({ config: stack.plain[LAYER] }),
      );
      await pulumi(r, ["stack", "init", E2E_STACK, "--cwd", cwd(r)]);
      for (const secret of stack.secrets.filter((setting) => setting.layer === LAYER))
        await pulumi(r, secretArgs(secret, cwd(r)), secret.value);
      const deployed = await wrapper(r, "up", {}, "--yes", "--non-interactive");
      if (deployed.code !== 0)
        throw new StepFailure(`deploy:${LAYER} exited ${deployed.code}`, deployed.output);
      r.io.out(`  ${(await exportState(r)).deployment.resources?.length ?? 0} resources in the state`);
    },
  );

/** `DELETE` of a core object through the run's API server. */
const deleteObject = async (r: Rehearsal, resource: StateResource, method = "DELETE"): Promise<number> => {
  const [namespace, name] = (resource.id as string).split("/");
  const cluster = r.cluster as Cluster;
  const path = `/api/v1/namespaces/${namespace}/${CORE_PLURALS[resource.type]}/${name}`;
  const response = await fetch(`${cluster.server}${path}`, {
    method,
    headers: { Authorization: `Bearer ${cluster.token}` },
    tls: { ca: cluster.ca },
  });
  return response.status;
};

const objectName = (resource: StateResource) => `${resource.type.split(":").at(-1)} ${resource.id}`;

/** Two objects turned into pending creates in the checkpoint; `gone` deleted from the cluster. */
const interrupt = (r: Rehearsal) =>
  step(
    r.log,
    "Interrupt: two objects back to pending creates, as a killed pulumi up leaves them; one deleted",
    async () => {
      const chosen = interruptible((await exportState(r)).deployment.resources ?? []);
      if (!chosen) throw new StepFailure(`the ${LAYER} layer has no two leaf objects to interrupt`);
      const file = join(r.temp, "state/.pulumi/stacks", projectName(LAYER), `${E2E_STACK}.json`);
      const checkpoint = JSON.parse(readFileSync(file, "utf8")) as Checkpoint;
      writeFileSync(
        file,
        JSON.stringify(interruptedCheckpoint(checkpoint, [chosen.kept.urn, chosen.gone.urn])),
      );
      // The blob store's checksum of the old file; without it the file is read as it is.
      rmSync(`${file}.attrs`, { force: true });
      if ((await deleteObject(r, chosen.gone)) !== 200)
        throw new StepFailure(`could not delete ${objectName(chosen.gone)}`);
      const pending = (await exportState(r)).deployment.pending_operations ?? [];
      if (pending.length !== 2)
        throw new StepFailure(`the state holds ${pending.length} pending operations, not 2`);
      r.io.out(
        `  pending creates: ${objectName(chosen.kept)} (in the cluster), ${objectName(chosen.gone)} (deleted)`,
      );
      return chosen;
    },
  );

/** What the operator meets without the wrapper: Pulumi creates the object again, and the API server refuses. */
const plainUpFails = (r: Rehearsal, kept: StateResource) =>
  step(r.log, `A plain pulumi up (no wrapper) of ${objectName(kept)} fails with AlreadyExists`, async () => {
    const plain = await run(["bun", "harness/plainUp.ts", LAYER, E2E_STACK, kept.urn], {
      cwd: r.work,
      env: { ...r.env, ...CLIENT_SIDE_CREATE },
      log: r.log,
    });
    const name = (kept.id as string).split("/")[1];
    if (plain.code === 0 || !plain.output.includes(`"${name}" already exists`))
      throw new StepFailure(`pulumi up did not fail with AlreadyExists on ${objectName(kept)}`, plain.output);
    if (!plain.output.includes("interrupted while creating"))
      throw new StepFailure("pulumi up did not warn about the pending creates", plain.output);
    r.io.out(`  Pulumi: ${plain.output.match(/[^\n]*already exists[^\n]*/)?.[0]?.trim()}`);
  });

/** The wrapper's deploy: both objects resolved by it, the state without pending operations, nothing left to change. */
const deployResumes = (r: Rehearsal, chosen: { kept: StateResource; gone: StateResource }) =>
  step(r.log, `bun run deploy:${LAYER} again: the wrapper resumes by itself`, async () => {
    const deployed = await wrapper(r, "up", CLIENT_SIDE_CREATE, "--yes", "--non-interactive");
    const said = [`${objectName(chosen.kept)}: adopted`, `${objectName(chosen.gone)}: not in the cluster`];
    const missing = said.filter((line) => !deployed.output.includes(line));
    if (deployed.code !== 0 || missing.length > 0)
      throw new StepFailure(
        `deploy:${LAYER} exited ${deployed.code}; missing: ${missing.join("; ")}`,
        deployed.output,
      );
    for (const line of deployed.output.split("\n").filter((text) => said.some((s) => text.includes(s))))
      r.io.out(`  the wrapper said: ${line.trim()}`);
    const after = await exportState(r);
    const ids = new Map((after.deployment.resources ?? []).map((resource) => [resource.urn, resource.id]));
    const wrong = [chosen.kept, chosen.gone].filter((resource) => ids.get(resource.urn) !== resource.id);
    if ((after.deployment.pending_operations ?? []).length > 0 || wrong.length > 0)
      throw new StepFailure(
        `pending operations left, or not in the state: ${wrong.map(objectName).join(", ")}`,
      );
    if ((await deleteObject(r, chosen.gone, "GET")) !== 200)
      throw new StepFailure(`${objectName(chosen.gone)} was not created again`);
    const preview = await wrapper(
      r,
      "preview",
      CLIENT_SIDE_CREATE,
      "--expect-no-changes",
      "--non-interactive",
    );
    if (preview.code !== 0)
      throw new StepFailure("a preview after the resume expects changes", preview.output);
    r.io.out("  no pending operations; both objects in the state and the cluster; a preview changes nothing");
  });

/** Runs the rehearsal; resolves to its exit code (0 passed, 1 failed, 2 a command-line mistake). */
export const main = async (argv: readonly string[], io: CliIo = processIo): Promise<number> => {
  const parsed = readCommandLine(E2E_RESUME, argv, io);
  if (parsed.isErr()) return parsed.error;
  const { values } = parsed.value;
  const crds = typeof values.crds === "string" ? resolve(userFolder(io.env), values.crds) : undefined;
  const problems = crds ? offlineCopyProblems(crds, PINNED_CHARTS) : [];
  if (problems.length > 0) {
    io.err(usageText(E2E_RESUME, problems.join("; ")));
    return 2;
  }
  const temp = mkdtempSync(join(tmpdir(), "homelab-e2e-resume-"));
  const cleanup = () => {
    if (values.keep !== true) rmSync(temp, { recursive: true, force: true });
  };
  stopOnExit(cleanup);
  const r: Rehearsal = { io, log: runLog(io), temp, work: join(temp, "repo"), env: {} };
  const started = Date.now();
  let failed = false;
  try {
    await prepare(r, crds);
    await deployLayer(r);
    const chosen = await interrupt(r);
    await plainUpFails(r, chosen.kept);
    await deployResumes(r, chosen);
  } catch {
    failed = true;
  } finally {
    await r.standIns?.stop();
    await stopCluster();
    cleanup();
  }
  const timings = r.log.timings.map(
    (t) => `${t.name.split(" (")[0]?.split(":")[0]} ${t.seconds.toFixed(0)}s`,
  );
  io.out(`\n${failed ? "FAILED" : "PASSED"}: ${timings.join("; ")}`);
  io.out(`total ${((Date.now() - started) / 1000).toFixed(0)}s${values.keep ? `; kept ${temp}` : ""}`);
  return failed ? 1 : 0;
};

if (isMain(import.meta)) process.exit(await main(process.argv.slice(2)));
