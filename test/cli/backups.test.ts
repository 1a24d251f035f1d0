/**
 * `bun run backups` in-process with a stand-in for the API server that lists Longhorn and
 * CloudNativePG objects as the real one does: the example stack's schedules (Brisbane: volumes
 * daily 03:00, databases daily 02:30 local), fresh, stale, failed and missing backups, and the
 * message when no kubeconfig is set. The real reader (kubeconfig, TLS, token) runs against a real
 * API server in `bun run verify:cluster` (harness/cluster/backupsCheck.ts).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { err, ok, type Result } from "neverthrow";
import { main } from "../../cli/backups.ts";
import type { KubeGet } from "../../cli/kubeApi.ts";
import { captureIo } from "../support/hardening.ts";
import { ROOT } from "../support/render.ts";

const NOW = new Date("2026-12-08T10:00:00Z");
const ago = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();
const temp = mkdtempSync(join(tmpdir(), "backups-cli-"));

type Lists = Record<string, unknown[]>;
let lists: Lists = {};
let seen: string[] = [];
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const kubeconfig = join(temp, "kubeconfig");
writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\n");

/** Stands in for the API server as the kubeconfig would reach it: lists, or a 404 for a missing CRD. */
const reader = async (files: readonly string[]): Promise<Result<KubeGet, string>> =>
  ok(async (path: string) => {
    seen.push(`${files.join(":")} ${path}`);
    const items = lists[path];
    return items
      ? ok({ kind: "List", items })
      : err(`https://cluster.lan:6443${path} answered 404: the server could not find the requested resource`);
  });

const GROUP = "recurring-job-group.longhorn.io/backup";
const volume = (name: string, claim: string) => ({
  metadata: { name, labels: { [GROUP]: "enabled" }, creationTimestamp: ago(500) },
  status: { kubernetesStatus: { namespace: claim.split("/")[0], pvcName: claim.split("/")[1] } },
});
const volumeBackup = (volumeName: string, hours: number, state: string) => ({
  metadata: { name: `backup-${volumeName}-${hours}` },
  status: { volumeName, state, snapshotCreatedAt: ago(hours), backupCreatedAt: ago(hours) },
});
const cluster = (namespace: string, name: string) => ({
  metadata: { name, namespace, creationTimestamp: ago(500) },
  spec: { backup: { volumeSnapshot: { className: "longhorn-backup" } } },
});
const databaseBackup = (namespace: string, name: string, hours: number, phase: string, error?: string) => ({
  metadata: { name: `${name}-x${hours}`, namespace, creationTimestamp: ago(hours) },
  spec: { cluster: { name } },
  status: { phase, startedAt: ago(hours), stoppedAt: ago(hours), ...(error ? { error } : {}) },
});

const run = async (given: Lists, env: Record<string, string> = { KUBECONFIG: kubeconfig }) => {
  lists = given;
  seen = [];
  const captured = captureIo({ HOME: temp, ...env });
  const code = await main(["--stack", "example"], captured.io, ROOT, NOW, reader);
  return { code, text: captured.text() };
};

const FRESH: Lists = {
  "/apis/longhorn.io/v1beta2/volumes": [
    volume("pvc-a", "demo/demo-data"),
    volume("pvc-b", "miniflux/miniflux-db-1"),
  ],
  "/apis/longhorn.io/v1beta2/backups": [
    volumeBackup("pvc-a", 16, "Completed"),
    volumeBackup("pvc-b", 17, "Completed"),
  ],
  "/apis/postgresql.cnpg.io/v1/clusters": [cluster("miniflux", "miniflux-db")],
  "/apis/postgresql.cnpg.io/v1/backups": [databaseBackup("miniflux", "miniflux-db", 17.5, "completed")],
};

describe("bun run backups", () => {
  test("every backup fresh: the report, exit 0, the kubeconfig's token sent", async () => {
    const { code, text } = await run(FRESH);
    expect(code).toBe(0);
    expect(text).toContain(
      "Longhorn volumes in the backup job group (daily 03:00 local, daily 17:00 UTC; a backup may be 1d 3h old):",
    );
    expect(text).toMatch(/OK\s+demo\/demo-data\s+2026-12-07 18:00 UTC, 16h 0m ago/);
    expect(text).toMatch(/OK\s+miniflux\/miniflux-db\s+2026-12-07 16:30 UTC, 17h 30m ago/);
    expect(text).toContain("Every backup is within its schedule.");
    expect(seen).toContain(`${kubeconfig} /apis/postgresql.cnpg.io/v1/backups`);
  });

  test("stale, failed and missing: each named, exit 1", async () => {
    const { code, text } = await run({
      ...FRESH,
      "/apis/longhorn.io/v1beta2/volumes": [
        ...(FRESH["/apis/longhorn.io/v1beta2/volumes"] ?? []),
        volume("pvc-c", "photos/library"),
      ],
      "/apis/longhorn.io/v1beta2/backups": [
        volumeBackup("pvc-a", 40, "Completed"),
        volumeBackup("pvc-b", 17, "Completed"),
      ],
      "/apis/postgresql.cnpg.io/v1/backups": [
        databaseBackup("miniflux", "miniflux-db", 17.5, "failed", "snapshot class not found"),
        databaseBackup("miniflux", "miniflux-db", 41.5, "completed"),
      ],
    });
    expect(code).toBe(1);
    expect(text).toMatch(/STALE\s+demo\/demo-data\s+2026-12-06 18:00 UTC, 1d 16h ago \(allowed 1d 3h\)/);
    expect(text).toMatch(/MISSING\s+photos\/library\s+no successful backup in 20d 20h/);
    expect(text).toMatch(
      /FAILED\s+miniflux\/miniflux-db\s+the last attempt \(2026-12-07 16:30 UTC\) failed: snapshot class not found/,
    );
    expect(text).toContain(
      "3 backup(s) need attention: demo/demo-data (stale), photos/library (missing), miniflux/miniflux-db (failed).",
    );
  });

  test("no kubeconfig: a clear message, exit 2, nothing read", async () => {
    const { code, text } = await run(FRESH, {});
    expect(code).toBe(2);
    expect(text).toContain("No kubeconfig: KUBECONFIG is not set");
    expect(text).toContain("fix: point KUBECONFIG at your cluster's kubeconfig");
    expect(seen).toEqual([]);
    expect((await run(FRESH, { KUBECONFIG: join(temp, "nowhere") })).text).toContain("No kubeconfig");
  });

  test("a cluster without CloudNativePG's CRDs: what could not be read, exit 2", async () => {
    const { "/apis/postgresql.cnpg.io/v1/backups": _, ...withoutCnpg } = FRESH;
    const { code, text } = await run(withoutCnpg);
    expect(code).toBe(2);
    expect(text).toContain("The cluster could not be read; nothing was checked:");
    expect(text).toContain(
      "/apis/postgresql.cnpg.io/v1/backups answered 404: the server could not find the requested resource",
    );
  });
});
