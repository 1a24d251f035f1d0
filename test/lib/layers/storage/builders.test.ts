import { describe, expect, test } from "bun:test";
import {
  csiSidecarReplicas,
  longhornBackupTarget,
  longhornValues,
} from "../../../../lib/layers/storage/longhorn.ts";
import { nfsStorageClass } from "../../../../lib/layers/storage/nfs.ts";
import {
  checkRecurringJobName,
  recurringJob,
  recurringJobPlans,
  scheduleSummary,
} from "../../../../lib/layers/storage/recurringJobs.ts";
import { at, ianaZone } from "../../../../lib/layers/storage/schedule.ts";

describe("storage builders (pure)", () => {
  test("CSI sidecars: one on a single node, two for 2-3 nodes (the chart's default is three)", () => {
    expect([1, 2, 3, 5].map(csiSidecarReplicas)).toEqual([1, 2, 2, 2]);
  });

  test("backup target is nfs://<host>:<path>", () => {
    expect(longhornBackupTarget({ nfsHostname: "192.168.4.10", longhornNfsBackupPath: "/mnt/tank/lh" })).toBe(
      "nfs://192.168.4.10:/mnt/tank/lh",
    );
  });

  test("replica count flows to the UI default and the default StorageClass", () => {
    const values = longhornValues({
      nfsHostname: "nas",
      longhornNfsBackupPath: "/b",
      longhornReplicaCount: 1,
      longhornDataPath: "/var/mnt/longhorn",
    });
    expect(values.defaultSettings.defaultReplicaCount).toBe(1);
    expect(values.persistence.defaultClassReplicaCount).toBe(1);
    expect(values.csi.provisionerReplicaCount).toBe(1);
    expect(values.defaultSettings.defaultDataPath).toBe("/var/mnt/longhorn");
  });

  test("the nfs StorageClass always retains", () => {
    expect(nfsStorageClass({ nfsHostname: "nas", nfsSharePath: "/k8s" }).reclaimPolicy).toBe("Retain");
  });

  test("RecurringJob names: at most 40 characters, a lowercase DNS label", () => {
    expect(checkRecurringJobName("volume-backup").isOk()).toBe(true);
    expect(checkRecurringJobName("a".repeat(40)).isOk()).toBe(true);
    expect(checkRecurringJobName("a".repeat(41))._unsafeUnwrapErr()).toEqual({
      where: { layer: "storage", object: `recurringjob/${"a".repeat(41)}` },
      what: `${"a".repeat(41)} is 41 characters; Longhorn allows 40`,
      fix: "rename the job in lib/layers/storage/recurringJobs.ts",
    });
    expect(checkRecurringJobName("Backup_Daily").isErr()).toBe(true);
  });

  test("jobs in a DST zone: cron in standard time, summary names the drift per job", () => {
    const zone = ianaZone("America/New_York", 2026);
    const plans = recurringJobPlans(
      {
        longhornTrimSchedule: at(2, 0, [0]),
        longhornBackupSchedule: at(3, 0),
        longhornSystemBackupSchedule: at(23, 30, [6]),
      },
      zone,
    );
    expect(plans.map((plan) => [plan.name, recurringJob(plan).spec.cron])).toEqual([
      ["filesystem-trim", "0 7 * * 0"],
      ["volume-backup", "0 8 * * *"],
      ["system-backup", "30 4 * * 0"], // Saturday 23:30 EST is Sunday 04:30 UTC
    ]);
    const lines = scheduleSummary(plans, zone).map((line) => line.replace(/\s+/g, " ").trim());
    expect(lines[0]).toStartWith(
      "Longhorn recurring jobs, local time America/New_York (cron follows standard time UTC-05:00",
    );
    expect(lines[3]).toBe(
      'system-backup Sat 23:30 local cron "30 4 * * 0" (UTC, Sun 04:30) DST drift: +1h (runs Sun 00:30 local while daylight saving is in effect)',
    );
  });
});
