/**
 * CSI volume snapshots for CloudNativePG's backups: the snapshot controller (Piraeus' chart, which
 * also installs the snapshot CRDs) and one VolumeSnapshotClass for Longhorn whose snapshots are
 * Longhorn *backups* in the NFS backup target, so every database backup lands on the NAS.
 */
import type { CustomObject } from "../../core/plan.ts";
import { layerLabels } from "../../k8s/labels.ts";
import { CONTROL_PLANE_TOLERATION } from "../../k8s/talos.ts";

/** The class CloudNativePG's `backup.volumeSnapshot.className` names (storage contract). */
export const LONGHORN_BACKUP_SNAPSHOT_CLASS = "longhorn-backup";

/** Longhorn's CSI driver name (the `longhorn` StorageClass's provisioner). */
const LONGHORN_CSI_DRIVER = "driver.longhorn.io";

/**
 * Longhorn 1.12.1 docs, snapshots-and-backups/csi-snapshot-support/
 * csi-volume-snapshot-associated-with-longhorn-backup: parameter `type: bak` makes each CSI
 * snapshot a Longhorn backup in the backup target (incremental unless `backupMode: full`).
 * `deletionPolicy: Delete`: deleting a VolumeSnapshot deletes its content and so the Longhorn
 * backup on the NAS (longhorn-manager v1.12.1 csi/controller_server.go, DeleteSnapshot), which is
 * how retention prunes (backupPruner.ts). The cost, stated in the README: deleting an app's
 * namespace by hand deletes these backups of its database; the Longhorn recurring backups of the
 * same volumes (crash-consistent, in the backup job group) are not tied to any object and remain.
 */
export const longhornBackupSnapshotClass = (): CustomObject => ({
  apiVersion: "snapshot.storage.k8s.io/v1",
  kind: "VolumeSnapshotClass",
  metadata: { name: LONGHORN_BACKUP_SNAPSHOT_CLASS, labels: layerLabels("storage") },
  driver: LONGHORN_CSI_DRIVER,
  deletionPolicy: "Delete",
  parameters: { type: "bak" },
});

/**
 * Chart values (snapshot-controller 5.2.0 values.yaml): the CRDs from the chart, one
 * leader-elected controller on the control-plane nodes, no conversion webhook (only needed for
 * group snapshots of API versions older than the chart's), no snapshot classes of the chart's.
 */
export const snapshotControllerValues = () => ({
  installCRDs: true,
  controller: {
    replicaCount: 1,
    tolerations: [CONTROL_PLANE_TOLERATION],
    resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
  },
  webhook: { enabled: false },
  volumeSnapshotClasses: [],
});
