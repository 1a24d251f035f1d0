/**
 * The database backup pruner's program (lib/layers/storage/pruner/prune.ts, the file its
 * ConfigMap ships) run here with Bun against the run's real API server, with the run's token and
 * CA in place of a pod's ServiceAccount: it must read the list as this server writes it and delete
 * exactly the Backups older than the newest `retain` completed ones of each schedule, but never
 * one a Cluster restores from.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { POSTGRES_IMAGE } from "../../lib/app/versions.ts";
import { postgresClusterObject } from "../../lib/k8s/cnpg.ts";
import type { Cluster } from "./cluster.ts";

const PROGRAM = resolve(import.meta.dirname, "../../lib/layers/storage/pruner/prune.ts");

const NAMESPACE = "miniflux";
const SCHEDULE = "miniflux-db";
const CNPG = `/apis/postgresql.cnpg.io/v1/namespaces/${NAMESPACE}`;
const COLLECTION = `${CNPG}/backups`;

const send = async (
  cluster: Cluster,
  method: string,
  path: string,
  body?: unknown,
  type = "application/json",
) => {
  const response = await fetch(`${cluster.server}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headers: { Authorization: `Bearer ${cluster.token}`, "Content-Type": type, Accept: "application/json" },
    tls: { ca: cluster.ca },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as { items?: { metadata: { name: string } }[] };
};

const DAY = 86_400_000;
/** A time as the API server writes one, and as CloudNativePG names a scheduled Backup after it. */
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
const compact = (ms: number) => rfc3339(ms).replace(/[-:TZ]/g, "");

/**
 * A scheduled Backup of Miniflux's database as the operator makes and finishes it, started at
 * `started` (volume snapshots: status.startedAt at the start, stoppedAt at the end).
 */
const completed = async (cluster: Cluster, name: string, started: number) => {
  await send(cluster, "POST", COLLECTION, {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Backup",
    metadata: { name, labels: { "cnpg.io/cluster": SCHEDULE, "cnpg.io/scheduled-backup": SCHEDULE } },
    spec: { cluster: { name: SCHEDULE }, method: "volumeSnapshot" },
  });
  await send(
    cluster,
    "PATCH",
    `${COLLECTION}/${name}/status`,
    {
      status: {
        phase: "completed",
        method: "volumeSnapshot",
        startedAt: rfc3339(started),
        stoppedAt: rfc3339(started + 60_000),
      },
    },
    "application/merge-patch+json",
  );
};

/**
 * A restored copy of Miniflux's database bootstrapped from `backup`, built as
 * `withPostgres({ restore: { from } })` builds it (lib/k8s/cnpg.ts): the pruner must keep that Backup.
 */
const restoring = async (cluster: Cluster, backup: string) => {
  const name = `${SCHEDULE}-r${backup.slice(SCHEDULE.length + 1)}`;
  const copy = postgresClusterObject(
    { name, namespace: NAMESPACE },
    {
      instances: 1,
      image: POSTGRES_IMAGE,
      database: "miniflux",
      size: "5Gi",
      storageClass: "longhorn",
      claimLabels: {},
      bootstrap: { kind: "recovery", backup },
    },
  );
  await send(cluster, "POST", `${CNPG}/clusters`, copy);
  return name;
};

/**
 * Adds eight older completed backups (a day apart, the oldest eight days before the newest) to the
 * two backupsCheck.ts made (…1207 completed 9 hours ago, …1208 failed an hour ago), runs the
 * program with retain 7 and expects the second oldest gone and the oldest kept, as a new Cluster
 * restores from it: newest first, the failed one stays (newer than the seventh completed), seven
 * completed stay, the rest go but the restored-from one. The program orders by the backups'
 * times, so the older names are made from theirs and nothing rests on name order.
 */
export const prunerCheck = async (cluster: Cluster): Promise<{ lines: string[]; passed: boolean }> => {
  const now = Date.now();
  const times = Array.from({ length: 8 }, (_, i) => now - (8 - i) * DAY - 9 * 3_600_000);
  const older = times.map((time) => `${SCHEDULE}-${compact(time)}`);
  for (const [i, name] of older.entries()) await completed(cluster, name, times[i] ?? now);
  const [restoredFrom = "", pruned = ""] = older;
  const restore = await restoring(cluster, restoredFrom);
  const sa = mkdtempSync(join(tmpdir(), "verify-pruner-"));
  writeFileSync(join(sa, "token"), cluster.token);
  writeFileSync(join(sa, "ca.crt"), cluster.ca);
  const run = Bun.spawnSync([process.execPath, PROGRAM, "7", cluster.server, sa], { env: process.env });
  rmSync(sa, { recursive: true, force: true });
  const left = ((await send(cluster, "GET", COLLECTION)).items ?? [])
    .map((item) => item.metadata.name)
    .sort();
  const expected = older
    .filter((name) => name !== pruned)
    .concat(`${SCHEDULE}-20261207163000`, `${SCHEDULE}-20261208163000`)
    .sort();
  const output = `${run.stdout.toString()}${run.stderr.toString()}`.trim();
  const passed = run.exitCode === 0 && JSON.stringify(left) === JSON.stringify(expected);
  return {
    passed,
    lines: [
      "The database backup pruner's program (Bun) against this API server (10 scheduled backups, retain 7, one restored from):",
      ...(passed
        ? [
            `  exit 0; deleted ${pruned}; kept the 7 newest completed, the newer failed one and ${restoredFrom}, which Cluster ${restore} restores from`,
          ]
        : [
            `  PROBLEM exit ${run.exitCode}; left ${left.join(", ")}; expected ${expected.join(", ")}`,
            ...output.split("\n").map((line) => `    ${line}`),
          ]),
    ],
  };
};
