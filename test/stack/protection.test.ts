/**
 * Protection everywhere: every object that holds data, in every layer of the example render, is
 * protected in Pulumi and retained by Kubernetes; every storage class keeps volumes (Retain).
 */
import { describe, expect, test } from "bun:test";
import type { RecordedResource } from "../../lib/pulumi/resources.ts";
import type { HelmRelease, KubernetesObject, LayerDocuments } from "../../lib/render/documents.ts";
import { renderedStack } from "../support/render.ts";
import { protectionProblems } from "../support/safety.ts";

const resource = (name: string, flags: Partial<RecordedResource> = {}): RecordedResource => ({
  urn: `urn:pulumi:example::homelab-x::t::${name}`,
  type: "kubernetes:core/v1:PersistentVolumeClaim",
  name,
  custom: true,
  protect: true,
  retainOnDelete: true,
  dependsOn: [],
  timeouts: {},
  provider: "",
  inputs: {},
  ...flags,
});

const layer = (documents: Partial<LayerDocuments>) => ({
  layer: "apps" as const,
  documents: { kubernetes: [], helm: [], external: [], ...documents },
});

describe("every layer of the example render", () => {
  test("has no unprotected or unretained data and no storage class that deletes volumes", async () => {
    expect(protectionProblems(await renderedStack())).toEqual([]);
  });

  test("the walk sees the objects it is meant to check, in every layer that has them", async () => {
    const seen = (await renderedStack()).flatMap(({ layer, documents }) => [
      ...documents.kubernetes
        .filter(({ body }) =>
          ["PersistentVolumeClaim", "PersistentVolume", "Cluster", "StorageClass", "Namespace"].includes(
            body.kind,
          ),
        )
        .map(
          ({ body, resource }) =>
            `${layer} ${body.kind} ${body.metadata.name} ${resource.protect && resource.retainOnDelete}`,
        ),
      ...documents.helm
        .filter(({ body }) => body.chart === "longhorn")
        .map(({ body }) => `${layer} chart ${body.chart}`),
    ]);
    expect(seen).toEqual(
      expect.arrayContaining([
        "auth PersistentVolumeClaim pocket-id-data true",
        "auth PersistentVolumeClaim tinyauth-data true",
        "apps PersistentVolume demo-data true",
        "apps PersistentVolumeClaim demo-data true",
        "apps Cluster miniflux-db true",
        "auth Namespace pocket-id true",
        "auth Namespace tinyauth true",
        "storage StorageClass nfs false",
        "storage chart longhorn",
      ]),
    );
  });
});

describe("the protection walk fails on each kind of exception, naming the object", () => {
  const pvc: KubernetesObject = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "data", namespace: "demo" },
  };

  test("a claim without protect or retainOnDelete", () => {
    expect(
      protectionProblems([
        layer({
          kubernetes: [
            { resource: resource("demo/data", { protect: false, retainOnDelete: false }), body: pvc },
          ],
        }),
      ]),
    ).toEqual([
      "apps: PersistentVolumeClaim demo/data (Pulumi demo/data) is not protected in Pulumi (protect: true)",
      "apps: PersistentVolumeClaim demo/data (Pulumi demo/data) is not retained on delete in Pulumi (retainOnDelete: true)",
    ]);
  });

  test("a namespace holding a claim, unprotected (deleting it deletes the claim)", () => {
    const namespace: KubernetesObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } };
    const empty: KubernetesObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "web" } };
    expect(
      protectionProblems([
        layer({
          kubernetes: [
            { resource: resource("demo-ns", { protect: false }), body: namespace },
            { resource: resource("web-ns", { protect: false, retainOnDelete: false }), body: empty },
            { resource: resource("demo/data"), body: pvc },
          ],
        }),
      ]),
    ).toEqual(["apps: Namespace demo (Pulumi demo-ns) is not protected in Pulumi (protect: true)"]);
  });

  test("a database cluster that is only protected", () => {
    const cluster: KubernetesObject = {
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      metadata: { name: "db", namespace: "demo" },
    };
    expect(
      protectionProblems([
        layer({ kubernetes: [{ resource: resource("demo/db", { retainOnDelete: false }), body: cluster }] }),
      ]),
    ).toEqual([
      "apps: Cluster demo/db (Pulumi demo/db) is not retained on delete in Pulumi (retainOnDelete: true)",
    ]);
  });

  test("a PersistentVolume that is deleted with its claim", () => {
    const pv: KubernetesObject = {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: "demo-data" },
      spec: { persistentVolumeReclaimPolicy: "Delete" },
    };
    expect(
      protectionProblems([layer({ kubernetes: [{ resource: resource("demo-data"), body: pv }] })]),
    ).toEqual([
      "apps: PersistentVolume demo-data (Pulumi demo-data) has persistentVolumeReclaimPolicy Delete, not Retain",
    ]);
  });

  test("a StorageClass without reclaimPolicy (Kubernetes defaults to Delete), and an NFS class that deletes folders", () => {
    const sc: KubernetesObject = {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "nfs" },
      provisioner: "nfs.csi.k8s.io",
      parameters: { server: "nas.lan", share: "/x" },
    };
    expect(protectionProblems([layer({ kubernetes: [{ resource: resource("nfs"), body: sc }] })])).toEqual([
      "apps: StorageClass nfs (Pulumi nfs) has reclaimPolicy unset (Delete), not Retain",
      "apps: StorageClass nfs (Pulumi nfs) lets csi-driver-nfs delete the volume's folder (parameters.onDelete unset (delete))",
    ]);
  });

  test("Helm values: Longhorn without persistence.reclaimPolicy, or any reclaimPolicy other than Retain", () => {
    const release = (
      chart: string,
      values: Record<string, unknown>,
    ): { resource: RecordedResource; body: HelmRelease } => ({
      resource: resource(chart, { type: "kubernetes:helm.sh/v4:Chart" }),
      body: { name: chart, namespace: chart, chart, repo: "", version: "1", values },
    });
    expect(
      protectionProblems([
        layer({
          helm: [
            release("longhorn", { persistence: { defaultClass: true } }),
            release("csi-driver-nfs", { storageClass: { create: true, reclaimPolicy: "Delete" } }),
          ],
        }),
      ]),
    ).toEqual([
      "apps: Helm release longhorn/longhorn (chart longhorn, Pulumi longhorn) creates a StorageClass without persistence.reclaimPolicy: Retain (the chart default is Delete)",
      "apps: Helm release csi-driver-nfs/csi-driver-nfs (chart csi-driver-nfs, Pulumi csi-driver-nfs) sets storageClass.reclaimPolicy to Delete, not Retain",
    ]);
  });
});
