/**
 * The rehearsals of `bun run e2e` besides the first deploy: the upgrade from the recorded release
 * to HEAD (its stacks carried over, the engine's plan read and judged, harness/e2eUpgrade.ts), and
 * the planted defects each rehearsal must catch, through the same functions, with the real engine.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { LAYERS, type Layer } from "../lib/core/layerNames.ts";
import { deploy, type E2eContext, selectApp, setSecrets, stackFile, wrapped } from "./e2eChecks.ts";
import { AWAIT_SECONDS_ENV, ENGINE_EVENTS_ENV } from "./e2eInline.ts";
import { run, StepFailure } from "./e2eSteps.ts";
import { dataLosses, type PlannedStep, plannedSteps, protectedRefusals } from "./e2eUpgrade.ts";
import type { E2eStack } from "./engine/e2eStack.ts";

/**
 * HEAD's stack files over the release's state, as an operator keeps theirs: each file's
 * encryption salt kept, its config HEAD's example, every secret set again with the value the
 * release had for it (a new one keeps the value HEAD's example made).
 */
export const carryStacks = async (
  from: E2eContext,
  to: E2eContext,
  released: E2eStack,
  head: E2eStack,
): Promise<void> => {
  for (const layer of LAYERS) {
    const old = parse(readFileSync(stackFile(from, layer), "utf8")) as { encryptionsalt?: string };
    writeFileSync(
      stackFile(to, layer),
      stringify({ encryptionsalt: old.encryptionsalt, config: head.plain[layer] }),
    );
  }
  const kept = new Map(released.secrets.map((secret) => [`${secret.layer}:${secret.path}`, secret.value]));
  await setSecrets(to, {
    ...head,
    secrets: head.secrets.map((secret) => ({
      ...secret,
      value: kept.get(`${secret.layer}:${secret.path}`) ?? secret.value,
    })),
  });
};

/** One layer's `preview --diff` through the deploy wrapper, with the engine's events kept. */
const previewWithEvents = async (context: E2eContext, layer: Layer, events: string) => {
  rmSync(events, { force: true });
  writeFileSync(events, "");
  const preview = await run(wrapped("preview", layer, "--", "--diff", "--non-interactive"), {
    cwd: context.work,
    env: { ...context.env, [ENGINE_EVENTS_ENV]: events },
    log: context.log,
  });
  const lines = readFileSync(events, "utf8");
  return { preview, steps: plannedSteps(lines), refusals: protectedRefusals(lines) };
};

const stepLine = (step: PlannedStep) =>
  `${step.op} ${step.object}${step.fields.length > 0 ? ` (${step.fields.join(", ")})` : ""}`;

/**
 * The engine's plan of `layers` (preview --diff), printed; throws naming each replace or delete of
 * something that holds data and the fields that force it, and on any preview that failed.
 */
export const judgePlan = async (
  context: E2eContext,
  layers: readonly Layer[],
  temp: string,
): Promise<void> => {
  const losses: string[] = [];
  // The layers' previews at once: a preview only reads the other layers' state.
  const previews = await Promise.all(
    layers.map((layer) => previewWithEvents(context, layer, join(temp, `${layer}.events`))),
  );
  for (const [index, layer] of layers.entries()) {
    const { preview, steps, refusals } = previews[index] ?? {
      preview: { code: 1, output: "" },
      steps: [],
      refusals: [],
    };
    context.log.io.out(
      `  ${layer}: ${steps.length === 0 ? "no changes" : `${steps.length} step(s): ${steps.map(stepLine).join("; ")}`}`,
    );
    // The engine also refuses a protected one in a diagnostic; its step says more (the fields).
    const found = dataLosses(steps);
    losses.push(...(found.length > 0 ? found : refusals).map((loss) => `${layer}: ${loss}`));
    if (preview.code !== 0 && losses.length === 0)
      throw new StepFailure(`the preview of ${layer} failed (exit ${preview.code})`, preview.output);
  }
  if (losses.length > 0)
    throw new StepFailure(
      `the upgrade would replace or delete what holds data:\n${losses.map((l) => `    ${l}`).join("\n")}`,
    );
  context.log.io.out(
    "  no replace or delete of a claim, volume, storage class, database or their namespaces",
  );
};

/** The planted claim change: the demo app's claim moved to another storage class, a field Kubernetes will not change in place. */
const PLANTED_CLAIM = {
  file: "programs/apps/apps/demo.ts",
  from: 'withNfsVolume({ name: "data", folder: "demo", mountPath: "/data" })',
  to: 'withLonghornVolume({ name: "data", size: "1Gi", mountPath: "/data" })',
  claim: "persistentvolumeclaim/demo/demo-data",
};

/**
 * A change that replaces a claim must fail the upgrade rehearsal, naming the claim and the field:
 * the demo app's claim is planted on another class in the work copy, the apps layer's plan judged
 * by judgePlan, and the file put back.
 */
export const plantedClaimReplace = async (context: E2eContext, temp: string): Promise<void> => {
  const file = join(context.work, PLANTED_CLAIM.file);
  const original = readFileSync(file, "utf8");
  if (!original.includes(PLANTED_CLAIM.from))
    throw new StepFailure(`${PLANTED_CLAIM.file} no longer has ${PLANTED_CLAIM.from}`);
  writeFileSync(
    file,
    original.replace(PLANTED_CLAIM.from, PLANTED_CLAIM.to).replace("withNfsVolume,", "withLonghornVolume,"),
  );
  try {
    await judgePlan(context, ["apps"], temp);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (
      !(error instanceof StepFailure) ||
      !message.includes(PLANTED_CLAIM.claim) ||
      !message.includes("storageClassName")
    )
      throw error;
    context.log.io.out(`  caught: ${message.replace(/\s+/g, " ").trim()}`);
    return;
  } finally {
    writeFileSync(file, original);
  }
  throw new StepFailure("the planted claim replacement was not caught by the upgrade rehearsal");
};

/** The planted never-Ready app: its pod asks for more CPU than any node has, so it is never scheduled. */
const NEVER_READY = {
  name: "e2e-never-ready",
  file: "programs/apps/apps/e2e-never-ready.ts",
  source: [
    'import { app, pipe, withResources } from "../../../lib/app/index.ts";',
    "",
    "// Planted by bun run e2e: no node has 64 CPUs, so its pod is never scheduled, never Ready.",
    "export default pipe(",
    '  app("e2e-never-ready", { image: "traefik/whoami:v1.11.0", port: 80 }),',
    '  withResources({ requests: { cpu: "64" }, limits: { cpu: "64" } }),',
    ");",
    "",
  ].join("\n"),
  reason: "Insufficient cpu",
  awaitSeconds: "10",
};

/**
 * A Deployment whose pods can never become Ready must fail the deploy with the pod's reason:
 * the app planted, `bun run deploy:apps` run by the rehearsal's own deploy step with the
 * provider's await cut to 10 s (its default is 10 minutes); the failure must name the Deployment
 * and what the scheduler said of its pod.
 */
export const plantedNeverReady = async (context: E2eContext): Promise<void> => {
  const file = join(context.work, NEVER_READY.file);
  writeFileSync(file, NEVER_READY.source);
  await selectApp(context, NEVER_READY.name);
  try {
    await deploy(context, "apps", { [AWAIT_SECONDS_ENV]: NEVER_READY.awaitSeconds });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const named =
      message.includes(`Deployment ${NEVER_READY.name}/${NEVER_READY.name}`) &&
      message.includes(NEVER_READY.reason);
    if (!(error instanceof StepFailure) || !named) throw error;
    context.log.io.out(`  caught: ${message.replace(/\s+/g, " ").trim()}`);
    return;
  } finally {
    rmSync(file, { force: true });
  }
  throw new StepFailure("the never-Ready Deployment was deployed");
};
