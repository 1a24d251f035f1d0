/** Claims: a Longhorn claim in recurring-job groups, and a static NFS PersistentVolume bound to its claim. */
import type { CoreObject } from "../core/plan.ts";
import { recurringJobGroupLabels } from "./longhorn.ts";

/** The csi-driver-nfs driver name (the storage layer installs it under this name). */
export const NFS_DRIVER = "nfs.csi.k8s.io";
/** Talos runs no rpc.statd, so NFSv3 would need `nolock`; NFSv4.1 needs neither statd nor lockd. */
export const NFS_MOUNT_OPTIONS: readonly string[] = ["nfsvers=4.1"];

export interface LonghornClaimOptions {
  name: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  storageClass: string;
  size: string;
  /** Longhorn recurring-job groups the volume joins (the storage contract's backup and trim groups). */
  jobGroups: readonly string[];
}

export const longhornClaim = (options: LonghornClaimOptions): CoreObject<"v1/PersistentVolumeClaim"> => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: {
    name: options.name,
    namespace: options.namespace,
    labels: { ...options.labels, ...recurringJobGroupLabels(options.jobGroups) },
  },
  spec: {
    accessModes: ["ReadWriteOnce"],
    storageClassName: options.storageClass,
    volumeMode: "Filesystem",
    resources: { requests: { storage: options.size } },
  },
});

export interface NfsVolumePairOptions {
  /** Names the cluster-scoped PersistentVolume: unique across the cluster. */
  volumeName: string;
  claimName: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  server: string;
  /** Absolute path of the export on `server`. */
  path: string;
  readOnly: boolean;
  /** Nominal capacity (NFS ignores it; binding needs one). */
  size: string;
}

/** A PersistentVolume and the claim it is reserved for, bound to each other by name (Retain). */
export const nfsVolumePair = (
  options: NfsVolumePairOptions,
): { volume: CoreObject<"v1/PersistentVolume">; claim: CoreObject<"v1/PersistentVolumeClaim"> } => {
  const accessModes = [options.readOnly ? "ReadOnlyMany" : "ReadWriteMany"];
  const volume: CoreObject<"v1/PersistentVolume"> = {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: options.volumeName, labels: { ...options.labels } },
    spec: {
      capacity: { storage: options.size },
      accessModes,
      persistentVolumeReclaimPolicy: "Retain",
      // "" on both sides: no StorageClass, so nothing provisions dynamically; the two bind by name.
      storageClassName: "",
      volumeMode: "Filesystem",
      mountOptions: [...NFS_MOUNT_OPTIONS],
      claimRef: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        namespace: options.namespace,
        name: options.claimName,
      },
      csi: {
        driver: NFS_DRIVER,
        volumeHandle: `${options.server}${options.path}#${options.volumeName}`,
        readOnly: options.readOnly,
        volumeAttributes: { server: options.server, share: options.path },
      },
    },
  };
  const claim: CoreObject<"v1/PersistentVolumeClaim"> = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: options.claimName, namespace: options.namespace, labels: { ...options.labels } },
    spec: {
      accessModes,
      storageClassName: "",
      volumeMode: "Filesystem",
      volumeName: options.volumeName,
      resources: { requests: { storage: options.size } },
    },
  };
  return { volume, claim };
};
