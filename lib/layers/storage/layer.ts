/**
 * The storage layer as one value: csi-driver-nfs and the `nfs` StorageClass, Longhorn with its
 * recurring jobs in local time, the CSI snapshot controller and Longhorn's backup snapshot class,
 * the CloudNativePG operator; the storage contract (with the database backup schedule); the summary.
 */
import { defineLayer } from "../../core/layer.ts";
import { type StorageConfig, storageConfigSchema } from "./config.ts";
import { LONGHORN_STORAGE_CLASS, LONGHORN_UI_SERVICE, longhornBackupTarget } from "./longhorn.ts";
import { NFS_STORAGE_CLASS } from "./nfs.ts";
import { storagePlan } from "./plan.ts";
import {
  BACKUP_JOB_GROUP,
  type RecurringJobPlan,
  recurringJobPlans,
  scheduleSummary,
  TRIM_JOB_GROUP,
} from "./recurringJobs.ts";
import {
  describeDrift,
  describeZone,
  formatSchedule,
  type PlannedSchedule,
  planSchedule,
  type ScheduleZone,
  scheduleZone,
  sixFieldCron,
} from "./schedule.ts";
import { LONGHORN_BACKUP_SNAPSHOT_CLASS } from "./snapshots.ts";
import { LONGHORN } from "./versions.ts";

/**
 * The storage contract: names the later layers use, and where backups go; beyond it, for the
 * operator and the drawing, each recurring job's groups and local time.
 */
const storageExports = (
  config: StorageConfig,
  plans: readonly RecurringJobPlan[],
  zone: ScheduleZone,
  databaseBackup: PlannedSchedule,
) => ({
  nfsStorageClass: NFS_STORAGE_CLASS,
  longhornStorageClass: LONGHORN_STORAGE_CLASS,
  backupJobGroup: BACKUP_JOB_GROUP,
  trimJobGroup: TRIM_JOB_GROUP,
  nfsServer: config.nfsHostname,
  nfsSharePath: config.nfsSharePath,
  backupTarget: longhornBackupTarget(config),
  databaseSnapshotClass: LONGHORN_BACKUP_SNAPSHOT_CLASS,
  databaseBackupCron: sixFieldCron(databaseBackup),
  longhornNamespace: LONGHORN.namespace,
  longhornUiService: LONGHORN_UI_SERVICE,
  recurringJobs: plans.map((plan) => ({
    name: plan.name,
    task: plan.task,
    groups: plan.groups,
    localTime: formatSchedule(plan.schedule.local),
  })),
  localTimeZone: describeZone(zone),
  databaseBackupLocalTime: formatSchedule(databaseBackup.local),
});

const storageSummary = (
  config: StorageConfig,
  plans: RecurringJobPlan[],
  zone: ScheduleZone,
  databaseBackup: PlannedSchedule,
): string[] => [
  `NFS StorageClass ${NFS_STORAGE_CLASS}: ${config.nfsHostname}:${config.nfsSharePath}/<namespace>/<claim> (Retain)`,
  `Longhorn StorageClass ${LONGHORN_STORAGE_CLASS} (default, Retain, ${config.longhornReplicaCount} replicas), backups to ${longhornBackupTarget(config)}`,
  ...scheduleSummary(plans, zone),
  `Database backups (CloudNativePG volume snapshots of class ${LONGHORN_BACKUP_SNAPSHOT_CLASS}, Longhorn backups on the NAS): ${formatSchedule(databaseBackup.local)} local, cron "${sixFieldCron(databaseBackup)}" (UTC, ${formatSchedule(databaseBackup.utc)}), ${describeDrift(databaseBackup)}`,
];

export const storageLayer = defineLayer({
  layer: "storage",
  schema: storageConfigSchema,
  reads: {},
  // The recurring jobs in UTC, once: the plan and the summary both read them. Zone rules are
  // sampled over the run's year (a zone that changes its rules changes the cron).
  evaluate: (config, _reads, run) => {
    const zone = scheduleZone(config, run.year);
    const plans = recurringJobPlans(config, zone);
    const databaseBackup = planSchedule(config.databaseBackupSchedule, zone);
    return storagePlan(config, plans, databaseBackup).map((plan) => ({
      plan,
      exports: storageExports(config, plans, zone, databaseBackup),
      summary: storageSummary(config, plans, zone, databaseBackup),
      notices: [],
    }));
  },
});
