/**
 * Restoring an app's database is a code change: `withPostgres({ restore: { from } })` plans a NEW
 * CloudNativePG cluster bootstrapped from one of the live database's backups, under a name of its
 * own, so the live database is never replaced in place. One place for the names that involves.
 */
import type { AppSpec } from "./spec.ts";

/**
 * A Backup a ScheduledBackup makes is named `<scheduled backup>-<YYYYMMDDhhmmss>` (cloudnative-pg
 * v1.30.0 api/v1/scheduledbackup_funcs.go, BackupName: ToCompactISO8601 of the scheduled time).
 */
const BACKUP_TIME = /^(.+)-(\d{14})$/;

/** The live cluster's name: its ScheduledBackup has the same name, so its backups start with it. */
export const liveCluster = (spec: Pick<AppSpec, "name">): string => `${spec.name}-db`;

/** The `<YYYYMMDDhhmmss>` of a scheduled backup's name, if it has one. */
export const backupTime = (backup: string): string | undefined => BACKUP_TIME.exec(backup)?.[2];

/** The cluster a backup belongs to, read from its name (the ScheduledBackup is named after its cluster). */
export const backupCluster = (backup: string): string | undefined => BACKUP_TIME.exec(backup)?.[1];

/** `<app>-db-r<YYYYMMDDhhmmss>`: the restored copy, named after the moment of its backup. */
export const restoredClusterName = (spec: AppSpec): string | undefined => {
  const from = spec.postgres?.restore?.from;
  if (from === undefined) return undefined;
  return `${liveCluster(spec)}-r${backupTime(from) ?? "estore"}`;
};

/** The cluster the app connects to: the restored one once switched, else the live one. */
export const servingCluster = (spec: AppSpec): string =>
  spec.postgres?.restore?.switch === true
    ? (restoredClusterName(spec) ?? liveCluster(spec))
    : liveCluster(spec);
