/**
 * Restoring an app's database is a code change: `withPostgres({ restore: { from } })` plans a NEW
 * CloudNativePG cluster bootstrapped from one of the live database's backups, under a name of its
 * own, so the live database is never replaced in place. One place for the names that involves.
 */
import { backupSource } from "../k8s/cnpgRestores.ts";
import type { AppSpec } from "./spec.ts";

/** The live cluster's name: its ScheduledBackup has the same name, so its backups start with it. */
export const liveCluster = (spec: Pick<AppSpec, "name">): string => `${spec.name}-db`;

/** `<app>-db-r<YYYYMMDDhhmmss>`: the restored copy, named after the moment of its backup. */
export const restoredClusterName = (spec: AppSpec): string | undefined => {
  const from = spec.postgres?.restore?.from;
  if (from === undefined) return undefined;
  const time = backupSource(from)?.time;
  return time === undefined ? `${liveCluster(spec)}-restore` : `${liveCluster(spec)}-r${time}`;
};

/** The cluster the app connects to: the restored one once switched, else the live one. */
export const servingCluster = (spec: AppSpec): string =>
  spec.postgres?.restore?.switch === true
    ? (restoredClusterName(spec) ?? liveCluster(spec))
    : liveCluster(spec);
