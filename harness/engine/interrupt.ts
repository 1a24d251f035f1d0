/**
 * The interruption `bun run e2e:resume` simulates, in the file backend's checkpoint: resources of
 * a deployed stack turned back into the pending CREATEs a killed `pulumi up` leaves. The shape was
 * read from a real one (a `pulumi up` killed with SIGKILL while the Kubernetes provider awaited a
 * Deployment it had created, Pulumi 3.274.0): the operation `{ resource, type: "creating" }`, the
 * resource with its inputs, parent, provider and dependencies but no ID, outputs or timestamps.
 * `pulumi stack import` cannot make one: it drops every pending operation (pulumi/pulumi
 * pkg@v3.274.0 cmd/pulumi/stack/io.go), hence the checkpoint file, which the file backend keeps at
 * `.pulumi/stacks/<project>/<stack>.json` as `{ version, checkpoint: { stack, latest } }`.
 */
import type { PendingOperation, StateResource } from "../../lib/pulumi/pendingCreates.ts";

export interface Checkpoint {
  version: number;
  checkpoint: {
    latest: {
      resources?: StateResource[];
      pending_operations?: PendingOperation[];
      [field: string]: unknown;
    };
    [field: string]: unknown;
  };
}

/** Kinds the rehearsal can delete through the core API, by their resource path segment. */
export const CORE_PLURALS: Readonly<Record<string, string>> = {
  "kubernetes:core/v1:ConfigMap": "configmaps",
  "kubernetes:core/v1:Secret": "secrets",
  "kubernetes:core/v1:ServiceAccount": "serviceaccounts",
  "kubernetes:core/v1:Service": "services",
};

const providerUrn = (reference: string): string => reference.slice(0, reference.lastIndexOf("::"));

/** URNs some resource points at: an interrupted create never has anything pointing at it. */
const referenced = (resources: readonly StateResource[]): Set<string> =>
  new Set(
    resources.flatMap((resource) => [
      ...(resource.parent ? [resource.parent] : []),
      ...(resource.provider ? [providerUrn(resource.provider)] : []),
      ...(resource.dependencies ?? []),
      ...Object.values(resource.propertyDependencies ?? {}).flat(),
      ...(resource.deletedWith ? [resource.deletedWith] : []),
    ]),
  );

/**
 * Two namespaced Kubernetes objects nothing depends on: `kept` stays in the cluster (the deploy
 * reached the API server), `gone` is one the rehearsal can delete (it never got there).
 */
export const interruptible = (
  resources: readonly StateResource[],
): { kept: StateResource; gone: StateResource } | undefined => {
  const pointedAt = referenced(resources);
  const leaves = resources.filter(
    (resource) =>
      resource.custom === true &&
      resource.type.startsWith("kubernetes:") &&
      typeof resource.id === "string" &&
      resource.id.includes("/") &&
      !pointedAt.has(resource.urn),
  );
  const gone = leaves.find((resource) => CORE_PLURALS[resource.type]);
  const kept = leaves.find((resource) => resource !== gone && resource.type !== gone?.type);
  return gone && kept ? { kept, gone } : undefined;
};

/** The checkpoint with those resources turned into pending creates, as a killed deploy leaves them. */
export const interruptedCheckpoint = (checkpoint: Checkpoint, urns: readonly string[]): Checkpoint => {
  const { latest } = checkpoint.checkpoint;
  const resources = latest.resources ?? [];
  const pending = resources
    .filter((resource) => urns.includes(resource.urn))
    .map(({ id: _id, outputs: _o, created: _c, modified: _m, initErrors: _i, ...resource }) => ({
      resource: resource as StateResource,
      type: "creating",
    }));
  return {
    ...checkpoint,
    checkpoint: {
      ...checkpoint.checkpoint,
      latest: {
        ...latest,
        resources: resources.filter((resource) => !urns.includes(resource.urn)),
        pending_operations: [...(latest.pending_operations ?? []), ...pending],
      },
    },
  };
};
