import { type ConfigOf, defineLayerConfig, optional, required, withDefault } from "../../config/schema.ts";
import { absolutePath, hostname, ianaTimezone, integer, utcOffsetHours } from "../../config/values.ts";
import { nasAddressErrors } from "./nas.ts";
import { dataPathErrors, nfsPathErrors } from "./paths.ts";
import { localSchedule } from "./schedule.ts";

/** A local time of day (and days) a job runs at, with its default, which is also its example. */
const scheduleKey = (defaultRaw: string, doc: string) =>
  withDefault(localSchedule, defaultRaw, {
    doc,
    type: "`daily HH:MM` or `<days> HH:MM`",
    example: defaultRaw,
  });

export const storageConfigSchema = defineLayerConfig({
  layer: "storage",
  keys: {
    nfs_hostname: required(hostname, {
      doc: "NAS host name or IP; every NFS mount and the Longhorn backup target use it",
      type: "host name or IPv4",
      example: "nas.lan",
    }),
    nfs_share_path: required(absolutePath, {
      doc: "NFS export the `nfs` StorageClass provisions volumes under (one subfolder per claim)",
      type: "absolute path",
      example: "/volume1/kubernetes",
    }),
    longhorn_nfs_backup_path: required(absolutePath, {
      doc: "NFS export Longhorn writes its backups to",
      type: "absolute path",
      example: "/volume1/backups/longhorn",
    }),
    timezone: optional(ianaTimezone, {
      doc: "Local time zone for backup and maintenance schedules (preferred over timezone_offset)",
      type: "IANA zone",
      example: "Australia/Brisbane",
    }),
    timezone_offset: optional(utcOffsetHours, {
      doc: "Hours from UTC, as the seed used it, when no timezone is set (Talos nodes run on UTC)",
      type: "hours, may be fractional or negative",
      example: "10",
    }),
    longhorn_replica_count: withDefault(integer(1, 5), "2", {
      doc: "Replicas per Longhorn volume; at most the number of nodes",
      type: "integer 1-5",
      example: "3",
    }),
    // Talos >= 1.10 mounts a UserVolumeConfig named `longhorn` at /var/mnt/longhorn (Talos docs,
    // disk-management; Longhorn docs, talos-linux-support.md "From Talos Linux v1.10.x Onwards").
    longhorn_data_path: withDefault(absolutePath, "/var/mnt/longhorn", {
      doc: "Node path Longhorn stores volumes in: the Talos >= 1.10 user volume `longhorn` (see First-time steps); /var/lib/longhorn on older Talos",
      type: "absolute path",
      example: "/var/mnt/longhorn",
    }),
    longhorn_backup_schedule: scheduleKey(
      "daily 03:00",
      "Local time of the Longhorn volume backup (retain 7) of volumes in the backup job group",
    ),
    longhorn_trim_schedule: scheduleKey(
      "sun 02:00",
      "Local time of the filesystem trim of volumes in the trim job group (before the backup)",
    ),
    // Before the volume backup: both go to the NAS, one at a time is kinder to it and to etcd.
    database_backup_schedule: scheduleKey(
      "daily 02:30",
      "Local time of the CloudNativePG volume-snapshot backup of every withPostgres database (a Longhorn backup on the NAS)",
    ),
    database_backup_retain: withDefault(integer(1, 100), "7", {
      doc: "Completed database backups kept per database; older ones are deleted, on the NAS too (database-backup-pruner)",
      type: "integer 1-100",
      example: "14",
    }),
    longhorn_system_backup_schedule: scheduleKey(
      "sun 04:00",
      "Local time of the Longhorn system backup (settings, volumes, recurring jobs) to the NFS target",
    ),
  },
  check(config) {
    return [
      ...(config.timezone !== undefined && config.timezoneOffset !== undefined
        ? [
            {
              where: { key: "timezone_offset" },
              value: String(config.timezoneOffset),
              what: `is set together with timezone (${config.timezone}); the two could disagree`,
              fix: "keep only timezone: `pulumi config rm timezone_offset`",
            },
          ]
        : []),
      ...dataPathErrors(config.longhornDataPath),
      ...nfsPathErrors(config.nfsSharePath, config.longhornNfsBackupPath),
    ];
  },
  checkStack: (config, earlier) => nasAddressErrors(config.nfsHostname, earlier),
});

export type StorageConfig = ConfigOf<typeof storageConfigSchema.keys>;
