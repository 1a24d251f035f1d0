/**
 * Database backup retention: the pruner's objects in the storage layer (the program it runs is
 * tested in ./pruner/; verify:cluster runs that program against a real API server).
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BUN_IMAGE } from "../../../../lib/k8s/bunProgram.ts";
import {
  BACKUP_PRUNER,
  backupPruner,
  PRUNER_FILES,
  prunerArgs,
} from "../../../../lib/layers/storage/backupPruner.ts";
import { ROOT, renderedLayer } from "../../../support/render.ts";

interface Pod {
  tolerations: unknown[];
  serviceAccountName: string;
  containers: { image: string; command: string[] }[];
  volumes: unknown[];
}

describe("the pruner's objects", () => {
  test("a CronJob in cnpg-system an hour after the database backups (UTC), allowed to list and delete Backups and list Clusters, nothing more", async () => {
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
        jobTemplate: { spec: { template: { spec: Pod } } };
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
    // The example's database_backup_retain: 7.
    expect(pod.containers.map((c) => [c.image, c.command])).toEqual([
      [BUN_IMAGE, ["bun", "/pruner/prune.ts", "7"]],
    ]);
    expect(pod.volumes).toContainEqual({ name: "pruner", configMap: { name: BACKUP_PRUNER } });
    expect((body("ClusterRole") as unknown as { rules: unknown }).rules).toEqual([
      { apiGroups: ["postgresql.cnpg.io"], resources: ["backups"], verbs: ["list", "delete"] },
      { apiGroups: ["postgresql.cnpg.io"], resources: ["clusters"], verbs: ["list"] },
    ]);
  });

  test("the ConfigMap ships the program's two files verbatim", () => {
    const objects = backupPruner({ namespace: "cnpg-system", schedule: "0 0 * * *", retain: 3 });
    const config = objects.find((item) => item.object.kind === "ConfigMap")?.object as unknown as {
      data: Record<string, string>;
    };
    expect(Object.keys(config.data).sort()).toEqual(["prune.ts", "retention.ts"]);
    for (const file of ["prune.ts", "retention.ts"])
      expect(config.data[file]).toBe(readFileSync(join(ROOT, "lib/layers/storage/pruner", file), "utf8"));
    expect(config.data).toEqual(PRUNER_FILES);
  });

  test("the CronJob waits for its namespace, the binding that lets it list, and its program", () => {
    const objects = backupPruner({ namespace: "cnpg-system", schedule: "0 0 * * *", retain: 3 });
    expect(objects.at(-1)?.after).toEqual([
      "namespace/cluster/cnpg-system",
      "clusterrolebinding/cluster/database-backup-pruner",
      "configmap/cnpg-system/database-backup-pruner",
    ]);
    expect(prunerArgs(3)).toEqual(["3"]);
    expect(() => prunerArgs(0)).toThrow("retain");
  });
});
