/**
 * verify:cluster stands in for the storage provisioners the charts would run: for a pending claim
 * of Longhorn's or the NFS driver's class it creates the PersistentVolume the driver would, and
 * the report calls it simulated. Longhorn's class itself comes from a ConfigMap in its chart;
 * it is made here from the release's values the way that template does.
 */
import type { ManifestObject } from "./manifests.ts";

export const SIMULATED_PROVISIONERS = ["driver.longhorn.io", "nfs.csi.k8s.io"] as const;

export interface StorageClassLike {
  metadata: { name: string; annotations?: Record<string, string> };
  provisioner: string;
  reclaimPolicy?: string;
}

export interface ClaimLike {
  metadata: { name: string; namespace?: string; uid?: string };
  spec?: {
    storageClassName?: string | null;
    volumeName?: string;
    accessModes?: string[];
    volumeMode?: string;
    resources?: { requests?: { storage?: string } };
  };
  status?: { phase?: string };
}

interface LonghornValues {
  persistence?: { defaultClass?: boolean; reclaimPolicy?: string; defaultClassReplicaCount?: number };
}

/**
 * The `longhorn` StorageClass of the chart's storageclass ConfigMap, with the chart's defaults
 * (default class, reclaim Delete, 3 replicas) where the values leave them out.
 */
export const longhornStorageClass = (values: LonghornValues): ManifestObject => {
  const persistence = values.persistence ?? {};
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: {
      name: "longhorn",
      annotations: {
        "storageclass.kubernetes.io/is-default-class": String(persistence.defaultClass ?? true),
      },
    },
    provisioner: "driver.longhorn.io",
    allowVolumeExpansion: true,
    reclaimPolicy: persistence.reclaimPolicy ?? "Delete",
    volumeBindingMode: "Immediate",
    parameters: { numberOfReplicas: String(persistence.defaultClassReplicaCount ?? 3) },
  };
};

/** `namespace/name` of a claim. */
export const claimName = (claim: ClaimLike): string =>
  `${claim.metadata.namespace ?? ""}/${claim.metadata.name}`;

/** A claim names its PersistentVolume itself: nothing provisions it, it must bind to that volume. */
export const isStaticClaim = (claim: ClaimLike): boolean => Boolean(claim.spec?.volumeName);

/** The class a pending dynamic claim waits for, if verify:cluster stands in for its provisioner. */
export const simulatedClassOf = (
  claim: ClaimLike,
  classes: readonly StorageClassLike[],
): StorageClassLike | undefined => {
  // A claim without a class waits for the PV controller to give it the default one, as on a real cluster.
  if (isStaticClaim(claim) || claim.status?.phase === "Bound") return undefined;
  const name = claim.spec?.storageClassName;
  const storageClass = classes.find((candidate) => candidate.metadata.name === name);
  return storageClass && (SIMULATED_PROVISIONERS as readonly string[]).includes(storageClass.provisioner)
    ? storageClass
    : undefined;
};

/** The PersistentVolume the class's CSI driver would create for the claim, bound to it by uid. */
export const volumeForClaim = (claim: ClaimLike, storageClass: StorageClassLike): ManifestObject => {
  const name = `pvc-${claim.metadata.uid ?? claim.metadata.name}`;
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: {
      name,
      annotations: {
        "pv.kubernetes.io/provisioned-by": storageClass.provisioner,
        "homelab.dev/simulated-by": "verify:cluster",
      },
    },
    spec: {
      accessModes: claim.spec?.accessModes ?? ["ReadWriteOnce"],
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? "1Gi" },
      claimRef: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        namespace: claim.metadata.namespace,
        name: claim.metadata.name,
        uid: claim.metadata.uid,
      },
      csi: { driver: storageClass.provisioner, volumeHandle: name },
      persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? "Delete",
      storageClassName: storageClass.metadata.name,
      volumeMode: claim.spec?.volumeMode ?? "Filesystem",
    },
  };
};
