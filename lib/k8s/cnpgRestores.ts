/**
 * What makes a CloudNativePG restore safe, as one pure check the preflight (on a deploy's plans) and
 * the volume guard (on its stateful records) share: a recovery Cluster is a NEW cluster beside the
 * live database it copies, never the live one bootstrapped again, and the backup it names is of that
 * same database.
 */

/** A Cluster as both callers see it: where it is and how its data starts. */
export interface ClusterFacts {
  namespace: string;
  name: string;
  /** `spec.bootstrap` as rendered. */
  bootstrap: unknown;
}

export interface RestoreProblem {
  /** The recovery cluster (`namespace/name`). */
  cluster: string;
  /** `inPlace`: the live cluster itself bootstrapped again (a bootstrap change, for the guard). */
  inPlace: boolean;
  what: string;
  fix: string;
}

/**
 * A ScheduledBackup's Backups are `<scheduled backup>-<YYYYMMDDhhmmss>` (cloudnative-pg v1.30.0
 * api/v1/scheduledbackup_funcs.go, BackupName), and ours are named after their cluster
 * (lib/app/renderStorage.ts): the cluster a backup is of, read from its name.
 */
export const backupSource = (backup: string): { cluster: string; time: string } | undefined => {
  const match = /^(.+)-(\d{14})$/.exec(backup);
  return match?.[1] && match[2] ? { cluster: match[1], time: match[2] } : undefined;
};

interface Bootstrap {
  initdb?: { database?: string };
  recovery?: { backup?: { name?: string }; database?: string };
}

/** The backup a cluster is bootstrapped from, if it is a recovery from a Backup object. */
export const recoveryBackup = (bootstrap: unknown): string | undefined =>
  (bootstrap as Bootstrap | undefined)?.recovery?.backup?.name;

const databaseOf = (bootstrap: unknown): string | undefined => {
  const b = bootstrap as Bootstrap | undefined;
  return b?.initdb?.database ?? b?.recovery?.database;
};

const FIX =
  "restore with withPostgres({ restore: { from: '<app>-db-<YYYYMMDDhhmmss>' } }): it creates a new cluster beside the live one";

/** Every problem of every recovery cluster among `clusters` (all the clusters a deploy keeps). */
export const restoreProblems = (clusters: readonly ClusterFacts[]): RestoreProblem[] =>
  clusters.flatMap((copy): RestoreProblem[] => {
    const backup = recoveryBackup(copy.bootstrap);
    if (backup === undefined) return [];
    const at = `${copy.namespace}/${copy.name}`;
    const source = backupSource(backup);
    if (source === undefined)
      return [
        {
          cluster: at,
          inPlace: false,
          what: `restores ${backup}, which is not the name of a scheduled backup`,
          fix: FIX,
        },
      ];
    if (source.cluster === copy.name)
      return [
        {
          cluster: at,
          inPlace: true,
          what: `restores its own backup ${backup} into itself: the live database would be bootstrapped again (replaced)`,
          fix: FIX,
        },
      ];
    const live = clusters.find((c) => c.namespace === copy.namespace && c.name === source.cluster);
    if (live === undefined)
      return [
        {
          cluster: at,
          inPlace: false,
          what: `restores ${backup} of ${source.cluster}, which this deploy does not keep: the live database would be deleted`,
          fix: `keep ${source.cluster} in the plan beside the restored copy (withPostgres keeps it); retire it only in a later, deliberate change`,
        },
      ];
    const [was, now] = [databaseOf(live.bootstrap), databaseOf(copy.bootstrap)];
    return was === now
      ? []
      : [
          {
            cluster: at,
            inPlace: false,
            what: `restores ${backup}, a backup of database ${was ?? "?"}, as database ${now ?? "?"}: not the same database`,
            fix: "restore a backup of the same database (the same app, the same `database`)",
          },
        ];
  });
