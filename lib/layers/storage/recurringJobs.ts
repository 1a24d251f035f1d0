/**
 * Longhorn RecurringJobs (longhorn.io/v1beta2) at local times: a filesystem trim, the volume
 * backup to the NFS target (retain 7) and the Longhorn system backup. Volumes opt in to the trim
 * and backup jobs through job groups (`recurring-job-group.longhorn.io/<group>: enabled`), whose
 * names the storage contract exports for the apps layer.
 */

import { err, ok, type Result } from "neverthrow";
import type { CustomObject } from "../../core/plan.ts";
import { type Problem, problem } from "../../core/problem.ts";
import { layerLabels } from "../../k8s/labels.ts";
import { LONGHORN_NAMESPACE } from "./longhorn.ts";
import {
  describeDrift,
  describeZone,
  formatSchedule,
  type PlannedSchedule,
  planSchedule,
  type Schedule,
  type ScheduleZone,
} from "./schedule.ts";

export const BACKUP_JOB_GROUP = "backup";
export const TRIM_JOB_GROUP = "trim";
/** Longhorn refuses RecurringJob names longer than this. */
const RECURRING_JOB_NAME_LIMIT = 40;

const BACKUP_RETAIN = 7;
const SYSTEM_BACKUP_RETAIN = 4;

type RecurringJobTask =
  | "snapshot"
  | "snapshot-force-create"
  | "snapshot-cleanup"
  | "snapshot-delete"
  | "backup"
  | "backup-force-create"
  | "filesystem-trim"
  | "system-backup";

export interface RecurringJobPlan {
  name: string;
  task: RecurringJobTask;
  groups: string[];
  retain: number;
  concurrency: number;
  parameters: Record<string, string>;
  schedule: PlannedSchedule;
}

export interface RecurringJobObject extends CustomObject {
  apiVersion: "longhorn.io/v1beta2";
  kind: "RecurringJob";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    name: string;
    task: RecurringJobTask;
    cron: string;
    retain: number;
    concurrency: number;
    groups: string[];
    labels: Record<string, string>;
    parameters: Record<string, string>;
  };
}

export interface JobSchedules {
  readonly longhornTrimSchedule: Schedule;
  readonly longhornBackupSchedule: Schedule;
  readonly longhornSystemBackupSchedule: Schedule;
}

/** The three jobs, their local schedules turned into UTC cron in `zone`. */
export const recurringJobPlans = (config: JobSchedules, zone: ScheduleZone): RecurringJobPlan[] => [
  {
    name: "filesystem-trim",
    task: "filesystem-trim",
    groups: [TRIM_JOB_GROUP],
    retain: 0,
    concurrency: 1,
    parameters: {},
    schedule: planSchedule(config.longhornTrimSchedule, zone),
  },
  {
    name: "volume-backup",
    task: "backup",
    groups: [BACKUP_JOB_GROUP],
    retain: BACKUP_RETAIN,
    // One volume at a time: the NAS and a control-plane node's network are shared with etcd.
    concurrency: 1,
    parameters: {},
    schedule: planSchedule(config.longhornBackupSchedule, zone),
  },
  {
    name: "system-backup",
    task: "system-backup",
    groups: [],
    retain: SYSTEM_BACKUP_RETAIN,
    concurrency: 1,
    // Back up any volume that has no backup yet, so a system restore can bring every volume back.
    parameters: { "volume-backup-policy": "if-not-present" },
    schedule: planSchedule(config.longhornSystemBackupSchedule, zone),
  },
];

/** A RecurringJob name Longhorn accepts (a DNS label of at most 40 characters), or the problem with it. */
export const checkRecurringJobName = (name: string): Result<string, Problem> => {
  const refused = (what: string) =>
    err(
      problem(
        { layer: "storage", object: `recurringjob/${name}` },
        what,
        "rename the job in lib/layers/storage/recurringJobs.ts",
      ),
    );
  if (name.length > RECURRING_JOB_NAME_LIMIT)
    return refused(`${name} is ${name.length} characters; Longhorn allows ${RECURRING_JOB_NAME_LIMIT}`);
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name)
    ? ok(name)
    : refused(`${name} is not a lowercase DNS label (a-z, 0-9, -)`);
};

export const recurringJob = (plan: RecurringJobPlan): RecurringJobObject => ({
  apiVersion: "longhorn.io/v1beta2",
  kind: "RecurringJob",
  metadata: {
    name: plan.name,
    namespace: LONGHORN_NAMESPACE,
    labels: layerLabels("storage"),
  },
  spec: {
    name: plan.name,
    task: plan.task,
    cron: plan.schedule.cron,
    retain: plan.retain,
    concurrency: plan.concurrency,
    groups: plan.groups,
    labels: {},
    parameters: plan.parameters,
  },
});

/** Render-summary lines: the zone, then per job its local time, UTC cron and DST drift. */
export const scheduleSummary = (plans: readonly RecurringJobPlan[], zone: ScheduleZone): string[] => {
  const rows = plans.map((plan) => [
    plan.name,
    `${formatSchedule(plan.schedule.local)} local`,
    `cron "${plan.schedule.cron}" (UTC, ${formatSchedule(plan.schedule.utc)})`,
    describeDrift(plan.schedule),
  ]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return [
    `Longhorn recurring jobs, local time ${describeZone(zone)}:`,
    ...rows.map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd()),
  ];
};
