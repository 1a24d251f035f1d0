/**
 * The database backup pruner's script (lib/layers/storage/backupPruner.ts) run here against the
 * run's real API server, with the run's token and CA in place of a pod's ServiceAccount: it must
 * read the list as this server writes it and delete exactly the Backups older than the newest
 * `retain` completed ones of each schedule. (The pod runs it with busybox; here it is the host's sh.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prunerScript } from "../../lib/layers/storage/backupPruner.ts";
import type { Cluster } from "./cluster.ts";

const NAMESPACE = "miniflux";
const SCHEDULE = "miniflux-db";
const COLLECTION = `/apis/postgresql.cnpg.io/v1/namespaces/${NAMESPACE}/backups`;

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

/** A scheduled Backup of Miniflux's database as the operator makes and finishes it. */
const completed = async (cluster: Cluster, name: string) => {
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
    { status: { phase: "completed" } },
    "application/merge-patch+json",
  );
};

/**
 * Adds eight older completed backups to the two backupsCheck.ts made (…1207 completed, …1208
 * failed), runs the script with retain 7 and expects the two oldest gone: newest first, the
 * failed one stays (newer than the seventh completed), seven completed stay, the rest go.
 */
export const prunerCheck = async (cluster: Cluster): Promise<{ lines: string[]; passed: boolean }> => {
  const older = Array.from(
    { length: 8 },
    (_, i) => `${SCHEDULE}-202611${String(i + 1).padStart(2, "0")}163000`,
  );
  for (const name of older) await completed(cluster, name);
  const sa = mkdtempSync(join(tmpdir(), "verify-pruner-"));
  mkdirSync(sa, { recursive: true });
  writeFileSync(join(sa, "token"), cluster.token);
  writeFileSync(join(sa, "ca.crt"), cluster.ca);
  const run = Bun.spawnSync(["sh", "-c", prunerScript(7)], {
    env: { ...process.env, SA_DIR: sa, API_SERVER: cluster.server },
  });
  rmSync(sa, { recursive: true, force: true });
  const left = ((await send(cluster, "GET", COLLECTION)).items ?? [])
    .map((item) => item.metadata.name)
    .sort();
  const expected = [...older.slice(2), `${SCHEDULE}-20261207163000`, `${SCHEDULE}-20261208163000`].sort();
  const output = `${run.stdout.toString()}${run.stderr.toString()}`.trim();
  const passed = run.exitCode === 0 && JSON.stringify(left) === JSON.stringify(expected);
  return {
    passed,
    lines: [
      "The database backup pruner's script against this API server (10 scheduled backups, retain 7):",
      ...(passed
        ? [
            `  exit 0; deleted ${older.slice(0, 2).join(", ")}; kept the 7 newest completed and the newer failed one`,
          ]
        : [
            `  PROBLEM exit ${run.exitCode}; left ${left.join(", ")}; expected ${expected.join(", ")}`,
            ...output.split("\n").map((line) => `    ${line}`),
          ]),
    ],
  };
};
