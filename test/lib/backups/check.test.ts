/** The backup check's decisions: fresh, pending, stale, failed and missing backups of volumes and databases. */
import { describe, expect, test } from "bun:test";
import {
  allowedAge,
  type BackupExpectations,
  checkBackups,
  failing,
  formatAge,
  formatBackupReport,
  type LiveBackups,
} from "../../../lib/backups/check.ts";

const NOW = new Date("2026-12-08T10:00:00Z");
const HOUR = 3_600_000;
const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR).toISOString();

const EXPECT: BackupExpectations = {
  volumeGroupLabel: "recurring-job-group.longhorn.io/backup",
  volumes: { schedule: "daily 03:00 local", maxAgeMs: 27 * HOUR },
  databases: { schedule: "daily 02:30 local", maxAgeMs: 27 * HOUR },
};

/** A Longhorn volume in the backup group, bound to `<namespace>/<claim>`, created `hours` ago. */
const volume = (name: string, claim: string, hours = 500) => ({
  metadata: {
    name,
    labels: { "recurring-job-group.longhorn.io/backup": "enabled" },
    creationTimestamp: ago(hours),
  },
  status: { kubernetesStatus: { namespace: claim.split("/")[0], pvcName: claim.split("/")[1] } },
});
/** A Longhorn Backup as longhorn-manager fills its status (backups.longhorn.io v1beta2). */
const volumeBackup = (volumeName: string, hours: number, state: string, error?: string) => ({
  metadata: { name: `backup-${volumeName}-${hours}`, creationTimestamp: ago(hours) },
  status: {
    volumeName,
    state,
    snapshotCreatedAt: ago(hours),
    backupCreatedAt: ago(hours - 0.1),
    ...(error ? { error } : {}),
  },
});
const cluster = (namespace: string, name: string, hours = 500, backedUp = true) => ({
  metadata: { name, namespace, creationTimestamp: ago(hours) },
  spec: backedUp ? { backup: { volumeSnapshot: { className: "longhorn-backup" } } } : {},
});
/** A CloudNativePG Backup as the operator fills its status (backups.postgresql.cnpg.io v1). */
const databaseBackup = (
  namespace: string,
  clusterName: string,
  hours: number,
  phase: string,
  error?: string,
) => ({
  metadata: { name: `${clusterName}-${hours}`, namespace, creationTimestamp: ago(hours) },
  spec: { cluster: { name: clusterName } },
  status: {
    phase,
    startedAt: ago(hours),
    ...(phase === "completed" ? { stoppedAt: ago(hours - 0.05) } : {}),
    ...(error ? { error } : {}),
  },
});

const live = (over: Partial<LiveBackups>): LiveBackups => ({
  volumes: [],
  volumeBackups: [],
  clusters: [],
  databaseBackups: [],
  ...over,
});
const verdicts = (facts: LiveBackups) =>
  checkBackups(facts, EXPECT, NOW).map((row) => `${row.kind} ${row.name} ${row.verdict}`);

describe("Longhorn volumes", () => {
  test("fresh: the newest completed backup is within the allowance", () => {
    const facts = live({
      volumes: [volume("pvc-1", "demo/data")],
      volumeBackups: [volumeBackup("pvc-1", 7, "Completed")],
    });
    const [row] = checkBackups(facts, EXPECT, NOW);
    expect(row).toMatchObject({ kind: "volume", name: "demo/data", verdict: "ok" });
    expect(row?.detail).toBe("2026-12-08 03:06 UTC, 6h 54m ago");
    expect(failing(checkBackups(facts, EXPECT, NOW))).toEqual([]);
  });

  test("stale: the last success is older than the schedule allows", () => {
    const facts = live({
      volumes: [volume("pvc-1", "demo/data")],
      volumeBackups: [volumeBackup("pvc-1", 30, "Completed"), volumeBackup("pvc-1", 54, "Completed")],
    });
    const [row] = checkBackups(facts, EXPECT, NOW);
    expect(row?.verdict).toBe("stale");
    expect(row?.detail).toBe("2026-12-07 04:06 UTC, 1d 5h ago (allowed 1d 3h)");
  });

  test("failed: the last attempt failed, even with a fresh success before it", () => {
    const facts = live({
      volumes: [volume("pvc-1", "demo/data")],
      volumeBackups: [
        volumeBackup("pvc-1", 2, "Error", "backup target unreachable"),
        volumeBackup("pvc-1", 20, "Completed"),
      ],
    });
    const [row] = checkBackups(facts, EXPECT, NOW);
    expect(row?.verdict).toBe("failed");
    expect(row?.detail).toContain("failed: backup target unreachable; last success 2026-12-07 14:06 UTC");
  });

  test("missing: never backed up although one was due; pending while the first is not due yet", () => {
    const facts = live({ volumes: [volume("pvc-old", "demo/old", 100), volume("pvc-new", "demo/new", 3)] });
    expect(verdicts(facts)).toEqual(["volume demo/new pending", "volume demo/old missing"]);
    expect(failing(checkBackups(facts, EXPECT, NOW)).map((row) => row.name)).toEqual(["demo/old"]);
  });

  test("volumes outside the backup group, other volumes' backups and running attempts do not count", () => {
    const outside = { ...volume("pvc-2", "demo/cache"), metadata: { name: "pvc-2", labels: {} } };
    const facts = live({
      volumes: [volume("pvc-1", "demo/data"), outside],
      volumeBackups: [
        volumeBackup("pvc-2", 1, "Completed"),
        volumeBackup("pvc-1", 1, "InProgress"),
        volumeBackup("pvc-1", 5, "Completed"),
      ],
    });
    expect(verdicts(facts)).toEqual(["volume demo/data ok"]);
  });
});

describe("databases", () => {
  test("fresh, stale, failed and missing, each per cluster; clusters without snapshot backups are not checked", () => {
    const facts = live({
      clusters: [
        cluster("feeds", "feeds-db"),
        cluster("notes", "notes-db"),
        cluster("photos", "photos-db"),
        cluster("recipes", "recipes-db"),
        cluster("scratch", "scratch-db", 500, false),
      ],
      databaseBackups: [
        databaseBackup("feeds", "feeds-db", 8, "completed"),
        databaseBackup("notes", "notes-db", 40, "completed"),
        databaseBackup("photos", "photos-db", 8, "failed", "no VolumeSnapshotClass"),
        databaseBackup("photos", "photos-db", 32, "completed"),
        // Another namespace's cluster of the same name is not this one's backup.
        databaseBackup("elsewhere", "recipes-db", 8, "completed"),
      ],
    });
    expect(verdicts(facts)).toEqual([
      "database feeds/feeds-db ok",
      "database notes/notes-db stale",
      "database photos/photos-db failed",
      "database recipes/recipes-db missing",
    ]);
    const report = formatBackupReport(checkBackups(facts, EXPECT, NOW), EXPECT, NOW);
    expect(report.at(-1)).toBe(
      "3 backup(s) need attention: notes/notes-db (stale), photos/photos-db (failed), recipes/recipes-db (missing).",
    );
    expect(report).toContain(
      "Databases (CloudNativePG volume-snapshot backups) (daily 02:30 local; a backup may be 1d 3h old):",
    );
    expect(
      report.some((line) =>
        /FAILED\s+photos\/photos-db\s+the last attempt \(2026-12-08 02:00 UTC\) failed: no VolumeSnapshotClass/.test(
          line,
        ),
      ),
    ).toBe(true);
  });
});

describe("how old a backup may be", () => {
  test("daily: a day and the time to finish; weekly lists: the longest gap; DST drift on top", () => {
    expect(allowedAge({ utc: { days: "daily" } }) / HOUR).toBe(27);
    expect(allowedAge({ utc: { days: [0] } }) / HOUR).toBe(7 * 24 + 3);
    expect(allowedAge({ utc: { days: [1, 4] } }) / HOUR).toBe(4 * 24 + 3);
    expect(allowedAge({ utc: { days: "daily" }, drift: { minutes: 60 } }) / HOUR).toBe(28);
    expect([formatAge(90 * 60_000), formatAge(49 * HOUR), formatAge(5 * 60_000)]).toEqual([
      "1h 30m",
      "2d 1h",
      "5m",
    ]);
  });

  test("an empty cluster reports none in each section and passes", () => {
    const report = formatBackupReport([], EXPECT, NOW);
    expect(report).toEqual([
      "Backups as of 2026-12-08 10:00 UTC:",
      "Longhorn volumes in the backup job group (daily 03:00 local; a backup may be 1d 3h old):",
      "  none",
      "Databases (CloudNativePG volume-snapshot backups) (daily 02:30 local; a backup may be 1d 3h old):",
      "  none",
      "Every backup is within its schedule.",
    ]);
  });
});
