/**
 * Reads back what the controllers did with the applied objects: pods created (Pod Security) and
 * scheduled (taints) for each Deployment and StatefulSet, and whether each claim bound.
 */
import {
  type EventLike,
  type Owned,
  type PodLike,
  type WorkloadObjects,
  type WorkloadState,
  workloadOf,
  workloadState,
} from "../../lib/k8s/health.ts";
import type { Clients } from "./api.ts";
import type { ManifestObject } from "./manifests.ts";
import type { ClaimState } from "./report.ts";
import {
  type ClaimLike,
  claimName,
  isStaticClaim,
  SIMULATED_PROVISIONERS,
  type StorageClassLike,
} from "./storage.ts";

/** Everything observed at one moment: the workloads and their pods (lib/k8s/health.ts), and the storage. */
export interface Snapshot extends WorkloadObjects {
  claims: (ClaimLike & Owned)[];
  /** Names of the PersistentVolumes. */
  volumes: string[];
  classes: StorageClassLike[];
}

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
    return live ? [workloadState(workloadOf(live), snapshot)] : [];
  }),
  claims: accepted
    .filter((object) => object.kind === "PersistentVolumeClaim")
    .flatMap((object) =>
      snapshot.claims.filter(sameObject(object)).map((claim) => claimState(claim as ClaimLike, snapshot)),
    ),
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
