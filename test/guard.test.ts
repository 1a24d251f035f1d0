import { describe, expect, test } from "bun:test";
import { compareStateful, quantityBytes, statefulRecords } from "../lib/guard/stateful.ts";
import type { KubernetesObject } from "../lib/render/documents.ts";
import type { RecordedResource } from "../lib/render/mockRuntime.ts";

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
    expect(finding?.id).toBe("apps/PersistentVolumeClaim/demo/data");
    expect(finding?.change).toContain("is deleted");
    expect(finding?.fix).toContain("bun run guard --accept");
  });

  test("a renamed volume is reported as a rename, not as a deletion and an addition", () => {
    const findings = compareStateful(baseline, records(pvc("app-data")));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.change).toContain("is renamed to apps/PersistentVolumeClaim/demo/app-data");
  });

  test("a changed storage class fails: the claim would be replaced", () => {
    const [finding] = compareStateful(baseline, records(pvc("data", { storageClass: "nfs" })));
    expect(finding?.change).toBe(
      'changes spec.storageClassName from "longhorn" to "nfs": the object would be replaced',
    );
  });

  test("a shrinking volume fails", () => {
    const [finding] = compareStateful(baseline, records(pvc("data", { size: "5Gi" })));
    expect(finding?.change).toBe("shrinks from 10Gi to 5Gi: volumes cannot shrink");
  });

  test("a renamed Pulumi resource fails: Pulumi would replace the claim", () => {
    const [finding] = compareStateful(baseline, records(pvc("data", { pulumiName: "demo-data" })));
    expect(finding?.change).toContain("changes its Pulumi resource name from data-pvc to demo-data");
    expect(finding?.fix).toContain('aliases: [{ name: "data-pvc" }]');
  });

  test("a new volume must be recorded so its later loss is caught", () => {
    const [finding] = compareStateful(baseline, records(pvc("data"), pvc("cache")));
    expect(finding?.id).toBe("apps/PersistentVolumeClaim/demo/cache");
    expect(finding?.change).toContain("not yet in the baseline");
  });

  test("Kubernetes quantities", () => {
    expect(quantityBytes("10Gi")).toBe(10 * 2 ** 30);
    expect(quantityBytes("500M")).toBe(5e8);
    expect(quantityBytes("1.5Ti")).toBe(1.5 * 2 ** 40);
    expect(quantityBytes("lots")).toBeNaN();
  });
});
