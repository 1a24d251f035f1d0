/**
 * An app's data: its volumes (a Longhorn claim in the storage contract's job groups, or a static
 * NFS volume and its claim) and its CloudNativePG Cluster, all on the storage contract.
 */
import type { StorageContract } from "../core/contracts.ts";
import type { CoreObject, CustomObject } from "../core/plan.ts";
import { longhornClaim, nfsVolumePair } from "../k8s/claims.ts";
import { type PostgresBootstrap, postgresClusterObject, scheduledBackupObject } from "../k8s/cnpg.ts";
import { partOfLabel } from "../k8s/labels.ts";
import { recurringJobGroupLabels } from "../k8s/longhorn.ts";
import { commonLabels, names, type RenderContext } from "./renderNames.ts";
import type { AppSpec, PostgresSpec, Volume } from "./spec.ts";
import { POSTGRES_IMAGE } from "./versions.ts";

/** Every volume is trimmed; those marked for backup are backed up too. */
const jobGroups = (storage: StorageContract, backup: boolean): string[] =>
  backup ? [storage.trimJobGroup, storage.backupJobGroup] : [storage.trimJobGroup];

/** A volume's claim, and for NFS the PersistentVolume reserved for it. */
export const appVolume = (
  spec: AppSpec,
  volume: Volume,
  storage: StorageContract,
  context: RenderContext,
): { volume?: CoreObject<"v1/PersistentVolume">; claim: CoreObject<"v1/PersistentVolumeClaim"> } => {
  const labels = commonLabels(spec, context);
  return volume.kind === "nfs"
    ? nfsVolumePair({
        volumeName: names(spec).persistentVolume(volume),
        claimName: names(spec).claim(volume),
        namespace: names(spec).namespace,
        labels,
        server: storage.nfsServer,
        path: volume.path ?? `${storage.nfsSharePath}/${volume.folder}`,
        readOnly: volume.readOnly,
        size: volume.size,
      })
    : {
        claim: longhornClaim({
          name: names(spec).claim(volume),
          namespace: names(spec).namespace,
          labels,
          storageClass: storage.longhornStorageClass,
          size: volume.size,
          jobGroups: jobGroups(storage, volume.backup),
        }),
      };
};

/**
 * The app's CloudNativePG Clusters: the live one and, with a restore, the copy bootstrapped from
 * the named backup. Their labels reach the instance claims, so Longhorn backs them up and trims
 * them like app volumes; not `managed-by`: the operator sets its own on the claims and would fight
 * ours each reconcile. Each backed-up cluster gets volume-snapshot backups (storage contract).
 */
export const appClusters = (
  spec: AppSpec,
  pg: PostgresSpec,
  storage: StorageContract,
  context: RenderContext,
): CustomObject[] => {
  const n = names(spec);
  const cluster = (name: string, bootstrap: PostgresBootstrap): CustomObject =>
    postgresClusterObject(
      { name, namespace: n.namespace, labels: commonLabels(spec, context) },
      {
        instances: pg.instances,
        image: POSTGRES_IMAGE,
        database: pg.database,
        size: pg.size,
        storageClass: storage.longhornStorageClass,
        claimLabels: { ...partOfLabel(spec.name), ...recurringJobGroupLabels(jobGroups(storage, pg.backup)) },
        bootstrap,
        ...(pg.backup ? { snapshotClass: storage.databaseSnapshotClass } : {}),
      },
    );
  return [
    cluster(n.cluster, { kind: "initdb" }),
    ...(pg.restore && n.restoredCluster
      ? [cluster(n.restoredCluster, { kind: "recovery", backup: pg.restore.from })]
      : []),
  ];
};

/**
 * One ScheduledBackup per backed-up cluster, named after it (so its Backups are
 * `<cluster>-<YYYYMMDDhhmmss>`), at the storage layer's database backup time.
 */
export const appScheduledBackup = (
  spec: AppSpec,
  cluster: string,
  storage: StorageContract,
  context: RenderContext,
): CustomObject =>
  scheduledBackupObject(
    { name: cluster, namespace: names(spec).namespace, labels: commonLabels(spec, context) },
    { cluster, schedule: storage.databaseBackupCron },
  );
