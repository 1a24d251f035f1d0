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
import { CHART_STORAGE_CLASSES, RULES, type Rule } from "./rules.ts";

export interface StatefulRecord {
  /** `<layer>/<Kind>/<namespace>/<name>`: what Kubernetes knows it by. */ id: string;
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
  return rule?.stateful && typeof object.apiVersion === "string" && rule.apiVersion(object.apiVersion)
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

/**
 * The objects of one layer whose deletion or replacement loses data (claims, volumes, databases,
 * and the Namespaces that hold them), as `<Kind>/<namespace or ->/<name>`.
 */
export const dataHolders = (objects: readonly KubernetesObject[]): Set<string> => {
  const key = (object: KubernetesObject) =>
    `${object.kind}/${object.metadata?.namespace ?? "-"}/${object.metadata?.name ?? "?"}`;
  const held = objects.filter(
    (object) => object.kind !== "Namespace" && MUST_BE_PROTECTED.has(object.kind) && ruleFor(object),
  );
  const namespaces = new Set(held.map((object) => object.metadata?.namespace).filter(Boolean));
  const holding = objects.filter(
    (object) =>
      object.kind === "Namespace" && object.apiVersion === "v1" && namespaces.has(object.metadata?.name),
  );
  return new Set([...held, ...holding].map(key));
};
