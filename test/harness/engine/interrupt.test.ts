/**
 * The interruption e2e:resume simulates, on the state of a real interrupted deploy
 * (test/lib/pulumi/interruptedState.json): the objects it picks, and the checkpoint it writes,
 * which must hold what a killed `pulumi up` leaves and nothing more.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../../harness/e2eResume.ts";
import { type Checkpoint, interruptedCheckpoint, interruptible } from "../../../harness/engine/interrupt.ts";
import type { ExportedState, StateResource } from "../../../lib/pulumi/pendingCreates.ts";

const exported = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../lib/pulumi/interruptedState.json"), "utf8"),
) as ExportedState;
const resources = exported.deployment.resources ?? [];
const realPending = exported.deployment.pending_operations?.[0];
const CONFIG_MAP = "urn:pulumi:dev::exp::kubernetes:core/v1:ConfigMap::exp-cm";

const checkpoint = (): Checkpoint => ({
  version: 3,
  checkpoint: { stack: "organization/exp/dev", latest: { ...exported.deployment, pending_operations: [] } },
});

test("the interrupted resource has the shape of the real pending create: no ID, outputs or timestamps", () => {
  const state = checkpoint();
  // A finished create also records when it happened; an interrupted one never did.
  state.checkpoint.latest.resources = resources.map((resource) =>
    resource.urn === CONFIG_MAP ? { ...resource, created: "2026-12-08T00:13:51Z" } : resource,
  );
  const latest = interruptedCheckpoint(state, [CONFIG_MAP]).checkpoint.latest;
  expect(latest.resources?.map((resource) => resource.urn)).not.toContain(CONFIG_MAP);
  const op = latest.pending_operations?.[0];
  expect(op?.type).toBe("creating");
  expect(Object.keys(op?.resource ?? {}).sort()).toEqual(Object.keys(realPending?.resource ?? {}).sort());
  expect(latest.manifest).toEqual(exported.deployment.manifest);
});

test("only leaves are picked: the Namespace, which the ConfigMap depends on, never", () => {
  expect(interruptible(resources)).toBeUndefined(); // one leaf only (the ConfigMap)
  const service: StateResource = {
    ...(resources.find((resource) => resource.urn === CONFIG_MAP) as StateResource),
    urn: "urn:pulumi:dev::exp::kubernetes:policy/v1:PodDisruptionBudget::pdb",
    type: "kubernetes:policy/v1:PodDisruptionBudget",
    id: "exp/pdb",
  };
  const chosen = interruptible([...resources, service]);
  expect(chosen?.gone.urn).toBe(CONFIG_MAP);
  expect(chosen?.kept.urn).toBe(service.urn);
});

test("bun run e2e:resume: a command-line mistake stops it before anything starts", async () => {
  const err: string[] = [];
  const io = { out: () => undefined, err: (text: string) => err.push(text), env: {} };
  expect(await main(["--crd", "x"], io)).toBe(2);
  expect(err.join("\n")).toContain("usage: bun run e2e:resume [--crds <dir>] [--keep]");
});
