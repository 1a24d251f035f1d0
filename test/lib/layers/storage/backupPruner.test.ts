/**
 * Database backup retention: the pruner's objects in the storage layer, and its script run with a
 * stand-in `curl` that answers the list as the API server writes it (one line, keys sorted) and
 * records each DELETE. verify:cluster runs the same script against a real API server.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BACKUP_PRUNER, backupPruner, prunerScript } from "../../../../lib/layers/storage/backupPruner.ts";
import { renderedLayer } from "../../../support/render.ts";

describe("the pruner's objects", () => {
  test("a CronJob in cnpg-system an hour after the database backups (UTC), allowed to list and delete Backups only", async () => {
    const storage = await renderedLayer("storage");
    const body = (kind: string) =>
      storage.documents.kubernetes.find((d) => d.body.kind === kind && d.body.metadata.name === BACKUP_PRUNER)
        ?.body as Record<string, never> | undefined;
    const cronJob = body("CronJob") as unknown as {
      metadata: { namespace: string };
      spec: {
        schedule: string;
        timeZone: string;
        concurrencyPolicy: string;
        jobTemplate: { spec: { template: { spec: { tolerations: unknown[]; serviceAccountName: string } } } };
      };
    };
    // Example stack: databases daily 02:30 Brisbane = 16:30 UTC; the pruner at 17:30 UTC.
    expect(cronJob.metadata.namespace).toBe("cnpg-system");
    expect([cronJob.spec.schedule, cronJob.spec.timeZone, cronJob.spec.concurrencyPolicy]).toEqual([
      "30 17 * * *",
      "Etc/UTC",
      "Forbid",
    ]);
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe(BACKUP_PRUNER);
    expect(pod.tolerations).toHaveLength(1);
    expect((body("ClusterRole") as unknown as { rules: unknown }).rules).toEqual([
      { apiGroups: ["postgresql.cnpg.io"], resources: ["backups"], verbs: ["list", "delete"] },
    ]);
  });

  test("the CronJob waits for its namespace and the binding that lets it list", () => {
    const objects = backupPruner({ namespace: "cnpg-system", schedule: "0 0 * * *", retain: 3 });
    expect(objects.at(-1)?.after).toEqual([
      "namespace/cluster/cnpg-system",
      "clusterrolebinding/cluster/database-backup-pruner",
    ]);
    expect(() => prunerScript(0)).toThrow("retain");
  });
});

const work = mkdtempSync(join(tmpdir(), "homelab-pruner-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FAKE_CURL = `#!/bin/sh
cat >/dev/null
for last; do :; done
case "$*" in
  *"-X GET"*) cat "$STATE/list.json" ;;
  *"-X DELETE"*) echo "$last" >>"$STATE/deleted"; echo '{"kind":"Status","status":"Success"}' ;;
esac
`;

/** A Backup as the API server lists it: keys sorted, managed fields and owner references included. */
const backup = (namespace: string, parent: string | undefined, name: string, phase?: string) =>
  JSON.stringify({
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Backup",
    metadata: {
      creationTimestamp: "2026-12-07T16:30:00Z",
      labels: { "cnpg.io/cluster": parent ?? "x", ...(parent ? { "cnpg.io/scheduled-backup": parent } : {}) },
      managedFields: [{ fieldsV1: { "f:status": { "f:phase": {} } }, manager: "manager" }],
      name,
      namespace,
      ownerReferences: [{ kind: "ScheduledBackup", name: parent ?? "x", uid: "u" }],
    },
    spec: { cluster: { name: parent ?? "x" }, method: "volumeSnapshot" },
    ...(phase ? { status: { method: "volumeSnapshot", phase } } : {}),
  });

const runPruner = (retain: number, items: string[]) => {
  const dir = join(work, `run-${retain}-${items.length}`);
  for (const sub of ["bin", "sa", "state"]) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, "bin/curl"), FAKE_CURL);
  chmodSync(join(dir, "bin/curl"), 0o755);
  writeFileSync(join(dir, "sa/token"), "sa-token");
  writeFileSync(
    join(dir, "state/list.json"),
    `{"apiVersion":"postgresql.cnpg.io/v1","items":[${items.join(",")}],"kind":"BackupList","metadata":{"resourceVersion":"9"}}`,
  );
  const run = Bun.spawnSync(["sh", "-c", prunerScript(retain)], {
    env: {
      PATH: `${join(dir, "bin")}:${process.env.PATH}`,
      STATE: join(dir, "state"),
      SA_DIR: join(dir, "sa"),
      API_SERVER: "https://api.test",
    },
  });
  const deleted = (() => {
    try {
      return readFileSync(join(dir, "state/deleted"), "utf8").trim().split("\n");
    } catch {
      return [];
    }
  })();
  return { code: run.exitCode, out: run.stdout.toString(), deleted };
};

describe("the pruner's script, run", () => {
  test("keeps the newest `retain` completed per schedule; deletes what is older, failed ones included", () => {
    const feeds = (time: string, phase?: string) => backup("feeds", "feeds-db", `feeds-db-${time}`, phase);
    const run = runPruner(2, [
      feeds("20261201163000", "completed"),
      feeds("20261202163000", "failed"),
      feeds("20261203163000", "completed"),
      feeds("20261204163000", "completed"),
      feeds("20261205163000", "failed"),
      feeds("20261206163000", "running"),
      // Another schedule with no more than `retain` completed loses none; one made by hand is never touched.
      backup("notes", "notes-db", "notes-db-20261201163000", "completed"),
      backup("notes", "notes-db", "notes-db-20261202163000", "completed"),
      backup("feeds", undefined, "before-upgrade", "completed"),
    ]);
    expect(run.code).toBe(0);
    expect(run.deleted).toEqual([
      "https://api.test/apis/postgresql.cnpg.io/v1/namespaces/feeds/backups/feeds-db-20261202163000",
      "https://api.test/apis/postgresql.cnpg.io/v1/namespaces/feeds/backups/feeds-db-20261201163000",
    ]);
    expect(run.out).toContain("deleted feeds/feeds-db-20261201163000");
  });
});
