/**
 * csi-driver-nfs and the `nfs` StorageClass: one subfolder per claim under `nfs_share_path` on the
 * NAS, kept when the claim goes away (reclaim Retain, and the driver told to retain on delete too).
 */
import { NFS_DRIVER, NFS_MOUNT_OPTIONS } from "../../k8s/claims.ts";
import { layerLabels } from "../../k8s/labels.ts";
import { type StorageClassObject, storageClassObject } from "../../k8s/storageClass.ts";

export const NFS_STORAGE_CLASS = "nfs";
const NFS_PROVISIONER = NFS_DRIVER;
/** csi-driver-nfs expands these per claim: `<namespace>/<claim name>`, stable across re-creation. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: csi-driver-nfs placeholders, not JavaScript.
const NFS_SUBDIR = "${pvc.metadata.namespace}/${pvc.metadata.name}";

export const nfsStorageClass = (config: {
  readonly nfsHostname: string;
  readonly nfsSharePath: string;
}): StorageClassObject =>
  storageClassObject(
    { name: NFS_STORAGE_CLASS, labels: layerLabels("storage") },
    {
      provisioner: NFS_PROVISIONER,
      reclaimPolicy: "Retain",
      volumeBindingMode: "Immediate",
      mountOptions: NFS_MOUNT_OPTIONS,
      parameters: {
        server: config.nfsHostname,
        share: config.nfsSharePath,
        subDir: NFS_SUBDIR,
        // Only reached if a PV's policy is changed to Delete by hand: keep the folder even then.
        onDelete: "retain",
      },
    },
  );

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
