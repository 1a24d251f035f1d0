/**
 * The volume guard: every object that holds data (or decides where data lives) is reduced to its
 * identity and the fields whose change would delete, replace or stop retaining it; a change
 * against the committed baseline is a finding that names the object, what changed and how to
 * accept it on purpose.
 *
 * Stateful objects are PersistentVolumeClaims (a claim of a Longhorn class is a Longhorn volume),
 * PersistentVolumes, StorageClasses (rendered ones, and the `longhorn` class the Longhorn chart
 * creates from its `persistence.*` values), CloudNativePG Clusters and Longhorn Volume objects.
 */

import { bytes } from "../quantity.ts";
import type { HelmRelease, KubernetesObject, RenderedResource } from "../render/documents.ts";
import type { RenderedLayer } from "../render/render.ts";

/**
 * What a change of a field does:
 * - replace: Kubernetes (or the operator) cannot change it in place, so the object is recreated;
 * - retention: the data would no longer be kept when the object goes away (reclaim policies);
 * - bootstrap: only read when the database is created, so a recreated cluster starts differently;
 * - major: a PostgreSQL image whose major version changes needs a major upgrade of the data.
 */
type Effect = "replace" | "retention" | "bootstrap" | "major";

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

const EFFECTS: Readonly<Record<string, Effect>> = Object.fromEntries(
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
}

export interface Finding {
  id: string;
  change: string;
  fix: string;
}

const at = (object: unknown, path: string): unknown =>
  path
    .split(".")
    .reduce<unknown>(
      (value, key) =>
        typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      object,
    );

/** Stable text for any value, with map keys sorted, so equal values compare equal. */
const canonical = (value: unknown): string =>
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
    .map((path) => [path, at(body, path)] as const)
    .filter((entry): entry is readonly [string, string] => typeof entry[1] === "string");
  const [main, ...others] = rule.sizes;
  const mainSize = sizes.find(([path]) => path === main)?.[1];
  const otherSizes = sizes.filter(([path]) => others.includes(path));
  const pulumiType = pulumiTypeOf(resource.urn);
  return {
    id: `${layer}/${body.kind}/${body.metadata?.namespace ?? "-"}/${body.metadata?.name ?? "?"}`,
    pulumiName: resource.name,
    ...(pulumiType ? { pulumiType } : {}),
    ...(mainSize === undefined ? {} : { size: mainSize }),
    ...(otherSizes.length > 0 ? { sizes: Object.fromEntries(otherSizes) } : {}),
    fields: Object.fromEntries(
      Object.keys(rule.fields)
        .map((path) => [path, at(body, path)] as const)
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
          canonical(at(body.values, path) ?? chartDefault),
        ]),
      ),
    },
  ];
};

export const statefulRecords = (
  layers: readonly Pick<RenderedLayer, "layer" | "documents">[],
): StatefulRecord[] =>
  layers
    .flatMap(({ layer, documents }) => [
      ...documents.kubernetes.flatMap((rendered) => {
        const rule = ruleFor(rendered.body);
        return rule ? [objectRecord(layer, rendered, rule)] : [];
      }),
      ...documents.helm.flatMap((release) => chartRecords(layer, release)),
    ])
    .sort((a, b) => a.id.localeCompare(b.id));

/** The PostgreSQL major version of a CloudNativePG image reference such as `.../postgresql:18.4-system-trixie`. */
export const postgresMajor = (image: string): string | undefined =>
  /:(\d+)(?:[.\-@]|$)/.exec(image.slice(image.lastIndexOf("/") + 1))?.[1];

const ACCEPT =
  "if this is intended, back the data up, then accept it: bun run guard --accept (commit the new baseline with the change)";

const kindOf = (record: StatefulRecord): string => record.id.split("/")[1] ?? "";
const layerOf = (record: StatefulRecord): string => record.id.split("/")[0] ?? "";

/** The names an object is known by: its own, its namespace's, and for a PV those of its claim. */
const identities = (record: StatefulRecord): string[] => {
  const [, , namespace = "-", name = ""] = record.id.split("/");
  const claim = ["spec.claimRef.namespace", "spec.claimRef.name"].flatMap((path) => {
    const value = record.fields[path];
    return value === undefined ? [] : [JSON.parse(value) as unknown];
  });
  return [name, ...(namespace === "-" ? [] : [namespace]), ...claim].filter(
    (value): value is string => typeof value === "string" && value !== "",
  );
};

/** The record's fields with its own names replaced by placeholders (whole strings, and its name inside strings). */
const anonymous = (record: StatefulRecord): string => {
  const names = identities(record);
  const name = names[0] ?? "";
  const strip = (value: unknown): unknown => {
    if (typeof value === "string") {
      const index = names.indexOf(value);
      return index >= 0 ? `<name ${index}>` : name === "" ? value : value.split(name).join("<name 0>");
    }
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value === "object" && value !== null)
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, strip(inner)]));
    return value;
  };
  return canonical(
    Object.fromEntries(
      Object.entries(record.fields).map(([path, value]) => [path, strip(JSON.parse(value) as unknown)]),
    ),
  );
};

/**
 * Whether `candidate` is `old` under another name: same layer and kind, and the same fields once
 * each one's own names are set aside (a renamed app's PV handle and claim reference follow it).
 */
const isRenameOf = (old: StatefulRecord, candidate: StatefulRecord): boolean =>
  kindOf(old) === kindOf(candidate) &&
  layerOf(old) === layerOf(candidate) &&
  (canonical(old.fields) === canonical(candidate.fields) || anonymous(old) === anonymous(candidate));

const unset = (value: string | undefined): string => value ?? "unset";

const fieldFinding = (id: string, field: string, before?: string, after?: string): Finding | undefined => {
  const from = `${field} from ${unset(before)} to ${unset(after)}`;
  switch (EFFECTS[field] ?? "replace") {
    case "retention":
      return {
        id,
        change: `changes ${from}: its data would no longer be kept when it is deleted`,
        fix: `keep Retain, or ${ACCEPT}`,
      };
    case "bootstrap":
      return {
        id,
        change: `changes ${from}: bootstrap is only read when the database is created, so this only matters to a new, empty database`,
        fix: `create a new cluster and move the data, or ${ACCEPT}`,
      };
    case "major": {
      const was = before === undefined ? undefined : postgresMajor(JSON.parse(before) as string);
      const now = after === undefined ? undefined : postgresMajor(JSON.parse(after) as string);
      if (was !== undefined && was === now) return undefined; // minor upgrades roll in place
      return {
        id,
        change: `changes ${from}: a PostgreSQL major version change (${was ?? "?"} -> ${now ?? "?"}) rewrites the data directory`,
        fix: `back the database up and follow CloudNativePG's major upgrade steps, then ${ACCEPT}`,
      };
    }
    default:
      return {
        id,
        change: `changes ${from}: the object would be replaced`,
        fix: `migrate the data to a new object instead, or ${ACCEPT}`,
      };
  }
};

const sizeFinding = (id: string, label: string, before?: string, after?: string): Finding | undefined => {
  if (before === undefined || after === undefined || before === after) return undefined;
  const [was, now] = [bytes(before), bytes(after)];
  if (was === undefined || now === undefined)
    return {
      id,
      change: `changes ${label}from ${before} to ${after}, which the guard cannot compare as sizes`,
      fix: `write sizes like 10Gi, or ${ACCEPT}`,
    };
  return now < was
    ? {
        id,
        change: `shrinks ${label}from ${before} to ${after}: volumes cannot shrink`,
        fix: `keep ${before} or more, or ${ACCEPT}`,
      }
    : undefined;
};

/** Every change from `baseline` to `current` that would delete, replace, shrink or stop retaining stored data. */
export const compareStateful = (
  baseline: readonly StatefulRecord[],
  current: readonly StatefulRecord[],
): Finding[] => {
  const now = new Map(current.map((record) => [record.id, record]));
  const before = new Map(baseline.map((record) => [record.id, record]));
  const added = current.filter((record) => !before.has(record.id));
  const findings: Finding[] = [];
  const renamed = new Set<string>();

  for (const old of baseline) {
    const record = now.get(old.id);
    if (!record) {
      const renamedTo = added.find((candidate) => !renamed.has(candidate.id) && isRenameOf(old, candidate));
      if (renamedTo) renamed.add(renamedTo.id);
      findings.push({
        id: old.id,
        change: renamedTo
          ? `is renamed to ${renamedTo.id}: Kubernetes sees a deletion and a new, empty object`
          : "is deleted: its data would be lost",
        fix: renamedTo ? `keep the old name, or ${ACCEPT}` : `restore the code that created it, or ${ACCEPT}`,
      });
      continue;
    }
    if (record.pulumiName !== old.pulumiName) {
      findings.push({
        id: old.id,
        change: `changes its Pulumi resource name from ${old.pulumiName} to ${record.pulumiName}: Pulumi would delete and recreate it`,
        fix: `keep the Pulumi name, or add an alias ({ aliases: [{ name: "${old.pulumiName}" }] }), or ${ACCEPT}`,
      });
    } else if (old.pulumiType && record.pulumiType && old.pulumiType !== record.pulumiType) {
      findings.push({
        id: old.id,
        change: `changes its Pulumi resource type from ${old.pulumiType} to ${record.pulumiType}: Pulumi would delete and recreate it`,
        fix: `keep the resource type and parent, or add an alias, or ${ACCEPT}`,
      });
    }
    for (const field of new Set([...Object.keys(old.fields), ...Object.keys(record.fields)])) {
      if (old.fields[field] === record.fields[field]) continue;
      const finding = fieldFinding(old.id, field, old.fields[field], record.fields[field]);
      if (finding) findings.push(finding);
    }
    const mainSize = sizeFinding(old.id, "", old.size, record.size);
    if (mainSize) findings.push(mainSize);
    for (const [path, size] of Object.entries(old.sizes ?? {})) {
      const finding = sizeFinding(old.id, `${path} `, size, record.sizes?.[path]);
      if (finding) findings.push(finding);
    }
  }
  for (const record of added.filter((candidate) => !renamed.has(candidate.id))) {
    findings.push({
      id: record.id,
      change: "is new and not yet in the baseline, so nothing would stop its later loss",
      fix: "record it: bun run guard --accept (commit the new baseline with the change)",
    });
  }
  return findings;
};

export const formatFinding = (finding: Finding): string =>
  `${finding.id} ${finding.change}.\n    fix: ${finding.fix}`;
