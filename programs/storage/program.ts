/**
 * The storage layer's Pulumi edge: the plan of lib/storage/plan.ts (csi-driver-nfs and the `nfs`
 * StorageClass, Longhorn with its recurring jobs in local time, the CloudNativePG operator)
 * through the shared edge, and the storage contract.
 */
import type { ContractExports, storageContract } from "../../lib/contracts.ts";
import { defineProgram } from "../../lib/pulumi/program.ts";
import type { StorageConfig } from "../../lib/storage/config.ts";
import {
  LONGHORN_STORAGE_CLASS,
  LONGHORN_UI_SERVICE,
  longhornBackupTarget,
} from "../../lib/storage/longhorn.ts";
import { NFS_STORAGE_CLASS } from "../../lib/storage/nfs.ts";
import { storagePlan } from "../../lib/storage/plan.ts";
import {
  BACKUP_JOB_GROUP,
  recurringJobPlans,
  scheduleSummary,
  TRIM_JOB_GROUP,
} from "../../lib/storage/recurringJobs.ts";
import { scheduleZone } from "../../lib/storage/schedule.ts";
import { LONGHORN } from "../../lib/storage/versions.ts";

/** Zone rules are sampled over the current year (a zone that changes its rules changes the cron). */
const currentYear = (): number => new Date().getUTCFullYear();

const jobPlans = (config: StorageConfig) => {
  const zone = scheduleZone(config, currentYear());
  return { zone, plans: recurringJobPlans(config, zone) };
};

export const storageProgram = defineProgram({
  layer: "storage",
  reads: {},
  run: ({ config, createPlan }): ContractExports<typeof storageContract> => {
    createPlan(storagePlan(config, jobPlans(config).plans));
    return {
      nfsStorageClass: NFS_STORAGE_CLASS,
      longhornStorageClass: LONGHORN_STORAGE_CLASS,
      backupJobGroup: BACKUP_JOB_GROUP,
      trimJobGroup: TRIM_JOB_GROUP,
      nfsServer: config.nfsHostname,
      backupTarget: longhornBackupTarget(config),
      longhornNamespace: LONGHORN.namespace,
      longhornUiService: LONGHORN_UI_SERVICE,
    };
  },
  summarize: ({ config }) => {
    const { zone, plans } = jobPlans(config);
    return [
      `NFS StorageClass ${NFS_STORAGE_CLASS}: ${config.nfsHostname}:${config.nfsSharePath}/<namespace>/<claim> (Retain)`,
      `Longhorn StorageClass ${LONGHORN_STORAGE_CLASS} (default, Retain, ${config.longhornReplicaCount} replicas), backups to ${longhornBackupTarget(config)}`,
      ...scheduleSummary(plans, zone),
    ];
  },
});
