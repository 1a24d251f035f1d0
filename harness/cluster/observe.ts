/**
 * Reads back what the controllers did with the applied objects: pods created (Pod Security) and
 * scheduled (taints) for each Deployment and StatefulSet, and whether each claim bound.
 */
import type { Clients } from "./api.ts";
import type { ManifestObject } from "./manifests.ts";
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

interface PodLike extends Owned {
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: { state?: { terminated?: { reason?: string; message?: string } } }[];
  };
}

/** A Job's pod: Succeeded; any other: Running and Ready. */
const podReady =
  (kind: string) =>
  (pod: PodLike): boolean =>
    kind === "Job"
      ? pod.status?.phase === "Succeeded"
      : pod.status?.phase === "Running" &&
        (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");

/** Why a scheduled pod is not Ready: a terminated container's reason and message, or its Ready condition's. */
const notReadyReason = (pod: PodLike): string | undefined => {
  const terminated = pod.status?.containerStatuses?.find((s) => s.state?.terminated)?.state?.terminated;
  if (terminated)
    return `${terminated.reason ?? "terminated"}${terminated.message ? `: ${terminated.message}` : ""}`;
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready" && c.status !== "True");
  return ready ? `${ready.reason ?? "not Ready"}${ready.message ? `: ${ready.message}` : ""}` : undefined;
};

interface EventLike {
  involvedObject: { kind?: string; name?: string; namespace?: string };
  reason?: string;
  message?: string;
  lastTimestamp?: Date | string;
}

const eventTime = (event: EventLike): number => new Date(event.lastTimestamp ?? 0).getTime();

export interface Snapshot {
  workloads: (Owned & { kind: string; spec?: { replicas?: number; parallelism?: number } })[];
  replicaSets: Owned[];
  pods: PodLike[];
  events: EventLike[];
  claims: (ClaimLike & Owned)[];
  /** Names of the PersistentVolumes. */
  volumes: string[];
  classes: StorageClassLike[];
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
  const scheduled = pods.filter((pod) => pod.spec?.nodeName);
  return {
    name: `${workload.kind} ${workload.namespace}/${workload.name}`,
    desired: workload.desired,
    created: pods.length,
    scheduled: scheduled.length,
    ready: pods.filter(podReady(workload.kind)).length,
    readyError: scheduled
      .filter((pod) => !podReady(workload.kind)(pod))
      .map(notReadyReason)
      .find(Boolean),
    createError: failedCreate.at(-1)?.message,
    scheduleError: unschedulable?.message,
  };
};

/** A claim's state, judged by how it should bind: to its named volume, or through a provisioner. */
export const claimState = (claim: ClaimLike, snapshot: Snapshot): ClaimState => {
  const bound = claim.status?.phase === "Bound";
  const name = claimName(claim);
  if (isStaticClaim(claim)) {
    const volume = claim.spec?.volumeName ?? "";
    const exists = snapshot.volumes.includes(volume);
    return {
      name,
      kind: "static",
      bound,
      waiting: !bound && exists,
      detail: exists ? volume : `${volume}, which does not exist`,
    };
  }
  const className = claim.spec?.storageClassName;
  const storageClass = snapshot.classes.find((candidate) => candidate.metadata.name === className);
  if (storageClass && (SIMULATED_PROVISIONERS as readonly string[]).includes(storageClass.provisioner))
    return { name, kind: "simulated", bound, waiting: !bound, detail: storageClass.metadata.name };
  const hasDefault = snapshot.classes.some(
    (candidate) => candidate.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true",
  );
  // A claim without a class gets the default one once it exists (the PV controller assigns it).
  if (!className)
    return {
      name,
      kind: "unprovisioned",
      bound,
      waiting: !bound && hasDefault,
      detail: "it names no storage class and there is no default class",
    };
  const detail = storageClass
    ? `no provisioner for class ${className} (${storageClass.provisioner}) runs in this check`
    : `storage class ${className} does not exist`;
  return { name, kind: "unprovisioned", bound, waiting: false, detail };
};

/** Kinds whose controller creates pods, so Pod Security and the scheduler judge them after apply. */
const WORKLOAD_KINDS = new Set(["apps/v1 Deployment", "apps/v1 StatefulSet", "batch/v1 Job"]);

const isWorkload = (object: ManifestObject): boolean =>
  WORKLOAD_KINDS.has(`${object.apiVersion} ${object.kind}`);

const sameObject = (object: ManifestObject) => (item: Owned) =>
  item.metadata?.name === object.metadata.name &&
  item.metadata?.namespace === (object.metadata.namespace ?? "default");

/** Workload and claim states of one layer's accepted objects in the snapshot. */
export const observeLayer = (
  accepted: readonly ManifestObject[],
  snapshot: Snapshot,
): { workloads: WorkloadState[]; claims: ClaimState[] } => ({
  workloads: accepted.filter(isWorkload).flatMap((object) => {
    const live = snapshot.workloads.find((item) => item.kind === object.kind && sameObject(object)(item));
    if (!live) return [];
    const { namespace = "default", name = "", uid = "" } = live.metadata ?? {};
    return [
      workloadState(
        {
          kind: object.kind,
          namespace,
          name,
          uid,
          desired: live.spec?.replicas ?? live.spec?.parallelism ?? 1,
        },
        snapshot,
      ),
    ];
  }),
  claims: accepted
    .filter((object) => object.kind === "PersistentVolumeClaim")
    .flatMap((object) =>
      snapshot.claims.filter(sameObject(object)).map((claim) => claimState(claim as ClaimLike, snapshot)),
    ),
});

/**
 * Every Deployment, StatefulSet and Job of the snapshot whose pods are not all Ready (a Job's: not
 * Succeeded), each with the reason its pods give: refused at creation, not scheduled, not Ready.
 */
export const unreadyWorkloads = (snapshot: Snapshot): string[] =>
  snapshot.workloads.flatMap((live) => {
    const { namespace = "default", name = "", uid = "" } = live.metadata ?? {};
    const desired = live.spec?.replicas ?? live.spec?.parallelism ?? 1;
    const state = workloadState({ kind: live.kind, namespace, name, uid, desired }, snapshot);
    if (state.ready >= state.desired) return [];
    const why = state.createError ?? state.scheduleError ?? state.readyError ?? "no pod Ready yet";
    return [`${state.name}: ${state.ready}/${state.desired} pods Ready: ${why}`];
  });

/** Everything observed in one go, so all layers are judged against the same moment. */
export const takeSnapshot = async (clients: Clients): Promise<Snapshot> => {
  const [deployments, statefulSets, jobs, replicaSets, pods, events, claims, volumes, classes] =
    await Promise.all([
      clients.apps.listDeploymentForAllNamespaces(),
      clients.apps.listStatefulSetForAllNamespaces(),
      clients.batch.listJobForAllNamespaces(),
      clients.apps.listReplicaSetForAllNamespaces(),
      clients.core.listPodForAllNamespaces(),
      clients.core.listEventForAllNamespaces(),
      clients.core.listPersistentVolumeClaimForAllNamespaces(),
      clients.core.listPersistentVolume(),
      clients.storage.listStorageClass(),
    ]);
  return {
    workloads: [
      ...deployments.items.map((item) => ({ ...item, kind: "Deployment" })),
      ...statefulSets.items.map((item) => ({ ...item, kind: "StatefulSet" })),
      ...jobs.items.map((item) => ({ ...item, kind: "Job" })),
    ],
    replicaSets: replicaSets.items,
    pods: pods.items as PodLike[],
    events: events.items as EventLike[],
    claims: claims.items as (ClaimLike & Owned)[],
    volumes: volumes.items.map((volume) => volume.metadata?.name ?? ""),
    classes: classes.items as StorageClassLike[],
  };
};
