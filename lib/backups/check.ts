/**
 * The backup check (`bun run backups`) as a pure function of what the cluster holds: per Longhorn
 * volume in the backup job group and per CloudNativePG database with volume-snapshot backups, the
 * last successful backup, its age, and whether that is older than its schedule allows or the last
 * attempt failed. Status fields are those of the CRDs: Longhorn 1.12.1 backups.longhorn.io and
 * volumes.longhorn.io (v1beta2), CloudNativePG 1.30.0 backups.postgresql.cnpg.io (v1).
 */

/**
 * A schedule as the storage layer plans it (lib/layers/storage/schedule.ts, PlannedSchedule; the
 * layer itself is not imported here): its days in UTC and its daylight-saving drift.
 */
interface ScheduleTimes {
  utc: { days: "daily" | readonly number[] };
  drift?: { minutes: number };
}

interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  creationTimestamp?: string;
}

interface LonghornVolume {
  metadata: Meta;
  status?: { kubernetesStatus?: { namespace?: string; pvcName?: string } };
}

/** `status.state`: "", InProgress, Completed, Error, Unknown (the CRD's description). */
interface LonghornBackup {
  metadata: Meta;
  status?: {
    volumeName?: string;
    state?: string;
    snapshotCreatedAt?: string;
    backupCreatedAt?: string;
    error?: string;
  };
}

interface PostgresCluster {
  metadata: Meta;
  spec?: { backup?: { volumeSnapshot?: unknown } };
}

/** `status.phase`: pending, started, running, finalizing, completed, failed, ... (api/v1/backup_types.go). */
interface PostgresBackup {
  metadata: Meta;
  spec?: { cluster?: { name?: string } };
  status?: { phase?: string; startedAt?: string; stoppedAt?: string; error?: string };
}

export interface LiveBackups {
  volumes: readonly LonghornVolume[];
  volumeBackups: readonly LonghornBackup[];
  clusters: readonly PostgresCluster[];
  databaseBackups: readonly PostgresBackup[];
}

/** How old a backup may be: the longest gap between two runs, plus drift and time to finish. */
export interface Allowance {
  /** e.g. `daily 03:00 local (daily 17:00 UTC)`. */
  schedule: string;
  maxAgeMs: number;
}

type Verdict = "ok" | "pending" | "stale" | "failed" | "missing";

export interface BackupRow {
  kind: "volume" | "database";
  /** `<namespace>/<claim>` of a volume (its Longhorn name if unbound), `<namespace>/<cluster>`. */
  name: string;
  verdict: Verdict;
  lastSuccess?: Date;
  /** Why the verdict: the last attempt's error, how long it has been. */
  detail: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Time for the backups of one night to finish (one volume at a time) before one is called late. */
const FINISH_GRACE_MS = 3 * HOUR;

/** The longest gap, in days, between two runs of a UTC schedule (a weekly day list wraps around). */
const longestGapDays = (schedule: ScheduleTimes["utc"]): number => {
  if (schedule.days === "daily") return 1;
  const days = [...schedule.days];
  return Math.max(...days.map((day, i) => ((days[(i + 1) % days.length] ?? day) - day + 7) % 7 || 7));
};

/** The age a backup of `planned` may reach: longest gap + daylight-saving drift + finishing time. */
export const allowedAge = (planned: ScheduleTimes): number =>
  longestGapDays(planned.utc) * DAY + (planned.drift?.minutes ?? 0) * 60_000 + FINISH_GRACE_MS;

const time = (...candidates: (string | undefined)[]): number | undefined =>
  candidates.map((text) => (text ? Date.parse(text) : Number.NaN)).find((value) => !Number.isNaN(value));

/** `2d 4h`, `5h 10m`, `12m`. */
export const formatAge = (ms: number): string => {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  if (d > 0) return `${d}d ${h}h`;
  return h > 0 ? `${h}h ${m}m` : `${m}m`;
};

const stamp = (at: Date): string => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

interface Attempt {
  at: number;
  succeeded: boolean;
  failed: boolean;
  error?: string;
}

/** The verdict of one protected object from its attempts (any order) and when it was created. */
const judge = (
  attempts: readonly Attempt[],
  createdAt: number | undefined,
  allowance: Allowance,
  now: Date,
): Omit<BackupRow, "kind" | "name"> => {
  const newest = [...attempts].sort((a, b) => b.at - a.at);
  const success = newest.find((attempt) => attempt.succeeded);
  const last = newest[0];
  const allowed = `allowed ${formatAge(allowance.maxAgeMs)}`;
  if (last?.failed) {
    const since = success ? `last success ${stamp(new Date(success.at))}` : "no success yet";
    return {
      verdict: "failed",
      ...(success ? { lastSuccess: new Date(success.at) } : {}),
      detail: `the last attempt (${stamp(new Date(last.at))}) failed: ${last.error || "no error given"}; ${since}`,
    };
  }
  if (success === undefined) {
    const age = createdAt === undefined ? undefined : now.getTime() - createdAt;
    return age !== undefined && age <= allowance.maxAgeMs
      ? {
          verdict: "pending",
          detail: `no backup yet; created ${formatAge(age)} ago, first one due (${allowed})`,
        }
      : {
          verdict: "missing",
          detail: `no successful backup${age === undefined ? "" : ` in ${formatAge(age)}`} (${allowed})`,
        };
  }
  const age = now.getTime() - success.at;
  return {
    verdict: age > allowance.maxAgeMs ? "stale" : "ok",
    lastSuccess: new Date(success.at),
    detail: `${stamp(new Date(success.at))}, ${formatAge(age)} ago${age > allowance.maxAgeMs ? ` (${allowed})` : ""}`,
  };
};

const volumeRows = (live: LiveBackups, groupLabel: string, allowance: Allowance, now: Date): BackupRow[] =>
  live.volumes
    .filter((volume) => volume.metadata.labels?.[groupLabel] === "enabled")
    .map((volume) => {
      const k8s = volume.status?.kubernetesStatus;
      const attempts = live.volumeBackups
        .filter((backup) => backup.status?.volumeName === volume.metadata.name)
        .map((backup): Attempt => {
          const state = backup.status?.state;
          return {
            at:
              time(
                backup.status?.backupCreatedAt,
                backup.status?.snapshotCreatedAt,
                backup.metadata.creationTimestamp,
              ) ?? 0,
            succeeded: state === "Completed",
            failed: state === "Error",
            ...(backup.status?.error ? { error: backup.status.error } : {}),
          };
        });
      return {
        kind: "volume",
        name: k8s?.namespace && k8s.pvcName ? `${k8s.namespace}/${k8s.pvcName}` : volume.metadata.name,
        ...judge(attempts, time(volume.metadata.creationTimestamp), allowance, now),
      };
    });

const databaseRows = (live: LiveBackups, allowance: Allowance, now: Date): BackupRow[] =>
  live.clusters
    .filter((cluster) => cluster.spec?.backup?.volumeSnapshot !== undefined)
    .map((cluster) => {
      const attempts = live.databaseBackups
        .filter(
          (backup) =>
            backup.metadata.namespace === cluster.metadata.namespace &&
            backup.spec?.cluster?.name === cluster.metadata.name,
        )
        .map((backup): Attempt => {
          const phase = backup.status?.phase;
          return {
            at:
              time(backup.status?.stoppedAt, backup.status?.startedAt, backup.metadata.creationTimestamp) ??
              0,
            succeeded: phase === "completed",
            failed: phase === "failed",
            ...(backup.status?.error ? { error: backup.status.error } : {}),
          };
        });
      return {
        kind: "database",
        name: `${cluster.metadata.namespace}/${cluster.metadata.name}`,
        ...judge(attempts, time(cluster.metadata.creationTimestamp), allowance, now),
      };
    });

export interface BackupExpectations {
  /** The label a volume in the backup job group carries (`recurring-job-group.longhorn.io/<group>`). */
  volumeGroupLabel: string;
  volumes: Allowance;
  databases: Allowance;
}

/** Every row, volumes then databases, each sorted by name. */
export const checkBackups = (live: LiveBackups, expect: BackupExpectations, now: Date): BackupRow[] => {
  const byName = (a: BackupRow, b: BackupRow) => a.name.localeCompare(b.name);
  return [
    ...volumeRows(live, expect.volumeGroupLabel, expect.volumes, now).sort(byName),
    ...databaseRows(live, expect.databases, now).sort(byName),
  ];
};

/** Rows that make the check fail: stale, failed last time, or never backed up when one was due. */
export const failing = (rows: readonly BackupRow[]): BackupRow[] =>
  rows.filter((row) => row.verdict === "stale" || row.verdict === "failed" || row.verdict === "missing");

const section = (title: string, allowance: Allowance, rows: readonly BackupRow[]): string[] => {
  const width = Math.max(0, ...rows.map((row) => row.name.length));
  return [
    `${title} (${allowance.schedule}; a backup may be ${formatAge(allowance.maxAgeMs)} old):`,
    ...(rows.length === 0
      ? ["  none"]
      : rows.map(
          (row) => `  ${row.verdict.toUpperCase().padEnd(7)}  ${row.name.padEnd(width)}  ${row.detail}`,
        )),
  ];
};

/** The report the command prints: both sections, then the verdict line. */
export const formatBackupReport = (
  rows: readonly BackupRow[],
  expect: BackupExpectations,
  now: Date,
): string[] => {
  const bad = failing(rows);
  return [
    `Backups as of ${stamp(now)}:`,
    ...section(
      "Longhorn volumes in the backup job group",
      expect.volumes,
      rows.filter((row) => row.kind === "volume"),
    ),
    ...section(
      "Databases (CloudNativePG volume-snapshot backups)",
      expect.databases,
      rows.filter((row) => row.kind === "database"),
    ),
    bad.length === 0
      ? "Every backup is within its schedule."
      : `${bad.length} backup(s) need attention: ${bad.map((row) => `${row.name} (${row.verdict})`).join(", ")}.`,
  ];
};
