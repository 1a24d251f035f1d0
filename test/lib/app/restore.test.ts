/** Database backups and restores of an app: the ScheduledBackup, the recovery Cluster, the rules. */
import { describe, expect, test } from "bun:test";
import { withPostgres } from "../../../lib/app/index.ts";
import { type PlannedObject, renderApp } from "../../../lib/app/render.ts";
import { NO_APP_SECRETS } from "../../../lib/app/secrets.ts";
import { type AppSpec, app, pipe } from "../../../lib/app/spec.ts";
import { validateApp } from "../../../lib/app/validate.ts";
import { formatProblem } from "../../../lib/core/problem.ts";
import {
  CONTRACTS,
  clusterStructureProblems,
  cnpgClusterSchema,
  podSpec,
  schemaProblems,
  specOf,
} from "../../support/apps.ts";
import { scheduledBackupProblems } from "../../support/storageCrds.ts";

const feeds = (restore?: { from: string; switch?: boolean }, backup = true): AppSpec =>
  pipe(
    app("feeds", { image: "ghcr.io/example/feeds:1.0.0", port: 8080, user: 1000 }),
    withPostgres({ database: "feeds", backup, ...(restore ? { restore } : {}) }),
  );
const render = (spec: AppSpec): PlannedObject[] => renderApp(spec, CONTRACTS, NO_APP_SECRETS)._unsafeUnwrap();
const ids = (planned: PlannedObject[]) => planned.map((item) => item.id);
const objects = (spec: AppSpec, kind: string) =>
  render(spec)
    .map((item) => item.object)
    .filter((object) => object.kind === kind);
const envSecret = (spec: AppSpec): string =>
  podSpec(render(spec).map((item) => item.object)).containers[0].env.find(
    (env: { name: string }) => env.name === "DATABASE_URL",
  ).valueFrom.secretKeyRef.name;

describe("scheduled database backups", () => {
  test("one ScheduledBackup per cluster, named after it, at the storage contract's six-field UTC cron", () => {
    const [scheduled] = objects(feeds(), "ScheduledBackup");
    expect(scheduled?.metadata).toMatchObject({ name: "feeds-db", namespace: "feeds" });
    expect(specOf(scheduled as never)).toEqual({
      cluster: { name: "feeds-db" },
      method: "volumeSnapshot",
      schedule: CONTRACTS.storage.databaseBackupCron,
      immediate: true,
      backupOwnerReference: "none",
    });
    expect(scheduledBackupProblems(JSON.parse(JSON.stringify(scheduled)))).toEqual([]);
  });

  test("the schedule waits for its cluster; nothing but the cluster is protected", () => {
    const planned = render(feeds());
    const scheduled = planned.find((item) => item.object.kind === "ScheduledBackup");
    expect(scheduled?.after).toContain("cluster/feeds/feeds-db");
    expect(scheduled?.stateful).toBeUndefined();
  });

  test("backup: false: no snapshot backups and no schedule", () => {
    expect(objects(feeds(undefined, false), "ScheduledBackup")).toEqual([]);
    expect(specOf(objects(feeds(undefined, false), "Cluster")[0] as never).backup).toBeUndefined();
  });
});

describe("restore: a new cluster from a backup, beside the live one", () => {
  const restored = feeds({ from: "feeds-db-20261207163000" });

  test("renders the live cluster unchanged and a recovery cluster named after the backup's time", () => {
    const [live, copy] = objects(restored, "Cluster");
    expect(live).toEqual(objects(feeds(), "Cluster")[0] as never);
    expect(copy?.metadata.name).toBe("feeds-db-r20261207163000");
    expect(specOf(copy as never).bootstrap).toEqual({
      recovery: { backup: { name: "feeds-db-20261207163000" }, database: "feeds", owner: "feeds" },
    });
    for (const cluster of [live, copy])
      expect(clusterStructureProblems(JSON.parse(JSON.stringify(cluster)))).toEqual([]);
    expect(ids(render(restored))).toContain("scheduledbackup/feeds/feeds-db-r20261207163000");
  });

  const schema = cnpgClusterSchema();
  test.skipIf(schema === undefined)(
    "the recovery cluster validates against the Cluster CRD (reference copy)",
    () => {
      const copy = JSON.parse(JSON.stringify(objects(restored, "Cluster")[1]));
      expect(schemaProblems(copy, schema as NonNullable<typeof schema>)).toEqual([]);
    },
  );

  test("the app uses the restored database when switched (the default), the live one otherwise", () => {
    expect(envSecret(feeds())).toBe("feeds-db-app");
    expect(envSecret(restored)).toBe("feeds-db-r20261207163000-app");
    expect(envSecret(feeds({ from: "feeds-db-20261207163000", switch: false }))).toBe("feeds-db-app");
  });

  test("the backup must be one of this app's database's scheduled backups", () => {
    const problems = (from: string) => validateApp(feeds({ from })).map(formatProblem);
    expect(problems("feeds-db-20261207163000")).toEqual([]);
    expect(problems("other-db-20261207163000")).toEqual([
      expect.stringContaining(
        'restore.from "other-db-20261207163000" is a backup of other-db, not of this app\'s database feeds-db',
      ),
    ]);
    expect(problems("feeds-db-r20261207163000-20261208163000")).toEqual([
      expect.stringContaining("is a backup of feeds-db-r20261207163000, not of this app's database feeds-db"),
    ]);
    expect(problems("yesterday")).toEqual([expect.stringContaining("is not the name of a scheduled backup")]);
  });
});
