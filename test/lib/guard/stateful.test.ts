import { describe, expect, test } from "bun:test";
import { statefulRecords } from "../../../lib/guard/records.ts";
import { compareStateful, unprotectedFindings } from "../../../lib/guard/stateful.ts";
import { bytes } from "../../../lib/k8s/quantity.ts";
import type { RecordedResource } from "../../../lib/pulumi/resources.ts";
import { type KubernetesObject, layerDocuments } from "../../../lib/render/documents.ts";
import { renderedStack } from "../../support/render.ts";

const pvc = (name: string, options: { size?: string; storageClass?: string; pulumiName?: string } = {}) => ({
  resource: { name: options.pulumiName ?? `${name}-pvc` } as RecordedResource,
  body: {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace: "demo" },
    spec: {
      storageClassName: options.storageClass ?? "longhorn",
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: options.size ?? "10Gi" } },
    },
  } as KubernetesObject,
});

const records = (...claims: ReturnType<typeof pvc>[]) =>
  statefulRecords([{ layer: "apps", documents: { kubernetes: claims, helm: [], external: [] } }]);

const baseline = records(pvc("data"));

describe("volume guard", () => {
  test("an unchanged volume passes", () => {
    expect(compareStateful(baseline, records(pvc("data")))).toEqual([]);
  });

  test("growing a volume passes", () => {
    expect(compareStateful(baseline, records(pvc("data", { size: "20Gi" })))).toEqual([]);
  });

  test("a deleted volume fails, naming it", () => {
    const [finding] = compareStateful(baseline, records());
    expect(finding?.where.object).toBe("apps/PersistentVolumeClaim/demo/data");
    expect(finding?.what).toContain("is deleted");
    expect(finding?.fix).toContain("bun run guard --accept");
  });

  test("a renamed volume is reported as a rename, not as a deletion and an addition", () => {
    const findings = compareStateful(baseline, records(pvc("app-data")));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.what).toContain("is renamed to apps/PersistentVolumeClaim/demo/app-data");
  });

  test("a changed storage class fails: the claim would be replaced", () => {
    const [finding] = compareStateful(baseline, records(pvc("data", { storageClass: "nfs" })));
    expect(finding?.what).toBe(
      'changes spec.storageClassName from "longhorn" to "nfs": the object would be replaced',
    );
  });

  test("a shrinking volume fails", () => {
    const [finding] = compareStateful(baseline, records(pvc("data", { size: "5Gi" })));
    expect(finding?.what).toBe("shrinks from 10Gi to 5Gi: volumes cannot shrink");
  });

  test("a renamed Pulumi resource fails: Pulumi would replace the claim", () => {
    const [finding] = compareStateful(baseline, records(pvc("data", { pulumiName: "demo-data" })));
    expect(finding?.what).toContain("changes its Pulumi resource name from data-pvc to demo-data");
    expect(finding?.fix).toContain('aliases: [{ name: "data-pvc" }]');
  });

  test("a new volume must be recorded so its later loss is caught", () => {
    const [finding] = compareStateful(baseline, records(pvc("data"), pvc("cache")));
    expect(finding?.where.object).toBe("apps/PersistentVolumeClaim/demo/cache");
    expect(finding?.what).toContain("not yet in the baseline");
  });

  test("Kubernetes quantities", () => {
    expect(bytes("10Gi")).toBe(10 * 2 ** 30);
    expect(bytes("500M")).toBe(5e8);
    expect(bytes("1.5Ti")).toBe(1.5 * 2 ** 40);
    expect(bytes("lots")).toBeUndefined();
  });
});

const object = (
  kind: string,
  apiVersion: string,
  name: string,
  rest: Record<string, unknown>,
  namespace?: string,
) => ({
  resource: {
    name,
    urn: `urn:pulumi:example::homelab-apps::kubernetes:x:${kind}::${name}`,
  } as RecordedResource,
  body: {
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    ...rest,
  } as KubernetesObject,
});
const recordsOf = (...objects: ReturnType<typeof object>[]) =>
  statefulRecords([{ layer: "apps", documents: { kubernetes: objects, helm: [], external: [] } }]);
const changes = (before: ReturnType<typeof object>, after: ReturnType<typeof object>) =>
  compareStateful(recordsOf(before), recordsOf(after)).map((finding) => finding.what);

const cluster = (spec: Record<string, unknown>) =>
  object(
    "Cluster",
    "postgresql.cnpg.io/v1",
    "db",
    {
      spec: {
        instances: 1,
        imageName: "ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie",
        storage: { size: "5Gi", storageClass: "longhorn" },
        ...spec,
      },
    },
    "app",
  );

const nfsPv = (name: string, namespace: string, policy = "Retain") =>
  object("PersistentVolume", "v1", `${namespace}-${name}`, {
    spec: {
      persistentVolumeReclaimPolicy: policy,
      storageClassName: "",
      accessModes: ["ReadWriteMany"],
      capacity: { storage: "1Gi" },
      claimRef: { namespace, name: `${namespace}-${name}` },
      csi: { driver: "nfs.csi.k8s.io", volumeHandle: `nas/share#${namespace}-${name}` },
    },
  });

describe("volume guard: what each field change means", () => {
  test("a PV that stops being retained fails with its own message", () => {
    expect(changes(nfsPv("data", "demo"), nfsPv("data", "demo", "Delete"))).toEqual([
      'changes spec.persistentVolumeReclaimPolicy from "Retain" to "Delete": its data would no longer be kept when it is deleted',
    ]);
  });

  test("a PV whose NFS export changes would be replaced", () => {
    const moved = nfsPv("data", "demo");
    (moved.body.spec as { csi: { volumeHandle: string } }).csi.volumeHandle = "nas/other#demo-data";
    expect(changes(nfsPv("data", "demo"), moved)[0]).toContain("changes spec.csi from");
  });

  test("a PV that follows its renamed app (claimRef, handle) is reported as a rename", () => {
    const findings = compareStateful(recordsOf(nfsPv("data", "demo")), recordsOf(nfsPv("data", "photos")));
    expect(findings.map((f) => `${f.where.object} ${f.what}`)).toEqual([
      "apps/PersistentVolume/-/demo-data is renamed to apps/PersistentVolume/-/photos-data: Kubernetes sees a deletion and a new, empty object",
    ]);
  });

  test("CloudNativePG: a new storage class, a smaller WAL volume, a major upgrade fail; a minor image bump passes", () => {
    expect(changes(cluster({}), cluster({ storage: { size: "5Gi", storageClass: "nfs" } }))).toEqual([
      'changes spec.storage.storageClass from "longhorn" to "nfs": the object would be replaced',
    ]);
    expect(
      changes(
        cluster({ walStorage: { size: "2Gi", storageClass: "longhorn" } }),
        cluster({ walStorage: { size: "1Gi", storageClass: "longhorn" } }),
      ),
    ).toEqual(["shrinks spec.walStorage.size from 2Gi to 1Gi: volumes cannot shrink"]);
    expect(
      changes(cluster({}), cluster({ imageName: "ghcr.io/cloudnative-pg/postgresql:18.5-system-trixie" })),
    ).toEqual([]);
    expect(
      changes(cluster({}), cluster({ imageName: "ghcr.io/cloudnative-pg/postgresql:19.0-system-trixie" }))[0],
    ).toContain("a PostgreSQL major version change (18 -> 19)");
    expect(
      changes(cluster({}), cluster({ storage: { pvcTemplate: { storageClassName: "nfs" }, size: "5Gi" } })),
    ).toEqual([
      'changes spec.storage.storageClass from "longhorn" to unset: the object would be replaced',
      'changes spec.storage.pvcTemplate.storageClassName from unset to "nfs": the object would be replaced',
    ]);
  });

  test("a Cluster of another API group is not a database", () => {
    expect(recordsOf(object("Cluster", "example.com/v1", "db", {}))).toEqual([]);
  });

  test("a StorageClass that stops retaining fails", () => {
    const sc = (reclaimPolicy: string) =>
      object("StorageClass", "storage.k8s.io/v1", "nfs", { provisioner: "nfs.csi.k8s.io", reclaimPolicy });
    expect(changes(sc("Retain"), sc("Delete"))).toEqual([
      'changes reclaimPolicy from "Retain" to "Delete": its data would no longer be kept when it is deleted',
    ]);
  });

  test("the Longhorn chart's StorageClass is guarded through its values (chart default Delete)", () => {
    const longhorn = (persistence: Record<string, unknown>) =>
      statefulRecords([
        {
          layer: "storage",
          documents: {
            kubernetes: [],
            external: [],
            helm: [
              {
                resource: { name: "longhorn" } as RecordedResource,
                body: {
                  name: "longhorn",
                  namespace: "longhorn-system",
                  chart: "longhorn",
                  repo: "https://charts.longhorn.io",
                  version: "1.12.1",
                  values: { persistence },
                },
              },
            ],
          },
        },
      ]);
    const before = longhorn({ reclaimPolicy: "Retain" });
    expect(before[0]?.id).toBe("storage/StorageClass/-/longhorn");
    expect(compareStateful(before, longhorn({})).map((f) => f.what)).toEqual([
      'changes persistence.reclaimPolicy from "Retain" to "Delete": its data would no longer be kept when it is deleted',
    ]);
  });

  test("a changed Pulumi type replaces the object too", () => {
    const before = recordsOf(nfsPv("data", "demo"));
    const after = before.map((record) => ({ ...record, pulumiType: "kubernetes:yaml/v2:ConfigGroup$x" }));
    expect(compareStateful(before, after)[0]?.what).toContain("changes its Pulumi resource type");
  });

  test("a size the guard cannot read is a finding, not a silent pass", () => {
    expect(compareStateful(records(pvc("data")), records(pvc("data", { size: "10G1" })))[0]?.what).toBe(
      "changes from 10Gi to 10G1, which the guard cannot compare as sizes",
    );
  });
});

/**
 * Protection is read from what the edge registers, not from hand-built records: the example
 * render's real plans, through planResources and layerDocuments, with every stateful resource's
 * protect and retainOnDelete set to each combination. Only both together protect the data.
 */
describe("unprotected data, from the real plans of every layer", () => {
  const combinations = [
    { protect: true, retainOnDelete: true, unprotected: false },
    { protect: true, retainOnDelete: false, unprotected: true },
    { protect: false, retainOnDelete: true, unprotected: true },
    { protect: false, retainOnDelete: false, unprotected: true },
  ];

  const withFlags = async (flags: Pick<RecordedResource, "protect" | "retainOnDelete">) =>
    (await renderedStack()).map(({ layer, resources }) => {
      const flagged = resources.map((resource) => (resource.protect ? { ...resource, ...flags } : resource));
      return { layer, documents: layerDocuments(flagged) };
    });

  test.each(combinations)(
    "protect $protect, retainOnDelete $retainOnDelete: unprotected $unprotected",
    async ({ protect, retainOnDelete, unprotected }) => {
      const records = statefulRecords(await withFlags({ protect, retainOnDelete }));
      const mustBeProtected = records.filter((record) => record.protected !== undefined).map(({ id }) => id);
      // Every kind that holds data, in every layer that has it, is among the records checked.
      expect(mustBeProtected).toEqual([
        "apps/Cluster/miniflux/miniflux-db",
        "apps/Namespace/-/demo",
        "apps/Namespace/-/miniflux",
        "apps/PersistentVolume/-/demo-data",
        "apps/PersistentVolumeClaim/demo/demo-data",
        "auth/Namespace/-/pocket-id",
        "auth/Namespace/-/tinyauth",
        "auth/PersistentVolumeClaim/pocket-id/pocket-id-data",
        "auth/PersistentVolumeClaim/tinyauth/tinyauth-data",
      ]);
      const findings = unprotectedFindings(records);
      expect(findings.map(({ where }) => where.object)).toEqual(unprotected ? mustBeProtected : []);
      for (const finding of findings) {
        expect(finding.what).toContain("is not protected in Pulumi (protect and retainOnDelete)");
        expect(finding.fix).toContain("the guard never accepts this");
      }
      // compareStateful reports them too, even against a baseline of the very same records.
      expect(compareStateful(records, records).map(({ where }) => where.object)).toEqual(
        unprotected ? mustBeProtected : [],
      );
    },
  );
});

describe("database restores", () => {
  const initdb = { initdb: { database: "app", owner: "app" } };
  const recovery = (backup: string, database = "app") => ({
    recovery: { backup: { name: backup }, database, owner: database },
  });
  const named = (name: string, bootstrap: object) => {
    const made = cluster({ bootstrap });
    return { ...made, body: { ...made.body, metadata: { name, namespace: "app" } } };
  };

  test("a restore beside the live database is an addition only", () => {
    const findings = compareStateful(
      recordsOf(named("db", initdb)),
      recordsOf(named("db", initdb), named("db-r20261207163000", recovery("db-20261207163000"))),
    );
    expect(findings.map((finding) => finding.what)).toEqual([
      expect.stringContaining("is new (an addition, no data at risk)"),
    ]);
  });

  test("restoring into the live database is refused as a replacement of its data", () => {
    expect(changes(named("db", initdb), named("db", recovery("db-20261207163000")))).toEqual([
      expect.stringContaining("a restore into the live database: CloudNativePG would bootstrap it again"),
    ]);
  });

  test("a restore that takes the live database's place is refused twice: deletion and restore", () => {
    const findings = compareStateful(
      recordsOf(named("db", initdb)),
      recordsOf(named("db-r20261207163000", recovery("db-20261207163000"))),
    ).map((finding) => finding.what);
    expect(findings).toContain(
      "restores db-20261207163000 of db, which this deploy does not keep: the live database would be deleted",
    );
    expect(findings.some((what) => what.includes("is renamed to") || what.includes("is deleted"))).toBe(true);
  });

  test("a backup of another database is refused", () => {
    const findings = compareStateful(
      recordsOf(named("db", initdb)),
      recordsOf(named("db", initdb), named("db-r20261207163000", recovery("db-20261207163000", "other"))),
    ).map((finding) => finding.what);
    expect(findings).toContain(
      "restores db-20261207163000, a backup of database app, as database other: not the same database",
    );
  });
});
