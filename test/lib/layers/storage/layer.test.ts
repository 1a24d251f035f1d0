import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { storageContract, validateContract } from "../../../../lib/core/contracts.ts";
import { storageLayer } from "../../../../lib/layers/storage/layer.ts";
import type { KubernetesObject } from "../../../../lib/render/documents.ts";
import type { RenderedLayer } from "../../../../lib/render/render.ts";
import { parseConfig } from "../../../../programs/layers.ts";
import { EXAMPLE_STORAGE } from "../../../support/contracts.ts";
import { validateObject } from "../../../support/kubernetesModels.ts";
import { runLayerOffline } from "../../../support/layers.ts";
import { REFERENCE_SCHEMAS, renderedLayer, TEST_RUN, waitsFor } from "../../../support/render.ts";
import {
  RECURRING_JOB_SPEC_FIELDS,
  RECURRING_JOB_TASKS,
  recurringJobProblems,
  scheduledBackupProblems,
  volumeSnapshotClassProblems,
} from "../../../support/storageCrds.ts";

const CONTROL_PLANE = {
  key: "node-role.kubernetes.io/control-plane",
  operator: "Exists",
  effect: "NoSchedule",
};

const storage = (): Promise<RenderedLayer> => renderedLayer("storage");

const objects = async (kind?: string): Promise<KubernetesObject[]> =>
  (await storage()).documents.kubernetes
    .map((d) => d.body)
    .filter((o) => kind === undefined || o.kind === kind);

const helmRelease = async (name: string) => {
  const found = (await storage()).documents.helm.find((d) => d.body.name === name);
  if (!found) throw new Error(`no Helm release ${name}`);
  return found;
};

const resourceNamed = async (type: string, name: string) => {
  const found = (await storage()).resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
};

const CHART = "kubernetes:helm.sh/v4:Chart";

describe("storage layer (example stack)", () => {
  test("installs exactly the four pinned charts", async () => {
    const releases = (await storage()).documents.helm.map(({ body }) => ({
      name: body.name,
      chart: body.chart,
      version: body.version,
      repo: body.repo,
      namespace: body.namespace,
    }));
    expect(releases).toEqual([
      {
        name: "cloudnative-pg",
        chart: "cloudnative-pg",
        version: "0.29.0",
        repo: "https://cloudnative-pg.github.io/charts",
        namespace: "cnpg-system",
      },
      {
        name: "csi-driver-nfs",
        chart: "csi-driver-nfs",
        version: "4.13.4",
        repo: "https://kubernetes-csi.github.io/csi-driver-nfs",
        namespace: "kube-system",
      },
      {
        name: "snapshot-controller",
        chart: "snapshot-controller",
        version: "5.2.0",
        repo: "https://piraeus.io/helm-charts/",
        namespace: "kube-system",
      },
      {
        name: "longhorn",
        chart: "longhorn",
        version: "1.12.1",
        repo: "https://charts.longhorn.io",
        namespace: "longhorn-system",
      },
    ]);
  });

  describe("csi-driver-nfs and the nfs StorageClass", () => {
    test("chart values: one controller, no snapshotter, no chart-made StorageClass", async () => {
      expect((await helmRelease("csi-driver-nfs")).body.values).toEqual({
        controller: { replicas: 1 },
        externalSnapshotter: { enabled: false },
        storageClass: { create: false },
        driver: { name: "nfs.csi.k8s.io" },
      });
    });

    test("StorageClass nfs: NAS from config, a folder per claim, NFSv4.1, Retain", async () => {
      const [nfs] = (await objects("StorageClass")).filter((o) => o.metadata.name === "nfs");
      expect(nfs).toMatchObject({
        provisioner: "nfs.csi.k8s.io",
        reclaimPolicy: "Retain",
        volumeBindingMode: "Immediate",
        mountOptions: ["nfsvers=4.1"],
        parameters: {
          server: "nas.lan",
          share: "/volume1/kubernetes",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: csi-driver-nfs placeholders.
          subDir: "${pvc.metadata.namespace}/${pvc.metadata.name}",
          onDelete: "retain",
        },
      });
    });

    test("the StorageClass waits for the driver chart", async () => {
      const sc = await resourceNamed("kubernetes:storage.k8s.io/v1:StorageClass", "storageclass/cluster/nfs");
      const driver = await resourceNamed(CHART, "helm/kube-system/csi-driver-nfs");
      expect(sc.dependsOn).toContain(driver.urn);
    });
  });

  describe("Longhorn", () => {
    const values = async () =>
      (await helmRelease("longhorn")).body.values as Record<string, Record<string, unknown>>;

    test("namespace longhorn-system is privileged for Talos and protected", async () => {
      const [ns] = (await objects("Namespace")).filter((o) => o.metadata.name === "longhorn-system");
      expect(ns?.metadata.labels).toMatchObject({
        "pod-security.kubernetes.io/enforce": "privileged",
        "pod-security.kubernetes.io/audit": "privileged",
        "pod-security.kubernetes.io/warn": "privileged",
      });
      const resource = await resourceNamed(
        "kubernetes:core/v1:Namespace",
        "namespace/cluster/longhorn-system",
      );
      expect([resource.protect, resource.retainOnDelete]).toEqual([true, true]);
      const chart = await resourceNamed(CHART, "helm/longhorn-system/longhorn");
      expect(chart.dependsOn).toContain(resource.urn);
      expect([chart.protect, chart.retainOnDelete]).toEqual([true, true]);
    });

    test("every user-deployed component and the system-managed ones tolerate the control-plane taint", async () => {
      const v = await values();
      expect(v.global?.tolerations).toEqual([CONTROL_PLANE]);
      expect(v.longhornManager?.tolerations).toEqual([CONTROL_PLANE]);
      expect(v.longhornDriver?.tolerations).toEqual([CONTROL_PLANE]);
      expect(v.longhornUI?.tolerations).toEqual([CONTROL_PLANE]);
      expect(v.defaultSettings?.taintToleration).toBe("node-role.kubernetes.io/control-plane:NoSchedule");
    });

    test("settings for a control-plane-only cluster, replica count from config (2)", async () => {
      const v = await values();
      expect(v.defaultSettings).toEqual({
        taintToleration: "node-role.kubernetes.io/control-plane:NoSchedule",
        nodeDownPodDeletionPolicy: "do-nothing",
        defaultReplicaCount: 2,
        // The Talos >= 1.10 user volume: the default, and what the example sets.
        defaultDataPath: "/var/mnt/longhorn",
        concurrentReplicaRebuildPerNodeLimit: 1,
      });
      expect(v.persistence).toEqual({
        defaultClass: true,
        defaultClassReplicaCount: 2,
        reclaimPolicy: "Retain",
      });
    });

    test("conservative replicas and resources for 2-3 nodes", async () => {
      const v = await values();
      expect(v.csi).toEqual({
        attacherReplicaCount: 2,
        provisionerReplicaCount: 2,
        resizerReplicaCount: 2,
        snapshotterReplicaCount: 2,
      });
      expect(v.longhornUI?.replicas).toBe(1);
      expect(v.longhornManager?.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" } });
    });

    test("NFS backup target under defaultBackupStore, no pre-upgrade hook job", async () => {
      const v = await values();
      expect(v.defaultBackupStore).toEqual({ backupTarget: "nfs://nas.lan:/volume1/backups/longhorn" });
      expect(v.defaultSettings?.backupTarget).toBeUndefined();
      expect(v.preUpgradeChecker).toEqual({ jobEnabled: false });
    });
  });

  describe("recurring jobs", () => {
    const jobs = () => objects("RecurringJob");

    test("trim, backup (retain 7) and system backup at Brisbane local times as UTC cron", async () => {
      const specs = (await jobs()).map((job) => job.spec);
      expect(specs).toEqual([
        {
          name: "filesystem-trim",
          task: "filesystem-trim",
          cron: "0 16 * * 6", // Sunday 02:00 UTC+10 = Saturday 16:00 UTC
          retain: 0,
          concurrency: 1,
          groups: ["trim"],
          labels: {},
          parameters: {},
        },
        {
          name: "system-backup",
          task: "system-backup",
          cron: "0 18 * * 6", // Sunday 04:00 UTC+10 = Saturday 18:00 UTC
          retain: 4,
          concurrency: 1,
          groups: [],
          labels: {},
          parameters: { "volume-backup-policy": "if-not-present" },
        },
        {
          name: "volume-backup",
          task: "backup",
          cron: "0 17 * * *", // daily 03:00 UTC+10 = 17:00 UTC the day before
          retain: 7,
          concurrency: 1,
          groups: ["backup"],
          labels: {},
          parameters: {},
        },
      ]);
    });

    test("names fit Longhorn's 40-character limit and live in longhorn-system", async () => {
      const all = await jobs();
      expect(all.length).toBeGreaterThan(0);
      for (const job of all) {
        expect(job.metadata.name?.length ?? 99).toBeLessThanOrEqual(40);
        expect(job.metadata.namespace).toBe("longhorn-system");
      }
    });

    test("the exported job groups are the groups the jobs use", async () => {
      const { outputs } = await storage();
      const groups = (await jobs()).flatMap((job) => (job.spec as { groups: string[] }).groups);
      expect(groups).toContain(outputs.backupJobGroup as string);
      expect(groups).toContain(outputs.trimJobGroup as string);
    });
  });

  test("every custom resource comes after the chart that installs its CRD", async () => {
    const layer = await storage();
    const chartOf: Record<string, string> = {
      "longhorn.io": "helm/longhorn-system/longhorn",
      "postgresql.cnpg.io": "helm/cnpg-system/cloudnative-pg",
    };
    const custom = layer.documents.kubernetes.filter(({ body }) => body.apiVersion.includes("."));
    expect(custom.length).toBeGreaterThanOrEqual(3);
    for (const { resource, body } of custom) {
      const group = body.apiVersion.split("/")[0] ?? "";
      if (group.endsWith(".k8s.io")) continue; // built-in APIs (storage, rbac)
      const chartName = chartOf[group];
      expect(chartName).toBeDefined();
      const chart = await resourceNamed(CHART, chartName ?? "");
      expect(waitsFor(layer, resource.urn)).toContain(chart.urn);
    }
  });

  test("every StorageClass uses Retain (ours and the one Longhorn creates)", async () => {
    const classes = await objects("StorageClass");
    expect(classes.length).toBeGreaterThan(0);
    for (const sc of classes) expect(sc.reclaimPolicy).toBe("Retain");
    const longhorn = (await helmRelease("longhorn")).body.values as {
      persistence: { reclaimPolicy: string };
    };
    expect(longhorn.persistence.reclaimPolicy).toBe("Retain");
  });

  test("every rendered object validates (kubernetes-models, or the RecurringJob CRD's fields)", async () => {
    const results = await Promise.all(
      (await objects()).map(async (object) => ({ object, result: await validateObject(object) })),
    );
    const summary = results.map(({ object, result }) => {
      const id = `${object.kind}/${object.metadata.name}`;
      if (result.status === "valid") return `${id}: valid`;
      if (result.status === "invalid") return `${id}: ${result.message}`;
      if (object.kind !== "RecurringJob") return `${id}: no model and no structural check`;
      const problems = recurringJobProblems(object);
      return `${id}: ${problems.length === 0 ? "valid" : problems.join("; ")}`;
    });
    expect(summary.sort()).toEqual([
      "ClusterRole/database-backup-pruner: valid",
      "ClusterRole/longhorn-webhook-gate: valid",
      "ClusterRoleBinding/database-backup-pruner: valid",
      "ClusterRoleBinding/longhorn-webhook-gate: valid",
      "ConfigMap/database-backup-pruner: valid",
      "ConfigMap/longhorn-webhook-gate: valid",
      "CronJob/database-backup-pruner: valid",
      "Job/longhorn-webhook-gate: valid",
      "Namespace/cnpg-system: valid",
      "Namespace/longhorn-system: valid",
      "RecurringJob/filesystem-trim: valid",
      "RecurringJob/system-backup: valid",
      "RecurringJob/volume-backup: valid",
      "ServiceAccount/database-backup-pruner: valid",
      "ServiceAccount/longhorn-webhook-gate: valid",
      "StorageClass/nfs: valid",
      "VolumeSnapshotClass/longhorn-backup: valid",
    ]);
  });

  test("the structural check can fail", () => {
    expect(
      recurringJobProblems({
        apiVersion: "longhorn.io/v1beta2",
        kind: "RecurringJob",
        metadata: { name: "x" },
        spec: { name: "y", task: "backups", cron: "0 25 * *", retain: "7", schedule: "daily" },
      }),
    ).toEqual([
      "metadata.namespace is missing (the CRD is namespaced)",
      "spec.task must be one of snapshot, snapshot-force-create, snapshot-cleanup, snapshot-delete, backup, backup-force-create, filesystem-trim, system-backup",
      "spec.retain must be an integer",
      "spec.schedule is not a RecurringJob field",
      "spec.cron 0 25 * * is not a five-field cron",
      "spec.name must equal metadata.name",
    ]);
    expect(
      volumeSnapshotClassProblems({
        apiVersion: "snapshot.storage.k8s.io/v1",
        kind: "VolumeSnapshotClass",
        metadata: { name: "x", namespace: "y" },
        driver: "driver.longhorn.io",
        deletionPolicy: "Keep",
        parameters: { type: 1 },
        spec: {},
      }),
    ).toEqual([
      "unknown top-level field spec",
      "metadata.namespace must not be set (cluster-scoped)",
      "deletionPolicy must be Delete or Retain",
      "parameters must be a map of strings",
    ]);
    expect(
      scheduledBackupProblems({
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "ScheduledBackup",
        metadata: { name: "x", namespace: "y" },
        spec: { cluster: "db", schedule: "0 3 * * *", method: "snapshot" },
      }),
    ).toEqual([
      "spec.cluster must be { name }",
      "spec.method must be one of barmanObjectStore, volumeSnapshot, plugin",
      "spec.schedule is not a six-field cron",
    ]);
  });

  const CRD = join(REFERENCE_SCHEMAS, "crd-longhorn-recurringjob.yaml");
  test.skipIf(!existsSync(CRD))("the structural check's fields match the Longhorn 1.12.1 CRD", () => {
    const crd = parseYaml(readFileSync(CRD, "utf8")) as {
      spec: {
        versions: { name: string; schema: { openAPIV3Schema: { properties: Record<string, unknown> } } }[];
      };
    };
    const version = crd.spec.versions.find((v) => v.name === "v1beta2");
    const spec = version?.schema.openAPIV3Schema.properties.spec as {
      properties: Record<string, { type: string; enum?: string[] }>;
    };
    expect(Object.keys(RECURRING_JOB_SPEC_FIELDS).sort()).toEqual(Object.keys(spec.properties).sort());
    expect(spec.properties.task?.enum).toEqual([...RECURRING_JOB_TASKS]);
  });

  describe("CloudNativePG operator", () => {
    test("values under the chart's real keys", async () => {
      expect((await helmRelease("cloudnative-pg")).body.values).toEqual({
        replicaCount: 1,
        tolerations: [CONTROL_PLANE],
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
        crds: { create: true },
        config: { clusterWide: true },
        monitoring: { podMonitorEnabled: false, grafanaDashboard: { create: false } },
      });
    });

    test("its namespace exists first (baseline is enough) and both are protected", async () => {
      const ns = await resourceNamed("kubernetes:core/v1:Namespace", "namespace/cluster/cnpg-system");
      const chart = await resourceNamed(CHART, "helm/cnpg-system/cloudnative-pg");
      expect(chart.dependsOn).toContain(ns.urn);
      expect([ns.protect, ns.retainOnDelete, chart.protect, chart.retainOnDelete]).toEqual([
        true,
        true,
        true,
        true,
      ]);
      const [body] = (await objects("Namespace")).filter((o) => o.metadata.name === "cnpg-system");
      expect(body?.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBeUndefined();
    });
  });

  test("exports the storage contract with the real names, and each recurring job's local time", async () => {
    const { outputs } = await storage();
    expect(outputs).toEqual({
      ...EXAMPLE_STORAGE,
      recurringJobs: [
        { name: "filesystem-trim", task: "filesystem-trim", groups: ["trim"], localTime: "Sun 02:00" },
        { name: "volume-backup", task: "backup", groups: ["backup"], localTime: "daily 03:00" },
        { name: "system-backup", task: "system-backup", groups: [], localTime: "Sun 04:00" },
      ],
      localTimeZone: "Australia/Brisbane (UTC+10:00, no daylight saving)",
      databaseBackupLocalTime: "daily 02:30",
    });
    expect(validateContract(storageContract, outputs, "example").isOk()).toBe(true);
  });

  test("the render summary shows each job's local time, UTC cron and DST drift", async () => {
    const notes = (await storage()).notes;
    expect(notes).toContain(
      "Longhorn recurring jobs, local time Australia/Brisbane (UTC+10:00, no daylight saving):",
    );
    const line = (job: string) =>
      notes
        .find((note) => note.trim().startsWith(job))
        ?.replace(/\s+/g, " ")
        .trim();
    expect(line("filesystem-trim")).toBe(
      'filesystem-trim Sun 02:00 local cron "0 16 * * 6" (UTC, Sat 16:00) DST drift: none',
    );
    expect(line("volume-backup")).toBe(
      'volume-backup daily 03:00 local cron "0 17 * * *" (UTC, daily 17:00) DST drift: none',
    );
    expect(line("system-backup")).toBe(
      'system-backup Sun 04:00 local cron "0 18 * * 6" (UTC, Sat 18:00) DST drift: none',
    );
  });
});

describe("database backups: snapshot controller, Longhorn backup class, schedule", () => {
  test("the snapshot controller chart: its CRDs, one controller on the control plane, no webhook", async () => {
    const release = await helmRelease("snapshot-controller");
    expect(release.body.values).toEqual({
      installCRDs: true,
      controller: {
        replicaCount: 1,
        tolerations: [CONTROL_PLANE],
        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
      },
      webhook: { enabled: false },
      volumeSnapshotClasses: [],
    });
    const chart = await resourceNamed(CHART, "helm/kube-system/snapshot-controller");
    // Its CRDs hold every VolumeSnapshot that records a database backup.
    expect([chart.protect, chart.retainOnDelete]).toEqual([true, true]);
  });

  test("VolumeSnapshotClass longhorn-backup: Longhorn's CSI driver, type bak (a backup on the NAS)", async () => {
    const [snapshotClass] = await objects("VolumeSnapshotClass");
    expect(snapshotClass).toMatchObject({
      apiVersion: "snapshot.storage.k8s.io/v1",
      metadata: { name: "longhorn-backup" },
      driver: "driver.longhorn.io",
      // Delete: retention deletes a Backup, its snapshot, and so the Longhorn backup on the NAS.
      deletionPolicy: "Delete",
      parameters: { type: "bak" },
    });
    const layer = await storage();
    const resource = layer.documents.kubernetes.find(
      ({ body }) => body.kind === "VolumeSnapshotClass",
    )?.resource;
    const waits = waitsFor(layer, resource?.urn ?? "");
    for (const chart of ["helm/kube-system/snapshot-controller", "helm/longhorn-system/longhorn"])
      expect(waits).toContain((await resourceNamed(CHART, chart)).urn);
  });

  // [stack settings, six-field UTC cron of `daily 02:30` local, why]
  const zones: [Record<string, string>, string, string][] = [
    [{ timezone: "Australia/Brisbane" }, "0 30 16 * * *", "UTC+10: 02:30 is 16:30 UTC the day before"],
    [{ timezone_offset: "-5" }, "0 30 7 * * *", "UTC-5: 02:30 is 07:30 UTC"],
    [
      { timezone: "Europe/Berlin" },
      "0 30 1 * * *",
      "a DST zone: standard time UTC+1, an hour later in summer",
    ],
    [
      { timezone: "Australia/Brisbane", database_backup_schedule: "sun,wed 23:15" },
      "0 15 13 * * 0,3",
      "days stay",
    ],
    [
      { timezone_offset: "10", database_backup_schedule: "mon 01:00" },
      "0 0 15 * * 0",
      "Monday 01:00 is Sunday UTC",
    ],
  ];
  for (const [settings, cron, why] of zones)
    test(`${JSON.stringify(settings)} → "${cron}" (${why})`, async () => {
      const run = await runLayerOffline(storageLayer, { ...OTHER_RAW, ...settings }, {});
      expect(run.outputs.databaseBackupCron).toBe(cron);
    });

  test("the summary names the local time, the cron and the DST drift", async () => {
    const config = parseConfig("storage", { ...OTHER_RAW, timezone: "Europe/Berlin" })._unsafeUnwrap();
    const notes = storageLayer.evaluate(config, {}, TEST_RUN)._unsafeUnwrap().summary;
    expect(notes.find((note) => note.startsWith("Database backups"))).toBe(
      'Database backups (CloudNativePG volume snapshots of class longhorn-backup, Longhorn backups on the NAS): daily 02:30 local, cron "0 30 1 * * *" (UTC, daily 01:30), DST drift: +1h (runs daily 03:30 local while daylight saving is in effect)',
    );
  });
});

const OTHER_RAW = {
  nfs_hostname: "192.168.4.10",
  nfs_share_path: "/export/k8s",
  longhorn_nfs_backup_path: "/export/longhorn",
};

describe("storage layer, other stacks", () => {
  const raw = {
    nfs_hostname: "192.168.4.10",
    nfs_share_path: "/export/k8s",
    longhorn_nfs_backup_path: "/export/longhorn",
    longhorn_replica_count: "3",
    longhorn_data_path: "/var/lib/longhorn",
  };

  const render = async (extra: Record<string, string>) =>
    runLayerOffline(storageLayer, { ...raw, ...extra }, {});

  test("Europe/Berlin: cron in standard time; summary names the DST drift", async () => {
    const run = await render({ timezone: "Europe/Berlin", longhorn_backup_schedule: "daily 01:30" });
    const crons = Object.fromEntries(
      run.resources
        .filter((r) => r.type === "kubernetes:longhorn.io/v1beta2:RecurringJob")
        .map((r) => [r.name, (r.inputs.spec as { cron: string }).cron]),
    );
    expect(crons).toEqual({
      "recurringjob/longhorn-system/filesystem-trim": "0 1 * * 0",
      "recurringjob/longhorn-system/volume-backup": "30 0 * * *",
      "recurringjob/longhorn-system/system-backup": "0 3 * * 0",
    });
    const config = parseConfig("storage", { ...raw, timezone: "Europe/Berlin" })._unsafeUnwrap();
    const notes = storageLayer.evaluate(config, {}, TEST_RUN)._unsafeUnwrap().summary;
    expect(notes.find((n) => n.includes("recurring jobs"))).toMatch(
      /Europe\/Berlin \(cron follows standard time UTC\+01:00; daylight saving UTC\+02:00 from ~\d{4}-03-\d\d to ~\d{4}-10-\d\d\)/,
    );
    expect(notes.find((n) => n.includes("volume-backup"))).toContain(
      "DST drift: +1h (runs daily 04:00 local while daylight saving is in effect)",
    );
  });

  test("timezone_offset -5 (seed style), 3 replicas, the data path of Talos before 1.10", async () => {
    const run = await render({ timezone_offset: "-5" });
    const longhorn = run.resources.find(
      (r) => r.type === CHART && r.name === "helm/longhorn-system/longhorn",
    );
    const values = longhorn?.inputs.values as Record<string, Record<string, unknown>>;
    expect(values.defaultSettings?.defaultReplicaCount).toBe(3);
    expect(values.defaultSettings?.defaultDataPath).toBe("/var/lib/longhorn");
    expect(values.persistence?.defaultClassReplicaCount).toBe(3);
    expect(values.csi?.attacherReplicaCount).toBe(2);
    expect(values.defaultBackupStore).toEqual({ backupTarget: "nfs://192.168.4.10:/export/longhorn" });
    const backup = run.resources.find((r) => r.name === "recurringjob/longhorn-system/volume-backup");
    expect((backup?.inputs.spec as { cron?: string } | undefined)?.cron).toBe("0 8 * * *");
    expect(run.outputs.backupTarget).toBe("nfs://192.168.4.10:/export/longhorn");
  });

  test("without longhorn_data_path Longhorn uses the Talos >= 1.10 user volume", async () => {
    const { longhorn_data_path: _, ...withoutPath } = raw;
    const run = await runLayerOffline(storageLayer, { ...withoutPath, timezone: "UTC" }, {});
    const longhorn = run.resources.find((r) => r.name === "helm/longhorn-system/longhorn");
    const values = longhorn?.inputs.values as Record<string, Record<string, unknown>>;
    expect(values.defaultSettings?.defaultDataPath).toBe("/var/mnt/longhorn");
  });

  test("timezone and timezone_offset together are refused before any resource", async () => {
    await expect(render({ timezone: "Europe/Berlin", timezone_offset: "1" })).rejects.toThrow(
      /timezone_offset/,
    );
  });
});
