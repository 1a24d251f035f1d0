/**
 * `bun run backups [--stack home]`: reads the live cluster (kubeconfig) and prints, per Longhorn
 * volume in the backup job group and per CloudNativePG database, the last successful backup and
 * its age. Exit 1 when any is older than its schedule allows, failed last time or never happened
 * although due (for cron or a monitor); 2 when it could not check (no kubeconfig, a stack that
 * does not parse, an API server that does not answer). The schedules are the stack's
 * (config/storage/Pulumi.<stack>.yaml), turned into UTC as the storage layer deploys them.
 */
import { resolve } from "node:path";
import { err, type Result } from "neverthrow";
import {
  type Allowance,
  allowedAge,
  type BackupExpectations,
  checkBackups,
  failing,
  formatBackupReport,
  type LiveBackups,
} from "../lib/backups/check.ts";
import { readStackFile } from "../lib/config/stackFile.ts";
import { formatProblem } from "../lib/core/problem.ts";
import { recurringJobGroupLabel } from "../lib/k8s/longhorn.ts";
import { BACKUP_JOB_GROUP, recurringJobPlans } from "../lib/layers/storage/recurringJobs.ts";
import {
  formatSchedule,
  type PlannedSchedule,
  planSchedule,
  scheduleZone,
} from "../lib/layers/storage/schedule.ts";
import { configSchemas, parseConfig } from "../programs/layers.ts";
import {
  type CliIo,
  isMain,
  processIo,
  readCommandLine,
  type StackCommandSpec,
  stackOption,
  stackOptionSpec,
  USAGE_EXIT,
} from "./args.ts";
import { type KubeGet, kubeconfigFiles, kubeReader, NO_KUBECONFIG, readLists } from "./kubeApi.ts";

export const BACKUPS: StackCommandSpec = {
  usage: "bun run backups [--stack <name>]",
  options: { stack: stackOptionSpec("yours", "check the backup schedules of") },
  stack: "yours",
};

const allowance = (planned: PlannedSchedule): Allowance => ({
  schedule: `${formatSchedule(planned.local)} local, ${formatSchedule(planned.utc)} UTC`,
  maxAgeMs: allowedAge(planned),
});

/** What the stack's storage config makes of the schedules, or its problems. */
const expectations = (root: string, stack: string, now: Date): Result<BackupExpectations, string[]> =>
  readStackFile(configSchemas, root, "storage", stack)
    .andThen((raw) => parseConfig("storage", raw))
    .mapErr((problems) => problems.map(formatProblem))
    .map((config) => {
      const zone = scheduleZone(config, now.getUTCFullYear());
      const volumeBackup = recurringJobPlans(config, zone).find((job) => job.task === "backup");
      const volumes = volumeBackup?.schedule ?? planSchedule(config.longhornBackupSchedule, zone);
      return {
        volumeGroupLabel: recurringJobGroupLabel(BACKUP_JOB_GROUP),
        volumes: allowance(volumes),
        databases: allowance(planSchedule(config.databaseBackupSchedule, zone)),
      };
    });

/** Cluster-wide lists of the four kinds (Longhorn v1beta2, CloudNativePG v1). */
const LISTS = {
  volumes: "/apis/longhorn.io/v1beta2/volumes",
  volumeBackups: "/apis/longhorn.io/v1beta2/backups",
  clusters: "/apis/postgresql.cnpg.io/v1/clusters",
  databaseBackups: "/apis/postgresql.cnpg.io/v1/backups",
} as const;

const readLive = async (get: KubeGet): Promise<Result<LiveBackups, string[]>> =>
  (await readLists(get, LISTS)).map((lists) => lists as unknown as LiveBackups);

export const main = async (
  argv: readonly string[],
  io: CliIo = processIo,
  root = resolve(import.meta.dirname, ".."),
  now = new Date(),
  /** How the cluster is read (the tests stand in for it; verify:cluster runs the real one). */
  reader: (files: readonly string[]) => Promise<Result<KubeGet, string>> = kubeReader,
): Promise<number> => {
  const parsed = readCommandLine(BACKUPS, argv, io);
  if (parsed.isErr()) return parsed.error;
  const chosen = stackOption(BACKUPS, parsed.value.values, io.env);
  if (chosen.isErr()) {
    io.err(chosen.error);
    return USAGE_EXIT;
  }
  const expected = expectations(root, chosen.value, now);
  if (expected.isErr()) {
    io.err(
      [
        `Stack ${chosen.value}: the storage config cannot be read; nothing was checked:`,
        ...expected.error.map((line) => `  ${line}`),
      ].join("\n"),
    );
    return USAGE_EXIT;
  }
  const files = kubeconfigFiles(io.env);
  if (files === undefined) {
    io.err(NO_KUBECONFIG);
    return USAGE_EXIT;
  }
  const get = await reader(files);
  const live = get.isErr() ? err([get.error]) : await readLive(get.value);
  if (live.isErr()) {
    io.err(
      ["The cluster could not be read; nothing was checked:", ...live.error.map((line) => `  ${line}`)].join(
        "\n",
      ),
    );
    return USAGE_EXIT;
  }
  const rows = checkBackups(live.value, expected.value, now);
  const report = formatBackupReport(rows, expected.value, now).join("\n");
  if (failing(rows).length > 0) {
    io.err(report);
    return 1;
  }
  io.out(report);
  return 0;
};

if (isMain(import.meta)) process.exit(await main(process.argv.slice(2)));
