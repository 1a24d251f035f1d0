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

export type Decision = { ok: true; delete: BackupToDelete[] } | { ok: false; unreadable: string[] };

/**
 * Per namespace and ScheduledBackup: keep the newest `retain` completed Backups and every newer
 * one (running, failed); delete every Backup older than the `retain`-th completed one, failed or
 * not. Fewer than `retain` completed: nothing of that schedule goes. A Backup without the label
 * is never touched. Any scheduled Backup that cannot be read (no uid, no time) stops the whole
 * decision: deleting on a partial reading is what this must never do.
 */
export const backupsToPrune = (items: readonly ListedBackup[], retain: number): Decision => {
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
  return {
    ok: true,
    delete: doomed.map(({ namespace, name, uid, schedule }) => ({ namespace, name, uid, schedule })),
  };
};
