/**
 * The storage layer's Pulumi edge: csi-driver-nfs + the `nfs` StorageClass, Longhorn with its
 * recurring jobs, and the CloudNativePG operator. Every value comes from the pure builders in
 * lib/storage; this file only turns them into resources, with names, order and protection.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ContractExports, storageContract } from "../../lib/contracts.ts";
import { defineProgram } from "../../lib/pulumi/program.ts";
import { cloudnativePgValues, cnpgNamespace } from "../../lib/storage/cloudnativePg.ts";
import type { StorageConfig } from "../../lib/storage/config.ts";
import {
  LONGHORN_STORAGE_CLASS,
  LONGHORN_UI_SERVICE,
  longhornBackupTarget,
  longhornNamespace,
  longhornValues,
} from "../../lib/storage/longhorn.ts";
import { csiDriverNfsValues, NFS_STORAGE_CLASS, nfsStorageClass } from "../../lib/storage/nfs.ts";
import {
  BACKUP_JOB_GROUP,
  checkRecurringJobName,
  recurringJob,
  recurringJobPlans,
  scheduleSummary,
  TRIM_JOB_GROUP,
} from "../../lib/storage/recurringJobs.ts";
import { scheduleZone } from "../../lib/storage/schedule.ts";
import { type ChartPin, CLOUDNATIVE_PG, CSI_DRIVER_NFS, LONGHORN } from "../../lib/storage/versions.ts";

/** Zone rules are sampled over the current year (a zone that changes its rules changes the cron). */
const currentYear = (): number => new Date().getUTCFullYear();

const jobPlans = (config: StorageConfig) => {
  const zone = scheduleZone(config, currentYear());
  return { zone, plans: recurringJobPlans(config, zone) };
};

/** State lives here: never delete it with the stack, never replace it. */
const KEEP: pulumi.CustomResourceOptions = { protect: true, retainOnDelete: true };

const chart = (pin: ChartPin, values: object, opts: pulumi.ComponentResourceOptions): k8s.helm.v4.Chart =>
  new k8s.helm.v4.Chart(
    pin.release,
    {
      name: pin.release,
      chart: pin.chart,
      version: pin.version,
      namespace: pin.namespace,
      repositoryOpts: { repo: pin.repo },
      values,
    },
    opts,
  );

export const storageProgram = defineProgram({
  layer: "storage",
  reads: {},
  run: ({ config }): ContractExports<typeof storageContract> => {
    // ---- NFS: driver in kube-system (exempt from Pod Security), our own Retain StorageClass.
    const nfsDriver = chart(CSI_DRIVER_NFS, csiDriverNfsValues(), {});
    new k8s.storage.v1.StorageClass("nfs-storage-class", nfsStorageClass(config), {
      dependsOn: [nfsDriver],
    });

    // ---- Longhorn: deleting its namespace or CRDs would delete every volume's metadata.
    const longhornNs = new k8s.core.v1.Namespace("longhorn-system", longhornNamespace(), KEEP);
    const longhorn = chart(LONGHORN, longhornValues(config), { ...KEEP, dependsOn: [longhornNs] });

    const { plans } = jobPlans(config);
    for (const plan of plans) {
      const name = checkRecurringJobName(plan.name);
      if (name.isErr()) throw new Error(`storage: recurring job ${name.error}`);
      new k8s.apiextensions.CustomResource(`recurring-job-${plan.name}`, recurringJob(plan), {
        dependsOn: [longhorn],
      });
    }

    // ---- CloudNativePG operator: its CRDs own every Postgres cluster, so keep it like Longhorn.
    const cnpgNs = new k8s.core.v1.Namespace("cnpg-system", cnpgNamespace(), KEEP);
    chart(CLOUDNATIVE_PG, cloudnativePgValues(), { ...KEEP, dependsOn: [cnpgNs] });

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
