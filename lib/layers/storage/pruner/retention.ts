/**
 * Which database backups the pruner deletes: a pure function over the Backups as the API server
 * lists them. Shipped verbatim, with ./prune.ts, in the pruner's ConfigMap (no imports: the pod has
 * only these two files and Bun).
 *
 * The fields read, of CloudNativePG's Backup (cloudnative-pg v1.30.0 api/v1/backup_types.go, the
 * chart 0.29.0 CRD backups.postgresql.cnpg.io): the label `cnpg.io/scheduled-backup` naming the
 * ScheduledBackup that made it (pkg/utils/labels_annotations.go ParentScheduledBackupLabelName,
 * set by internal/controller/scheduledbackup_controller.go createBackup), `status.phase`
 * ("completed" once done, backup_types.go BackupPhaseCompleted) and the backup's time:
 * `status.startedAt`, which the operator sets as the backup starts (volume snapshots:
 * internal/controller/backup_controller.go, from reconciliationStartedAt), else, for a backup not
 * started yet, `metadata.creationTimestamp`, which the API server sets on every object. Not the
 * name's order: a name is the ScheduledBackup's and the schedule's, and a renamed schedule sorts
 * apart from its own past.
 *
 * Backups a Cluster restores from are kept whatever their age: deleting one deletes its snapshot and
 * the Longhorn backup on the NAS, so a restore in progress, or one made again, would fail. The field
 * read, of CloudNativePG's Cluster (the chart 0.29.0 CRD clusters.postgresql.cnpg.io, checked):
 * `spec.bootstrap.recovery.backup.name`, a Backup of the Cluster's own namespace (a required string;
 * "Mutually exclusive with `source` and `volumeSnapshots`"), what `withPostgres({ restore })` sets.
 *
 * Block comments only inside functions: the render prints this file, and its check for doubled
 * path separators (test/cli/addressPlan.test.ts) would take a line comment for one.
 */

/** A Backup as listed, every field optional: what is missing is refused, never guessed. */
export interface ListedBackup {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
  };
  status?: { phase?: string; startedAt?: string };
}

/** A Backup the pruner may delete: exactly this object (its uid), of this schedule. */
export interface BackupToDelete {
  namespace: string;
  name: string;
  uid: string;
  schedule: string;
}

/** A Backup named, not listed: one a Cluster restores from. */
export interface BackupRef {
  namespace: string;
  name: string;
}

/** A Cluster as listed, every field optional (see the header for the field read). */
export interface ListedCluster {
  metadata?: { name?: string; namespace?: string };
  spec?: { bootstrap?: { recovery?: { backup?: { name?: unknown } } } };
}

export const SCHEDULE_LABEL = "cnpg.io/scheduled-backup";
const COMPLETED = "completed";

interface ReadBackup extends BackupToDelete {
  time: number;
  completed: boolean;
}

/** The label's value, or undefined for a Backup made by hand (no label, or an empty one) or no object. */
const scheduleOf = (backup: ListedBackup): string | undefined => {
  const schedule = backup?.metadata?.labels?.[SCHEDULE_LABEL];
  return typeof schedule === "string" && schedule !== "" ? schedule : undefined;
};

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/**
 * The Backups the listed Clusters restore from, or every Cluster whose `recovery.backup` names none
 * readable: a source it cannot read might be any Backup, so the caller must then delete nothing.
 */
export const restoreSources = (
  clusters: readonly ListedCluster[],
): BackupRef[] | { unreadable: string[] } => {
  const sources: BackupRef[] = [];
  const unreadable: string[] = [];
  for (const cluster of clusters) {
    const backup = cluster?.spec?.bootstrap?.recovery?.backup;
    if (backup === undefined) continue;
    const namespace = text(cluster.metadata?.namespace);
    const name = text(backup?.name);
    if (namespace !== undefined && name !== undefined) sources.push({ namespace, name });
    else
      unreadable.push(
        `Cluster ${namespace ?? "(no namespace)"}/${text(cluster.metadata?.name) ?? "(no name)"} restores from a Backup it does not name (spec.bootstrap.recovery.backup.name ${JSON.stringify(backup?.name)})`,
      );
  }
  return unreadable.length > 0 ? { unreadable } : sources;
};

/** The backup's time in ms: started, else created. NaN when neither is a readable time. */
export const backupTime = (backup: ListedBackup): number => {
  const started = backup.status?.startedAt;
  const time: unknown = started === undefined ? backup.metadata?.creationTimestamp : started;
  return typeof time === "string" ? Date.parse(time) : Number.NaN;
};

/** A scheduled Backup read for the decision, or why it cannot be. */
const readBackup = (backup: ListedBackup, schedule: string): ReadBackup | string => {
  const name = text(backup.metadata?.name);
  const namespace = text(backup.metadata?.namespace);
  const uid = text(backup.metadata?.uid);
  const time = backupTime(backup);
  const where = `Backup ${namespace ?? "(no namespace)"}/${name ?? "(no name)"}`;
  if (name === undefined || namespace === undefined || uid === undefined)
    return `${where} has no name, namespace or uid`;
  if (Number.isNaN(time))
    return `${where} has no readable time (status.startedAt ${JSON.stringify(backup.status?.startedAt)}, metadata.creationTimestamp ${JSON.stringify(backup.metadata?.creationTimestamp)})`;
  return { namespace, name, uid, schedule, time, completed: backup.status?.phase === COMPLETED };
};

/** Newest first; equal times by name, so the order never depends on the list's. */
const newestFirst = (a: ReadBackup, b: ReadBackup): number =>
  b.time - a.time || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0);

/** Of one schedule's Backups: those older than its `retain`-th newest completed one. */
const olderThanKept = (backups: ReadBackup[], retain: number): ReadBackup[] => {
  const ordered = [...backups].sort(newestFirst);
  let kept = 0;
  return ordered.filter((backup) => {
    const doomed = kept >= retain;
    if (backup.completed) kept++;
    return doomed;
  });
};

/** `spared`: Backups retention would delete that a Cluster restores from (kept, to say so). */
export type Decision =
  | { ok: true; delete: BackupToDelete[]; spared: BackupToDelete[] }
  | { ok: false; unreadable: string[] };

const refKey = (backup: BackupRef): string => JSON.stringify([backup.namespace, backup.name]);
const toDelete = ({ namespace, name, uid, schedule }: ReadBackup): BackupToDelete => ({
  namespace,
  name,
  uid,
  schedule,
});

/**
 * Per namespace and ScheduledBackup: keep the newest `retain` completed Backups and every newer
 * one (running, failed); delete every Backup older than the `retain`-th completed one, failed or
 * not. Fewer than `retain` completed: nothing of that schedule goes. A Backup without the label
 * is never touched, nor is one in `keep` (those a Cluster restores from): a kept Backup still
 * counts as what it is, so the others' fate does not change with it. Any scheduled Backup that
 * cannot be read (no uid, no time) stops the whole decision: deleting on a partial reading is
 * what this must never do.
 */
export const backupsToPrune = (
  items: readonly ListedBackup[],
  retain: number,
  keep: readonly BackupRef[],
): Decision => {
  if (!Number.isInteger(retain) || retain < 1)
    throw new Error(`retain must be a whole number >= 1, not ${JSON.stringify(retain)}`);
  const read = items.flatMap((item) => {
    const schedule = scheduleOf(item);
    return schedule === undefined ? [] : [readBackup(item, schedule)];
  });
  const unreadable = read.filter((item): item is string => typeof item === "string");
  if (unreadable.length > 0) return { ok: false, unreadable };
  const groups = new Map<string, ReadBackup[]>();
  for (const backup of read as ReadBackup[]) {
    const key = JSON.stringify([backup.namespace, backup.schedule]);
    groups.set(key, [...(groups.get(key) ?? []), backup]);
  }
  const doomed = [...groups.values()].flatMap((group) => olderThanKept(group, retain));
  const kept = new Set(keep.map(refKey));
  return {
    ok: true,
    delete: doomed.filter((backup) => !kept.has(refKey(backup))).map(toDelete),
    spared: doomed.filter((backup) => kept.has(refKey(backup))).map(toDelete),
  };
};
