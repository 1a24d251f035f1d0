/**
 * csi-driver-nfs and the `nfs` StorageClass: one subfolder per claim under `nfs_share_path` on the
 * NAS, kept when the claim goes away (reclaim Retain, and the driver told to retain on delete too).
 */
import { NFS_DRIVER, NFS_MOUNT_OPTIONS } from "../k8s/claims.ts";
import type { KubeObject } from "../plan.ts";

export const NFS_STORAGE_CLASS = "nfs";
export const NFS_PROVISIONER = NFS_DRIVER;
/** csi-driver-nfs expands these per claim: `<namespace>/<claim name>`, stable across re-creation. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: csi-driver-nfs placeholders, not JavaScript.
export const NFS_SUBDIR = "${pvc.metadata.namespace}/${pvc.metadata.name}";

export interface StorageClassObject extends KubeObject {
  apiVersion: "storage.k8s.io/v1";
  kind: "StorageClass";
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  provisioner: string;
  reclaimPolicy: "Retain";
  volumeBindingMode: "Immediate" | "WaitForFirstConsumer";
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
  parameters: Record<string, string>;
}

export const nfsStorageClass = (config: {
  readonly nfsHostname: string;
  readonly nfsSharePath: string;
}): StorageClassObject => ({
  apiVersion: "storage.k8s.io/v1",
  kind: "StorageClass",
  metadata: {
    name: NFS_STORAGE_CLASS,
    labels: { "app.kubernetes.io/part-of": "homelab-storage" },
  },
  provisioner: NFS_PROVISIONER,
  reclaimPolicy: "Retain",
  volumeBindingMode: "Immediate",
  mountOptions: [...NFS_MOUNT_OPTIONS],
  parameters: {
    server: config.nfsHostname,
    share: config.nfsSharePath,
    subDir: NFS_SUBDIR,
    // Only reached if a PV's policy is changed to Delete by hand: keep the folder even then.
    onDelete: "retain",
  },
});

/**
 * Chart values (csi-driver-nfs 4.13.4 values.yaml). The controller's default tolerations already
 * cover control-plane taints and the node DaemonSet tolerates everything; one controller replica
 * (more need as many nodes, since it uses hostNetwork and a fixed health port). The StorageClass is
 * our own object, not the chart's.
 */
export const csiDriverNfsValues = () => ({
  controller: { replicas: 1 },
  externalSnapshotter: { enabled: false },
  storageClass: { create: false },
  driver: { name: NFS_PROVISIONER },
});
