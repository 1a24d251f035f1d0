/**
 * `bun run backups` against the run's real API server: after the render is applied (the Longhorn and
 * CloudNativePG CRDs installed, Miniflux's Cluster with its snapshot backups among the objects),
 * backup objects are created as their controllers would, with their status written through the
 * status subresource (longhorn-manager for backups.longhorn.io and volumes.longhorn.io,
 * CloudNativePG's operator for backups.postgresql.cnpg.io). The command then runs as a user would,
 * with a kubeconfig (token and CA over TLS), once with every backup fresh (exit 0) and once after a
 * failed database backup, a stale volume and a volume never backed up (exit 1, each named).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Cluster } from "./cluster.ts";

const root = resolve(import.meta.dirname, "../..");
const GROUP_LABEL = "recurring-job-group.longhorn.io/backup";
const LONGHORN = "/apis/longhorn.io/v1beta2/namespaces/longhorn-system";
const CNPG = "/apis/postgresql.cnpg.io/v1/namespaces/miniflux";

const hoursAgo = (hours: number) =>
  new Date(Date.now() - hours * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");

/** Creates `object` at `collection`, then writes its status as the controller would. */
const createWithStatus = async (cluster: Cluster, collection: string, object: Record<string, unknown>) => {
  const send = async (method: string, path: string, body: unknown, type: string) => {
    const response = await fetch(`${cluster.server}${path}`, {
      method,
      body: JSON.stringify(body),
      headers: { Authorization: `Bearer ${cluster.token}`, "Content-Type": type, Accept: "application/json" },
      tls: { ca: cluster.ca },
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  };
  const { status, ...rest } = object;
  const name = (rest.metadata as { name: string }).name;
  await send("POST", collection, rest, "application/json");
  await send("PATCH", `${collection}/${name}/status`, { status }, "application/merge-patch+json");
};

const volume = (name: string, claim: string) => ({
  apiVersion: "longhorn.io/v1beta2",
  kind: "Volume",
  metadata: { name, labels: { [GROUP_LABEL]: "enabled" } },
  spec: { size: "1073741824", numberOfReplicas: 2 },
  status: { kubernetesStatus: { namespace: claim.split("/")[0], pvcName: claim.split("/")[1] } },
});

const volumeBackup = (name: string, volumeName: string, hours: number) => ({
  apiVersion: "longhorn.io/v1beta2",
  kind: "Backup",
  metadata: { name, labels: { "backup-volume": volumeName } },
  spec: { snapshotName: `snap-${name}` },
  status: {
    volumeName,
    state: "Completed",
    snapshotCreatedAt: hoursAgo(hours),
    backupCreatedAt: hoursAgo(hours),
  },
});

const databaseBackup = (name: string, hours: number, phase: string, error?: string) => ({
  apiVersion: "postgresql.cnpg.io/v1",
  kind: "Backup",
  metadata: { name, labels: { "cnpg.io/cluster": "miniflux-db", "cnpg.io/scheduled-backup": "miniflux-db" } },
  spec: { cluster: { name: "miniflux-db" }, method: "volumeSnapshot" },
  status: {
    phase,
    method: "volumeSnapshot",
    startedAt: hoursAgo(hours),
    ...(phase === "completed" ? { stoppedAt: hoursAgo(hours - 0.1) } : { error }),
  },
});

const runBackups = (cluster: Cluster) => {
  const home = mkdtempSync(join(tmpdir(), "verify-backups-"));
  const child = Bun.spawnSync([process.execPath, join(root, "cli/backups.ts"), "--stack", "example"], {
    cwd: root,
    env: { ...process.env, HOME: home, KUBECONFIG: cluster.files.kubeconfig, HOMELAB_STACK: "" },
  });
  rmSync(home, { recursive: true, force: true });
  return { code: child.exitCode, text: `${child.stdout.toString()}${child.stderr.toString()}` };
};

/** Whether every expected line is in the text; the lines that are missing otherwise. */
const missingIn = (text: string, expected: readonly RegExp[]): string[] =>
  expected.filter((pattern) => !pattern.test(text)).map((pattern) => `expected ${pattern}`);

/** The check's report lines and whether it passed. */
export const backupsCheck = async (cluster: Cluster): Promise<{ lines: string[]; passed: boolean }> => {
  await createWithStatus(cluster, `${LONGHORN}/volumes`, volume("pvc-demo", "demo/demo-data"));
  await createWithStatus(cluster, `${LONGHORN}/backups`, volumeBackup("backup-demo-1", "pvc-demo", 10));
  await createWithStatus(
    cluster,
    `${CNPG}/backups`,
    databaseBackup("miniflux-db-20261207163000", 9, "completed"),
  );
  const fresh = runBackups(cluster);
  const freshProblems = [
    ...(fresh.code === 0 ? [] : [`exit ${fresh.code}, expected 0`]),
    ...missingIn(fresh.text, [
      /OK\s+demo\/demo-data\s/,
      /OK\s+miniflux\/miniflux-db\s/,
      /Every backup is within its schedule\./,
    ]),
  ];
  await createWithStatus(cluster, `${LONGHORN}/volumes`, volume("pvc-photos", "photos/library"));
  await createWithStatus(
    cluster,
    `${CNPG}/backups`,
    databaseBackup("miniflux-db-20261208163000", 1, "failed", "no snapshot class"),
  );
  const broken = runBackups(cluster);
  const brokenProblems = [
    ...(broken.code === 1 ? [] : [`exit ${broken.code}, expected 1`]),
    ...missingIn(broken.text, [
      /FAILED\s+miniflux\/miniflux-db\s+the last attempt .* failed: no snapshot class/,
      /PENDING\s+photos\/library\s+no backup yet/,
      /1 backup\(s\) need attention: miniflux\/miniflux-db \(failed\)\./,
    ]),
  ];
  const problems = [
    ...freshProblems.map((problem) => `fresh backups: ${problem}`),
    ...brokenProblems.map((problem) => `a failed backup: ${problem}`),
  ];
  return {
    passed: problems.length === 0,
    lines: [
      "bun run backups against this API server (backup objects created as their controllers would):",
      `  every backup fresh: exit ${fresh.code}; a failed database backup and a new volume: exit ${broken.code}`,
      ...(problems.length === 0
        ? ["  both runs reported as expected"]
        : [
            ...problems.map((problem) => `  PROBLEM ${problem}`),
            "  its output:",
            ...broken.text.split("\n").map((line) => `    ${line}`),
          ]),
    ],
  };
};
