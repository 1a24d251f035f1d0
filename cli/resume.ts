/**
 * Before `up` of a layer (cli/pulumi.ts): an interrupted deploy's pending creates resolved, or the
 * deploy stopped with the exact commands. The decisions are lib/pulumi/pendingCreates.ts's; this
 * file runs them through the Environment's Pulumi CLI, so the inline end-to-end path
 * (harness/e2eInline.ts) resumes exactly as a user's deploy does: neither `stack export`/`import`
 * nor a refresh without `--run-program` runs the layer's program.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Layer } from "../lib/core/layerNames.ts";
import {
  adoptionOutcome,
  type Decision,
  type ExportedState,
  readExportedState,
  resumePlan,
} from "../lib/pulumi/pendingCreates.ts";

type Env = Record<string, string | undefined>;

/** What resume needs of cli/pulumi.ts's Environment (the same object; declared here to avoid a cycle). */
export interface ResumeEnvironment {
  run(argv: string[], env: Env): Promise<number>;
  capture(argv: string[], env?: Env): Promise<string | undefined>;
  log(line: string): void;
}

export interface LayerStack {
  layer: Layer;
  stack: string;
  /** programs/<layer>, absolute. */
  cwd: string;
}

const stackArgs = (target: LayerStack) => ["--stack", target.stack, "--cwd", target.cwd];

/** The commands an operator types from the repository root. */
const shown = (target: LayerStack) => `--stack ${target.stack} --cwd programs/${target.layer}`;

const exported = async (
  environment: ResumeEnvironment,
  target: LayerStack,
  env: Env,
): Promise<ExportedState | undefined> => {
  const text = await environment.capture(["pulumi", "stack", "export", ...stackArgs(target)], env);
  return text === undefined ? undefined : readExportedState(text);
};

const planLine = (decision: Decision): string =>
  decision.action === "adopt"
    ? `  ${decision.object}: adopting it if it is in the cluster (${decision.urn})`
    : decision.action === "drop"
      ? `  ${decision.object}: dropping the pending create, ${decision.why}`
      : `  ${decision.object}: NOT resolved, ${decision.why} (${decision.urn})`;

/** A killed deploy leaves a file backend's stack locked; `pulumi cancel` removes the lock (measured). */
const unlock = (target: LayerStack): string =>
  `If Pulumi says the stack is locked and no deploy is running: pulumi cancel --yes ${shown(target)}`;

/**
 * The way out by hand (each command measured against the real engine; README, "If a deploy was
 * interrupted"). Clearing drops every pending create, so with Kubernetes objects among them
 * (which would then fail with AlreadyExists) the README's adoption by hand is the way.
 */
const byHand = (target: LayerStack, decisions: readonly Decision[]): string => {
  const lock = unlock(target);
  if (decisions.some((decision) => decision.action === "adopt"))
    return [
      "Delete each object marked NOT resolved where it exists and holds nothing you need (the deploy creates it",
      "again); clearing the pending creates would also drop the Kubernetes objects above, so adopt those and drop",
      "the others by hand as the README shows (If a deploy was interrupted), then deploy again.",
      lock,
    ].join("\n");
  return [
    "Look whether each object above exists. Where none does, drop the pending creates and deploy again:",
    `  pulumi refresh --clear-pending-creates --yes ${shown(target)}`,
    `  bun run deploy:${target.layer} --stack ${target.stack}`,
    "Where one exists, do the same after deleting it only if it holds nothing you need (a DNS record, a",
    "ConfigMap); to keep it, adopt it by hand as the README shows (If a deploy was interrupted).",
    lock,
  ].join("\n");
};

/** The plan's state, imported: the adopted resources in, every pending operation out. */
const importState = async (
  environment: ResumeEnvironment,
  target: LayerStack,
  env: Env,
  state: ExportedState,
): Promise<number> => {
  // The export holds secrets only as ciphertext; the file is still the operator's alone, and removed.
  const dir = mkdtempSync(join(tmpdir(), "homelab-resume-"));
  try {
    const file = join(dir, "state.json");
    writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
    return await environment.run(["pulumi", "stack", "import", ...stackArgs(target), "--file", file], env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** The refresh that reads each adopted object by its ID, then what it found, said per object. */
const readAdopted = async (
  environment: ResumeEnvironment,
  target: LayerStack,
  env: Env,
  adopted: Decision[],
): Promise<boolean> => {
  const targets = adopted.flatMap((decision) => ["--target", decision.urn]);
  const refresh = ["pulumi", "refresh", "--yes", "--skip-preview", ...stackArgs(target), ...targets];
  const { log } = environment;
  if ((await environment.run(refresh, env)) !== 0) {
    log(
      `The refresh of the adopted object(s) failed; they are in the state with their IDs, not yet read.\n` +
        `Run it again, then deploy: pulumi refresh --yes ${shown(target)} ${targets.join(" ")}`,
    );
    return false;
  }
  const after = await exported(environment, target, env);
  if (!after) return true;
  const { found, gone } = adoptionOutcome(adopted, after);
  for (const decision of found)
    log(`  ${decision.object}: adopted (it is in the cluster; up updates it if the program differs)`);
  for (const decision of gone)
    log(`  ${decision.object}: not in the cluster, dropped from the state; up creates it`);
  return true;
};

/**
 * Resolves the pending creates an interrupted deploy left in the layer's stack, saying what it
 * does per object; false (with the commands to run by hand) when the deploy must not go on.
 * A state that cannot be read is left to `up`, which reports why.
 */
export const resumeInterrupted = async (
  environment: ResumeEnvironment,
  target: LayerStack,
  env: Env,
): Promise<boolean> => {
  const state = await exported(environment, target, env);
  const plan = state && resumePlan(state);
  if (!plan) return true;
  const { log } = environment;
  log(
    `The last deploy of the ${target.layer} layer (stack ${target.stack}) was interrupted while creating ` +
      `${plan.decisions.length} object(s); Pulumi would create them again and fail where they exist:`,
  );
  for (const decision of plan.decisions) log(planLine(decision));
  if (!plan.state) {
    log(`\nPulumi up was not run.\n${byHand(target, plan.decisions)}`);
    return false;
  }
  if ((await importState(environment, target, env, plan.state)) !== 0) {
    log(
      `\nThe state could not be imported (Pulumi said why above); nothing changed: fix that and deploy again.\n${unlock(target)}`,
    );
    return false;
  }
  const adopted = plan.decisions.filter((decision) => decision.action === "adopt");
  return adopted.length === 0 || readAdopted(environment, target, env, adopted);
};
