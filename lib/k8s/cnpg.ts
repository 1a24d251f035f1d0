/**
 * The CloudNativePG `Cluster` and `ScheduledBackup` (postgresql.cnpg.io/v1): custom resources of
 * the chart the storage layer installs. Their builders live here, below every layer, like the
 * Longhorn facts: any layer after storage may create one, and its defaults hold wherever it is built.
 * Fields are those of the CRDs of chart cloudnative-pg 0.29.0 (operator 1.30.0,
 * ../shared/reference/crds/cloudnative-pg-0.29.0).
 */
import type { CustomObject, ObjectMeta } from "../core/plan.ts";
import { CONTROL_PLANE_TOLERATION } from "./talos.ts";

/** How a Cluster's data starts: an empty database, or a copy of one of its own backups. */
export type PostgresBootstrap =
  | { kind: "initdb" }
  /** A CloudNativePG `Backup` of the same namespace (a volume-snapshot backup of the source database). */
  | { kind: "recovery"; backup: string };

export interface PostgresClusterOptions {
  instances: number;
  /** The PostgreSQL image (its major version is the data's: the volume guard watches it). */
  image: string;
  /** The database created at bootstrap, owned by a role of the same name. */
  database: string;
  size: string;
  storageClass: string;
  /** Labels the operator copies onto the instance claims (and pods). */
  claimLabels: Readonly<Record<string, string>>;
  bootstrap: PostgresBootstrap;
  /** The VolumeSnapshotClass of its volume-snapshot backups; none: no backups are configured. */
  snapshotClass?: string;
}

/**
 * `spec.bootstrap`. A recovery names the app's database and owner again: CloudNativePG copies them
 * from the backup, then (once promoted) makes sure they exist and gives the owner the password of
 * the new `<cluster>-app` secret (cloudnative-pg v1.30.0 docs/src/recovery.md, "Configure the
 * application database"; "Recovery from a Backup object": `recovery.backup.name`).
 */
const bootstrapOf = (options: PostgresClusterOptions) =>
  options.bootstrap.kind === "initdb"
    ? { initdb: { database: options.database, owner: options.database } }
    : {
        recovery: {
          backup: { name: options.bootstrap.backup },
          database: options.database,
          owner: options.database,
        },
      };

/**
 * `spec.backup.volumeSnapshot` (cloudnative-pg v1.30.0 docs/src/appendixes/backup_volumesnapshot.md):
 * online (hot) backups with an immediate checkpoint so a night-time backup does not wait for the
 * next one. Without a WAL archive the archiver succeeds at once (pkg/management/postgres/archiver/
 * archiver.go: "Backup not configured, skip WAL archiving"), so `waitForArchive` cannot hang.
 * `snapshotOwnerReference: backup`: a snapshot belongs to its Backup, so deleting the Backup (what
 * retention does, lib/layers/storage/backupPruner.ts) deletes the snapshot and, through the
 * class's deletionPolicy, the Longhorn backup; deleting the Cluster deletes neither.
 */
const backupOf = (snapshotClass: string) => ({
  volumeSnapshot: {
    className: snapshotClass,
    online: true,
    onlineConfiguration: { immediateCheckpoint: true, waitForArchive: true },
    snapshotOwnerReference: "backup",
  },
});

export const postgresClusterObject = (
  metadata: ObjectMeta,
  options: PostgresClusterOptions,
): CustomObject => ({
  apiVersion: "postgresql.cnpg.io/v1",
  kind: "Cluster",
  metadata,
  spec: {
    instances: options.instances,
    imageName: options.image,
    // A single instance with a PodDisruptionBudget would block every node drain (e.g. Talos upgrades).
    enablePDB: options.instances > 1,
    enableSuperuserAccess: false,
    bootstrap: bootstrapOf(options),
    storage: { size: options.size, storageClass: options.storageClass },
    ...(options.snapshotClass === undefined ? {} : { backup: backupOf(options.snapshotClass) }),
    // The operator places instance and job pods only through this, not through a pod template.
    affinity: { tolerations: [CONTROL_PLANE_TOLERATION] },
    inheritedMetadata: { labels: { ...options.claimLabels } },
  },
});

export interface ScheduledBackupOptions {
  cluster: string;
  /** Six-field cron in UTC, seconds first (robfig/cron, as the CRD's `schedule` says). */
  schedule: string;
}

/**
 * A ScheduledBackup of `method: volumeSnapshot`. `immediate`: the first backup is taken as soon as
 * the cluster exists, so a new (or restored) database is never without one until the first night.
 * `backupOwnerReference: none` keeps the Backup objects (and with them the record of what a
 * restore can name) when the schedule is removed. Each Backup it creates is named
 * `<scheduled backup>-<time>` and labelled `cnpg.io/cluster` and `cnpg.io/scheduled-backup`
 * (cloudnative-pg v1.30.0 internal/controller/scheduledbackup_controller.go, createBackup).
 */
export const scheduledBackupObject = (
  metadata: ObjectMeta,
  options: ScheduledBackupOptions,
): CustomObject => ({
  apiVersion: "postgresql.cnpg.io/v1",
  kind: "ScheduledBackup",
  metadata,
  spec: {
    cluster: { name: options.cluster },
    method: "volumeSnapshot",
    schedule: options.schedule,
    immediate: true,
    backupOwnerReference: "none",
  },
});
