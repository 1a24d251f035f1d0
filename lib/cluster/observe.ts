/**
 * Reads back what the controllers did with the applied objects: pods created (Pod Security) and
 * scheduled (taints) for each Deployment and StatefulSet, and whether each claim bound.
 */
import type { Clients } from "./api.ts";
import type { KubeObject } from "./manifests.ts";
import type { ClaimState, WorkloadState } from "./report.ts";
import {
  type ClaimLike,
  claimName,
  isStaticClaim,
  SIMULATED_PROVISIONERS,
  type StorageClassLike,
} from "./storage.ts";

interface Owned {
  metadata?: { uid?: string; name?: string; namespace?: string; ownerReferences?: { uid: string }[] };
}

export interface PodLike extends Owned {
  spec?: { nodeName?: string };
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

export interface EventLike {
  involvedObject: { kind?: string; name?: string; namespace?: string };
  reason?: string;
  message?: string;
  lastTimestamp?: Date | string;
}

const eventTime = (event: EventLike): number => new Date(event.lastTimestamp ?? 0).getTime();

export interface Snapshot {
  replicaSets: Owned[];
  pods: PodLike[];
  events: EventLike[];
}

const ownedBy = (item: Owned, uids: ReadonlySet<string>): boolean =>
  (item.metadata?.ownerReferences ?? []).some((owner) => uids.has(owner.uid));

/** Where a Deployment's or StatefulSet's pods got to, and the message that stopped them. */
export const workloadState = (
  workload: { kind: string; namespace: string; name: string; uid: string; desired: number },
  snapshot: Snapshot,
): WorkloadState => {
  // A Deployment creates pods through ReplicaSets; a StatefulSet creates them itself.
  const replicaSets = snapshot.replicaSets.filter((set) => ownedBy(set, new Set([workload.uid])));
  const creators = new Set([workload.uid, ...replicaSets.map((set) => set.metadata?.uid ?? "")]);
  const creatorNames = new Set([workload.name, ...replicaSets.map((set) => set.metadata?.name ?? "")]);
  const pods = snapshot.pods.filter((pod) => ownedBy(pod, creators));
  const failedCreate = snapshot.events
    .filter(
      (event) =>
        event.reason === "FailedCreate" &&
        event.involvedObject.namespace === workload.namespace &&
        creatorNames.has(event.involvedObject.name ?? ""),
    )
    .sort((a, b) => eventTime(a) - eventTime(b));
  const unschedulable = pods
    .flatMap((pod) => pod.status?.conditions ?? [])
    .find((condition) => condition.type === "PodScheduled" && condition.status === "False");
  return {
    name: `${workload.kind} ${workload.namespace}/${workload.name}`,
    desired: workload.desired,
    created: pods.length,
    scheduled: pods.filter((pod) => pod.spec?.nodeName).length,
    createError: failedCreate.at(-1)?.message,
    scheduleError: unschedulable?.message,
  };
};

/** A claim's state, judged by how it should bind: to its named volume, or through a provisioner. */
export const claimState = (claim: ClaimLike, classes: readonly StorageClassLike[]): ClaimState => {
  const bound = claim.status?.phase === "Bound";
  const name = claimName(claim);
  if (isStaticClaim(claim)) return { name, kind: "static", bound, detail: claim.spec?.volumeName ?? "" };
  const className = claim.spec?.storageClassName;
  const storageClass = classes.find((candidate) => candidate.metadata.name === className);
  if (storageClass && (SIMULATED_PROVISIONERS as readonly string[]).includes(storageClass.provisioner))
    return { name, kind: "simulated", bound, detail: storageClass.metadata.name };
  const detail = !className
    ? "it names no storage class and no default class existed when it was created"
    : storageClass
      ? `no provisioner for class ${className} (${storageClass.provisioner}) runs in this check`
      : `storage class ${className} does not exist`;
  return { name, kind: "unprovisioned", bound, detail };
};

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet"]);

export const isWorkload = (object: KubeObject): boolean =>
  WORKLOAD_KINDS.has(object.kind) && object.apiVersion === "apps/v1";

/** Workload and claim states of one layer's accepted objects, read from the server now. */
export const observeLayer = async (
  clients: Clients,
  accepted: readonly KubeObject[],
  snapshot: Snapshot,
  classes: readonly StorageClassLike[],
): Promise<{ workloads: WorkloadState[]; claims: ClaimState[] }> => {
  const workloads: WorkloadState[] = [];
  const claims: ClaimState[] = [];
  for (const object of accepted) {
    const namespace = object.metadata.namespace ?? "default";
    const name = object.metadata.name;
    if (isWorkload(object)) {
      const live =
        object.kind === "Deployment"
          ? await clients.apps.readNamespacedDeployment({ name, namespace })
          : await clients.apps.readNamespacedStatefulSet({ name, namespace });
      const uid = live.metadata?.uid ?? "";
      workloads.push(
        workloadState(
          { kind: object.kind, namespace, name, uid, desired: live.spec?.replicas ?? 1 },
          snapshot,
        ),
      );
    } else if (object.kind === "PersistentVolumeClaim") {
      const live = await clients.core.readNamespacedPersistentVolumeClaim({ name, namespace });
      claims.push(claimState(live as ClaimLike, classes));
    }
  }
  return { workloads, claims };
};

export const takeSnapshot = async (clients: Clients): Promise<Snapshot> => {
  const [replicaSets, pods, events] = await Promise.all([
    clients.apps.listReplicaSetForAllNamespaces(),
    clients.core.listPodForAllNamespaces(),
    clients.core.listEventForAllNamespaces(),
  ]);
  return {
    replicaSets: replicaSets.items,
    pods: pods.items as PodLike[],
    events: events.items as EventLike[],
  };
};
