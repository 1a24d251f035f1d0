/**
 * The storage layer as a plan (lib/core/plan.ts): csi-driver-nfs and the `nfs` StorageClass, Longhorn
 * with its recurring jobs, the CSI snapshot controller and Longhorn's backup snapshot class, and the
 * CloudNativePG operator, in order and with protection.
 */
import { Result } from "neverthrow";
import { type Plan, type PlannedRelease, plannedObject, plannedRelease } from "../../core/plan.ts";
import type { Problem } from "../../core/problem.ts";
import { webhookGate } from "../../k8s/webhookGate.ts";
import { backupPruner } from "./backupPruner.ts";
import { cloudnativePgValues, cnpgNamespace } from "./cloudnativePg.ts";
import type { StorageConfig } from "./config.ts";
import { longhornNamespace, longhornValues } from "./longhorn.ts";
import { csiDriverNfsValues, nfsStorageClass } from "./nfs.ts";
import { checkRecurringJobName, type RecurringJobPlan, recurringJob } from "./recurringJobs.ts";
import { cronLater, type PlannedSchedule } from "./schedule.ts";
import { longhornBackupSnapshotClass, snapshotControllerValues } from "./snapshots.ts";
import { type ChartPin, CLOUDNATIVE_PG, CSI_DRIVER_NFS, LONGHORN, SNAPSHOT_CONTROLLER } from "./versions.ts";

/** A pinned chart's release (the pin names the release, its namespace and the chart). */
const release = (
  pin: ChartPin,
  values: Record<string, unknown>,
  after: string[],
  stateful = false,
): PlannedRelease =>
  plannedRelease(
    {
      name: pin.release,
      namespace: pin.namespace,
      chart: { chart: pin.chart, version: pin.version, repo: pin.repo, facts: pin.facts },
      values,
    },
    after,
    stateful,
  );

/** Job names are checked here, so a name Longhorn would reject never reaches the cluster. */
export const storagePlan = (
  config: StorageConfig,
  jobs: readonly RecurringJobPlan[],
  databaseBackup: PlannedSchedule,
): Result<Plan, Problem[]> =>
  Result.combineWithAllErrors(jobs.map((job) => checkRecurringJobName(job.name))).map(() =>
    plannedStorage(config, jobs, databaseBackup),
  );

const plannedStorage = (
  config: StorageConfig,
  jobs: readonly RecurringJobPlan[],
  databaseBackup: PlannedSchedule,
): Plan => {
  // Deleting Longhorn's or CloudNativePG's namespace or chart deletes their CRDs, and with them
  // every volume's or database's metadata: both are kept like the data itself.
  const longhornNs = plannedObject(longhornNamespace(), [], true);
  const cnpgNs = plannedObject(cnpgNamespace(), [], true);
  const nfsDriver = release(CSI_DRIVER_NFS, csiDriverNfsValues(), []);
  const longhorn = release(LONGHORN, longhornValues(config), [longhornNs.id], true);
  const cnpg = release(CLOUDNATIVE_PG, cloudnativePgValues(), [cnpgNs.id], true);
  // Deleting the chart would delete the snapshot CRDs, and with them every VolumeSnapshot that
  // records a database backup: kept like the data. The controller runs in kube-system (no PSA).
  const snapshots = release(SNAPSHOT_CONTROLLER, snapshotControllerValues(), [], true);
  // Whether longhorn-manager's readiness implies its webhook serves is not known: gate it. The
  // probe is a real job under a name of its own, valid as the real ones are.
  const gate = webhookGate({
    name: "longhorn",
    namespace: LONGHORN.namespace,
    after: [longhorn.id],
    probes: jobs.slice(0, 1).map((job) => recurringJob({ ...job, name: "webhook-probe" })),
  });
  return {
    releases: [nfsDriver, longhorn, snapshots, cnpg],
    objects: [
      // The driver lives in kube-system, which Talos exempts from Pod Security.
      plannedObject(nfsStorageClass(config), [nfsDriver.id]),
      longhornNs,
      ...gate.objects,
      ...jobs.map((job) => plannedObject(recurringJob(job), [gate.job])),
      plannedObject(longhornBackupSnapshotClass(), [snapshots.id, longhorn.id]),
      cnpgNs,
      // An hour after the database backups, so the night's backup counts among those kept.
      ...backupPruner({
        namespace: CLOUDNATIVE_PG.namespace,
        schedule: cronLater(databaseBackup, 60),
        retain: config.databaseBackupRetain,
      }),
    ],
  };
};
