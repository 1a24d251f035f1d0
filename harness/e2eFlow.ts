/**
 * The steps of `bun run e2e` once the cluster and the work copies are ready, in order: the
 * recorded release deployed (its first deploy meets a webhook that does not serve yet, stops at
 * the gate, and the same deploy then succeeds), the upgrade to HEAD judged from the engine's plan
 * and deployed, then the checks of HEAD and the planted defects.
 */
import { LAYERS } from "../lib/core/layerNames.ts";
import {
  addApp,
  createStacks,
  dataSafety,
  deploy,
  deployAll,
  deployFailsAtGate,
  type E2eContext,
  expectAllReady,
  expectNoChanges,
  onlyBuiltPlugin,
} from "./e2eChecks.ts";
import { carryStacks, judgePlan, plantedClaimReplace, plantedNeverReady } from "./e2eRehearsals.ts";
import { RESTORE, restoreDatabase } from "./e2eRestore.ts";
import { type RunLog, step } from "./e2eSteps.ts";
import { ADDED_APP, E2E_STACK, type E2eStack } from "./engine/e2eStack.ts";

interface Contexts {
  head: E2eContext;
  /** The recorded release's work copy, on the same cluster and state. */
  release: E2eContext;
  commit: string;
  /** Where the engine's events are kept. */
  temp: string;
}

export const runChecks = async (
  log: RunLog,
  { head, release, commit, temp }: Contexts,
  stacks: { head: E2eStack; release: E2eStack },
): Promise<void> => {
  const short = commit.slice(0, 12);
  await step(
    log,
    `Release ${short} (guard/upgrade-from): create stack ${E2E_STACK} in each layer from its example; every secret with --secret`,
    () => createStacks(release, stacks.release),
  );
  await step(
    log,
    `A failed step: bun run deploy --stack ${E2E_STACK} meets MetalLB's webhook not serving yet; it stops at the gate, naming it and the fix`,
    () => deployFailsAtGate(release),
  );
  await step(
    log,
    `The same bun run deploy --stack ${E2E_STACK}, nothing done by hand (all four layers, our own script, real StackReferences)`,
    () => deployAll(release),
  );
  await step(
    log,
    `Upgrade ${short} → HEAD, layer by layer as bun run deploy goes: each layer's plan from the engine (preview --diff) judged, no data lost, then deployed`,
    async () => {
      await carryStacks(release, head, stacks.release, stacks.head);
      // One layer at a time: a later layer's preview reads the outputs HEAD's earlier layers add.
      for (const layer of LAYERS) {
        await judgePlan(head, [layer], temp);
        await deploy(head, layer);
      }
      await expectAllReady(head);
    },
  );
  await step(log, "pulumi preview --expect-no-changes on every layer (a second deploy changes nothing)", () =>
    expectNoChanges(head),
  );
  await step(log, `Add ${ADDED_APP.file}, name it in apps, deploy:apps`, () => addApp(head, stacks.head));
  await step(log, `Restore a database as code in ${RESTORE.file}, deploy:apps`, () => restoreDatabase(head));
  await step(
    log,
    "Planted defect: a change that replaces a claim fails the upgrade rehearsal, naming the claim and the field",
    () => plantedClaimReplace(head, temp),
  );
  await step(
    log,
    "Planted defect: a Deployment whose pods can never become Ready fails the deploy with the pod's reason",
    () => plantedNeverReady(head),
  );
  await step(
    log,
    "Data safety: destroy:apps refuses without --confirm-data-loss; with it, Pulumi stops at protected claims and deletes nothing",
    () => dataSafety(head),
  );
  await step(log, "Nothing was downloaded: the only plugin is the one built here", () =>
    onlyBuiltPlugin(head),
  );
};
