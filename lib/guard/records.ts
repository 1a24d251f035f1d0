/**
 * The volume guard: every object that holds data (or decides where data lives) is reduced to its
 * identity and the fields whose change would delete, replace or stop retaining it; a change
 * against the committed baseline is a finding that names the object, what changed and how to
 * accept it on purpose.
 *
 * Stateful objects are PersistentVolumeClaims (a claim of a Longhorn class is a Longhorn volume),
 * PersistentVolumes, StorageClasses (rendered ones, and the `longhorn` class the Longhorn chart
 * creates from its `persistence.*` values), CloudNativePG Clusters, Longhorn Volume objects, and
 * the Namespaces that hold any of them. This module reduces rendered objects to records;
 * stateful.ts compares records.
 */

import { valueAt } from "../core/plan.ts";
import type { RecordedResource } from "../pulumi/resources.ts";
import type { HelmRelease, KubernetesObject, LayerDocuments, RenderedResource } from "../render/documents.ts";
import type { RenderedLayer } from "../render/render.ts";

/**
 * What a change of a field does:
 * - replace: Kubernetes (or the operator) cannot change it in place, so the object is recreated;
 * - retention: the data would no longer be kept when the object goes away (reclaim policies);
 * - bootstrap: only read when the database is created, so a recreated cluster starts differently;
 * - major: a PostgreSQL image whose major version changes needs a major upgrade of the data.
 */
export type Effect = "replace" | "retention" | "bootstrap" | "major";

interface Rule {
  /** Which API group/version the kind must come from (a `Cluster` or `Volume` of another API is not ours). */
  apiVersion: (apiVersion: string) => boolean;
  fields: Readonly<Record<string, Effect>>;
  /** Where it keeps sizes, which may grow but never shrink; the first is the main size. */
  sizes: readonly string[];
}

const core = (apiVersion: string) => apiVersion === "v1";
const group = (name: string) => (apiVersion: string) => apiVersion.startsWith(`${name}/`);

const RULES: Readonly<Record<string, Rule>> = {
  PersistentVolumeClaim: {
    apiVersion: core,
    fields: {
      "spec.storageClassName": "replace",
      "spec.accessModes": "replace",
      "spec.volumeMode": "replace",
      "spec.volumeName": "replace",
      "spec.selector": "replace",
      "spec.dataSource": "replace",
      "spec.dataSourceRef": "replace",
    },
    sizes: ["spec.resources.requests.storage"],
  },
  PersistentVolume: {
    apiVersion: core,
    fields: {
      "spec.storageClassName": "replace",
      "spec.accessModes": "replace",
      "spec.volumeMode": "replace",
      "spec.nfs": "replace",
      "spec.csi": "replace",
      "spec.hostPath": "replace",
      "spec.local": "replace",
      "spec.iscsi": "replace",
      "spec.nodeAffinity": "replace",
      "spec.claimRef.namespace": "replace",
      "spec.claimRef.name": "replace",
      "spec.persistentVolumeReclaimPolicy": "retention",
    },
    sizes: ["spec.capacity.storage"],
  },
  StorageClass: {
    apiVersion: group("storage.k8s.io"),
    fields: {
      provisioner: "replace",
      parameters: "replace",
      volumeBindingMode: "replace",
      mountOptions: "replace",
      reclaimPolicy: "retention",
    },
    sizes: [],
  },
  Cluster: {
    apiVersion: group("postgresql.cnpg.io"),
    fields: {
      "spec.storage.storageClass": "replace",
      "spec.storage.pvcTemplate.storageClassName": "replace",
      "spec.storage.pvcTemplate.accessModes": "replace",
      "spec.walStorage.storageClass": "replace",
      "spec.walStorage.pvcTemplate.storageClassName": "replace",
      "spec.bootstrap": "bootstrap",
      "spec.imageName": "major",
    },
    sizes: [
      "spec.storage.size",
      "spec.storage.pvcTemplate.resources.requests.storage",
      "spec.walStorage.size",
    ],
  },
  Volume: {
    apiVersion: group("longhorn.io"),
    fields: {
      "spec.dataEngine": "replace",
      "spec.encrypted": "replace",
      "spec.frontend": "replace",
      "spec.fromBackup": "replace",
    },
    sizes: ["spec.size"],
  },
};

/**
 * Helm charts that create a StorageClass from their values: the class name, and the values that
 * become its fields (with the chart's own default when a value is unset).
 */
const CHART_STORAGE_CLASSES: Readonly<
  Record<
    string,
    { name: string; fields: Readonly<Record<string, { effect: Effect; chartDefault: unknown }>> }
  >
> = {
  // Longhorn 1.12.1 chart: the `longhorn` class, reclaimPolicy Delete and ext4 unless set.
  longhorn: {
    name: "longhorn",
    fields: {
      "persistence.reclaimPolicy": { effect: "retention", chartDefault: "Delete" },
      "persistence.defaultFsType": { effect: "replace", chartDefault: "ext4" },
      "persistence.defaultDataLocality": { effect: "replace", chartDefault: "disabled" },
    },
  },
};

export const EFFECTS: Readonly<Record<string, Effect>> = Object.fromEntries(
  [
    ...Object.values(RULES).flatMap((rule) => Object.entries(rule.fields)),
    ...Object.values(CHART_STORAGE_CLASSES).flatMap((chart) =>
      Object.entries(chart.fields).map(([path, { effect }]) => [path, effect] as const),
    ),
  ].map(([path, effect]) => [path, effect]),
);

export interface StatefulRecord {
  /** `<layer>/<Kind>/<namespace>/<name>`: what Kubernetes knows it by. */
  id: string;
  /** The Pulumi resource name: renaming it makes Pulumi delete and recreate the object. */
  pulumiName: string;
  /** The Pulumi resource type (with its parents' types): changing it also replaces the object. */
  pulumiType?: string;
  /** The main size (PVC request, PV capacity, database volume). */
  size?: string;
  /** Other sizes, by field path (e.g. the CloudNativePG WAL volume). */
  sizes?: Record<string, string>;
  fields: Record<string, string>;
  /**
   * Whether Pulumi protects it and keeps it on delete (protect + retainOnDelete); absent for kinds
   * that hold no data themselves (StorageClasses) and where the render did not say.
   */
  protected?: boolean;
}

/** Kinds whose deletion deletes data: they must stay protected in Pulumi. */
const MUST_BE_PROTECTED = new Set([
  "PersistentVolumeClaim",
  "PersistentVolume",
  "Cluster",
  "Volume",
  "Namespace",
]);

/** `protected` for a record of `kind`, when the render recorded Pulumi's options. */
const protection = (kind: string, resource: RecordedResource): { protected?: boolean } =>
  MUST_BE_PROTECTED.has(kind) && typeof resource.protect === "boolean"
    ? { protected: resource.protect && resource.retainOnDelete === true }
    : {};

/** Stable text for any value, with map keys sorted, so equal values compare equal. */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  ) ?? "null";

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>` -> the type chain. */
const pulumiTypeOf = (urn: string | undefined): string | undefined => urn?.split("::")[2];

const ruleFor = (object: KubernetesObject): Rule | undefined => {
  const rule = RULES[object.kind];
  return rule && typeof object.apiVersion === "string" && rule.apiVersion(object.apiVersion)
    ? rule
    : undefined;
};

const objectRecord = (
  layer: string,
  { body, resource }: RenderedResource<KubernetesObject>,
  rule: Rule,
): StatefulRecord => {
  const sizes = rule.sizes
    .map((path) => [path, valueAt(body, path)] as const)
    .filter((entry): entry is readonly [string, string] => typeof entry[1] === "string");
  const [main, ...others] = rule.sizes;
  const mainSize = sizes.find(([path]) => path === main)?.[1];
  const otherSizes = sizes.filter(([path]) => others.includes(path));
  const pulumiType = pulumiTypeOf(resource.urn);
  return {
    id: `${layer}/${body.kind}/${body.metadata?.namespace ?? "-"}/${body.metadata?.name ?? "?"}`,
    pulumiName: resource.name,
    ...(pulumiType ? { pulumiType } : {}),
    ...protection(body.kind, resource),
    ...(mainSize === undefined ? {} : { size: mainSize }),
    ...(otherSizes.length > 0 ? { sizes: Object.fromEntries(otherSizes) } : {}),
    fields: Object.fromEntries(
      Object.keys(rule.fields)
        .map((path) => [path, valueAt(body, path)] as const)
        .filter(([, value]) => value !== undefined)
        .map(([path, value]) => [path, canonical(value)]),
    ),
  };
};

const chartRecords = (layer: string, { body, resource }: RenderedResource<HelmRelease>): StatefulRecord[] => {
  const chart = CHART_STORAGE_CLASSES[body.chart];
  if (!chart) return [];
  const pulumiType = pulumiTypeOf(resource.urn);
  return [
    {
      id: `${layer}/StorageClass/-/${chart.name}`,
      pulumiName: resource.name,
      ...(pulumiType ? { pulumiType } : {}),
      fields: Object.fromEntries(
        Object.entries(chart.fields).map(([path, { chartDefault }]) => [
          path,
          canonical(valueAt(body.values, path) ?? chartDefault),
        ]),
      ),
    },
  ];
};

/**
 * The Namespaces that hold a recorded claim, volume or database of the same layer: deleting one
 * deletes what it holds, so the guard keeps them like the data.
 */
const namespaceRecords = (
  layer: string,
  documents: LayerDocuments,
  held: readonly StatefulRecord[],
): StatefulRecord[] => {
  const holding = new Set(held.map((record) => record.id.split("/")[2]).filter((ns) => ns && ns !== "-"));
  return documents.kubernetes
    .filter(
      ({ body }) => body.apiVersion === "v1" && body.kind === "Namespace" && holding.has(body.metadata?.name),
    )
    .map(({ body, resource }) => {
      const pulumiType = pulumiTypeOf(resource.urn);
      return {
        id: `${layer}/Namespace/-/${body.metadata?.name ?? "?"}`,
        pulumiName: resource.name,
        ...(pulumiType ? { pulumiType } : {}),
        ...protection("Namespace", resource),
        fields: {},
      };
    });
};

export const statefulRecords = (
  layers: readonly Pick<RenderedLayer, "layer" | "documents">[],
): StatefulRecord[] =>
  layers
    .flatMap(({ layer, documents }) => {
      const objects = documents.kubernetes.flatMap((rendered) => {
        const rule = ruleFor(rendered.body);
        return rule ? [objectRecord(layer, rendered, rule)] : [];
      });
      return [
        ...objects,
        ...namespaceRecords(layer, documents, objects),
        ...documents.helm.flatMap((release) => chartRecords(layer, release)),
      ];
    })
    .sort((a, b) => a.id.localeCompare(b.id));
