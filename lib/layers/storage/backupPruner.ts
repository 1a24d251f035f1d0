/**
 * Retention of database backups. CloudNativePG prunes nothing for volume-snapshot backups
 * (cloudnative-pg v1.30.0 docs/src/backup.md: volume snapshots "Do not support retention
 * policies"; `retentionPolicy` applies only to object stores), so a CronJob does: an hour after the
 * database backups it keeps, per ScheduledBackup, the newest `retain` completed Backups and
 * deletes every Backup older than those. A deleted Backup takes its VolumeSnapshot with it
 * (`snapshotOwnerReference: backup`), whose content the class deletes (`deletionPolicy: Delete`),
 * which makes Longhorn's CSI driver delete the backup from the NAS (longhorn-manager v1.12.1
 * csi/controller_server.go, DeleteSnapshot: type `bak` → cleanupBackup). Backups made by hand (no
 * `cnpg.io/scheduled-backup` label) are never touched, nor is a Backup a Cluster restores from
 * (`spec.bootstrap.recovery.backup.name`, what lib/app/restore.ts declares): deleting it would fail
 * that restore, in progress or made again.
 */
import type { PlannedObject } from "../../core/plan.ts";
import { plannedObject } from "../../core/plan.ts";
import { bunProgramPod, programFiles } from "../../k8s/bunProgram.ts";
import { configMapObject } from "../../k8s/config.ts";
import { layerLabels } from "../../k8s/labels.ts";
import { namespaceId } from "../../k8s/namespace.ts";
import { clusterRoleBindingObject, clusterRoleObject, serviceAccountObject } from "../../k8s/rbac.ts";
import { cronJobObject } from "../../k8s/workload.ts";

export const BACKUP_PRUNER = "database-backup-pruner";

/** The program (./pruner/: the decision, pure, and the I/O around it), as the pod runs it. */
export const PRUNER_FILES = programFiles(new URL("./pruner/", import.meta.url), ["prune.ts", "retention.ts"]);
const ENTRY = "prune.ts";

/** The pod's command line: Bun runs ./pruner/prune.ts from the ConfigMap with `retain`. */
export const prunerArgs = (retain: number): string[] => {
  if (!Number.isInteger(retain) || retain < 1) throw new Error("retain must be a whole number >= 1");
  return [String(retain)];
};

/**
 * Its ServiceAccount, the right to list and delete Backups and to list Clusters (to keep what they
 * restore from), the program's ConfigMap, and the
 * CronJob at `schedule` (UTC). A changed program reaches the next run: a pod mounts the ConfigMap
 * as it is when the pod starts.
 */
export const backupPruner = (options: {
  namespace: string;
  schedule: string;
  retain: number;
}): PlannedObject[] => {
  const { namespace } = options;
  const labels = layerLabels("storage");
  const home = namespaceId(namespace);
  const account = plannedObject(serviceAccountObject(BACKUP_PRUNER, namespace, labels), [home]);
  const role = plannedObject(
    clusterRoleObject(
      BACKUP_PRUNER,
      [
        { apiGroups: ["postgresql.cnpg.io"], resources: ["backups"], verbs: ["list", "delete"] },
        { apiGroups: ["postgresql.cnpg.io"], resources: ["clusters"], verbs: ["list"] },
      ],
      labels,
    ),
  );
  const binding = plannedObject(
    clusterRoleBindingObject(BACKUP_PRUNER, BACKUP_PRUNER, { name: BACKUP_PRUNER, namespace }, labels),
    [account.id, role.id],
  );
  const config = plannedObject(configMapObject({ name: BACKUP_PRUNER, namespace, labels }, PRUNER_FILES), [
    home,
  ]);
  const template = bunProgramPod({
    name: BACKUP_PRUNER,
    container: "prune",
    folder: "pruner",
    entry: ENTRY,
    args: prunerArgs(options.retain),
    inputs: [],
  });
  const cronJob = cronJobObject(
    { name: BACKUP_PRUNER, namespace, labels },
    {
      schedule: options.schedule,
      timeZone: "Etc/UTC",
      template,
      restartPolicy: "Never",
      backoffLimit: 2,
      activeDeadlineSeconds: 600,
    },
  );
  return [account, role, binding, config, plannedObject(cronJob, [home, binding.id, config.id])];
};
