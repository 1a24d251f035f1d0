/**
 * The one table of fields a deploy cannot change in place, with their sources: what the volume
 * guard (records.ts, stateful.ts) checks on objects that hold data, and what `bun run diff`
 * (lib/render/diff.ts) uses to tell a replacement from an update in place for every kind we render.
 * pulumi-kubernetes replaces an object on a change of any field Kubernetes refuses to update, so
 * the rules are Kubernetes's (and the operators' for their custom kinds).
 */
import type { KubernetesObject } from "../render/documents.ts";

/**
 * What a change of a field does:
 * - replace: Kubernetes (or the operator) cannot change it in place, so the object is recreated;
 * - retention: the data would no longer be kept when the object goes away (reclaim policies);
 * - bootstrap: only read when the database is created, so a recreated cluster starts differently;
 * - major: a PostgreSQL image whose major version changes needs a major upgrade of the data.
 */
export type Effect = "replace" | "retention" | "bootstrap" | "major";

export interface Rule {
  /** Which API group/version the kind must come from (a `Cluster` or `Volume` of another API is not ours). */
  apiVersion: (apiVersion: string) => boolean;
  fields: Readonly<Record<string, Effect>>;
  /** Where it keeps sizes, which may grow but never shrink; the first is the main size. */
  sizes: readonly string[];
  /**
   * Whether the guard records it (it holds data or decides where data lives). The kinds that do not
   * are here only for `bun run diff`, which needs their immutable fields too.
   */
  stateful: boolean;
  /** Fields with another effect (retention) that Kubernetes also refuses to change in place. */
  immutable?: readonly string[];
  /** Where the rule comes from. */
  source: string;
}

const K8S_API = "Kubernetes API reference (fields marked immutable) and the API server's validation";

const core = (apiVersion: string) => apiVersion === "v1";
const group = (name: string) => (apiVersion: string) => apiVersion.startsWith(`${name}/`);

export const RULES: Readonly<Record<string, Rule>> = {
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
    stateful: true,
    source: K8S_API,
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
    stateful: true,
    source: K8S_API,
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
    stateful: true,
    immutable: ["reclaimPolicy"],
    source: K8S_API,
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
    stateful: true,
    source:
      "CloudNativePG API reference: storage classes and PVC templates are read when instances are created",
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
    stateful: true,
    source:
      "Longhorn Volume CRD (longhorn.io/v1beta2): engine, encryption, frontend and backup source are fixed at creation",
  },
  // Kinds that hold no data, whose immutable fields still make a deploy replace them.
  Deployment: {
    apiVersion: group("apps"),
    fields: { "spec.selector": "replace" },
    sizes: [],
    stateful: false,
    source: `${K8S_API} (apps/v1: spec.selector is immutable)`,
  },
  Job: {
    apiVersion: group("batch"),
    fields: {
      "spec.selector": "replace",
      "spec.template": "replace",
      "spec.completions": "replace",
      "spec.parallelism": "replace",
    },
    sizes: [],
    stateful: false,
    source: `${K8S_API} (batch/v1: a Job's pod template and selector are immutable)`,
  },
  Service: {
    apiVersion: core,
    fields: { "spec.clusterIP": "replace", "spec.clusterIPs": "replace" },
    sizes: [],
    stateful: false,
    source: `${K8S_API} (v1 Service: spec.clusterIP is immutable once set)`,
  },
  // pulumi-kubernetes replaces a Secret or ConfigMap whose content changes, unless the provider's
  // enableSecretMutable / enableConfigMapMutable is set (we set neither): provider/pkg/provider/diff.go
  // forceNewProperties at the pinned build f47bc2d6. With a fixed name it is deleted, then created.
  Secret: {
    apiVersion: core,
    fields: { type: "replace", data: "replace", stringData: "replace" },
    sizes: [],
    stateful: false,
    source: `${K8S_API} (v1 Secret: type is immutable); pulumi-kubernetes diff.go forceNewProperties (data)`,
  },
  ConfigMap: {
    apiVersion: core,
    fields: { data: "replace", binaryData: "replace" },
    sizes: [],
    stateful: false,
    source: "pulumi-kubernetes provider/pkg/provider/diff.go forceNewProperties (ConfigMap data)",
  },
  ClusterRoleBinding: {
    apiVersion: group("rbac.authorization.k8s.io"),
    fields: { roleRef: "replace" },
    sizes: [],
    stateful: false,
    source: `${K8S_API} (rbac/v1: roleRef cannot change)`,
  },
  RoleBinding: {
    apiVersion: group("rbac.authorization.k8s.io"),
    fields: { roleRef: "replace" },
    sizes: [],
    stateful: false,
    source: `${K8S_API} (rbac/v1: roleRef cannot change)`,
  },
  IngressClass: {
    apiVersion: group("networking.k8s.io"),
    fields: { "spec.controller": "replace" },
    sizes: [],
    stateful: false,
    source: `${K8S_API} (networking/v1 IngressClass: spec.controller is immutable)`,
  },
};

/**
 * Fields that replace any Kubernetes object: its name and namespace. pulumi-kubernetes replaces an
 * object when they change (and a change of the Pulumi resource name is a delete and a create).
 */
const IDENTITY_FIELDS = ["metadata.name", "metadata.namespace"];

/** Whether `path` is `field` or inside it (`spec.template.spec.containers.0.image` is in `spec.template`). */
const within = (path: string, field: string): boolean => path === field || path.startsWith(`${field}.`);

/**
 * Resources outside the cluster, by Pulumi type token: the inputs whose change makes the provider
 * replace the resource (delete, then create again) instead of updating it in place.
 */
export const EXTERNAL_RULES: Readonly<Record<string, { fields: readonly string[]; source: string }>> = {
  // The network layer's record of the router's IP (lib/layers/network/cloudflare.ts). zoneId is
  // looked up at deploy from `domain`: another domain is another zone, so a replacement.
  "cloudflare:index/dnsRecord:DnsRecord": {
    fields: ["zoneId", "type"],
    source:
      "cloudflare/terraform-provider-cloudflare internal/services/dns_record/schema.go (v5.19.1 to v5.22.0 alike): " +
      "zone_id and type carry stringplanmodifier.RequiresReplace(); @pulumi/cloudflare 6.x bridges that v5 provider " +
      "and pulumi/pulumi-cloudflare provider/resources.go adds no override for cloudflare_dns_record",
  },
};

/** What a change of input `path` does to a deploy of an external resource of Pulumi type `type`. */
export const externalChangeAction = (type: string, path: string): "replace" | "update" =>
  (EXTERNAL_RULES[type]?.fields ?? []).some((field) => within(path, field)) ? "replace" : "update";

/**
 * What a change of `path` does to a deploy of a Kubernetes object: replace it (delete and create
 * again) when the field is immutable, else update it in place. pulumi-kubernetes replaces an object
 * on a change of any field Kubernetes refuses to update, and of a Secret's or ConfigMap's content.
 */
export const fieldChangeAction = (
  object: Pick<KubernetesObject, "kind" | "apiVersion">,
  path: string,
): "replace" | "update" => {
  if (IDENTITY_FIELDS.some((field) => within(path, field))) return "replace";
  const rule = RULES[object.kind];
  if (!rule || typeof object.apiVersion !== "string" || !rule.apiVersion(object.apiVersion)) return "update";
  const immutable = [
    ...Object.entries(rule.fields)
      .filter(([, effect]) => effect === "replace")
      .map(([field]) => field),
    ...(rule.immutable ?? []),
  ];
  return immutable.some((field) => within(path, field)) ? "replace" : "update";
};

/** The size fields of a kind (which may grow but never shrink), e.g. a claim's storage request. */
export const sizeFieldsOf = (object: Pick<KubernetesObject, "kind" | "apiVersion">): readonly string[] => {
  const rule = RULES[object.kind];
  return rule && typeof object.apiVersion === "string" && rule.apiVersion(object.apiVersion)
    ? rule.sizes
    : [];
};

/** The Helm values of a chart that a deploy cannot change in place (they become a StorageClass's fields). */
export const chartReplaceValues = (chart: string): readonly string[] =>
  Object.entries(CHART_STORAGE_CLASSES[chart]?.fields ?? {})
    .filter(([, { effect }]) => effect === "replace" || effect === "retention")
    .map(([path]) => path);

/**
 * Helm charts that create a StorageClass from their values: the class name, and the values that
 * become its fields (with the chart's own default when a value is unset).
 */
export const CHART_STORAGE_CLASSES: Readonly<
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
    ...Object.values(RULES)
      .filter((rule) => rule.stateful)
      .flatMap((rule) => Object.entries(rule.fields)),
    ...Object.values(CHART_STORAGE_CLASSES).flatMap((chart) =>
      Object.entries(chart.fields).map(([path, { effect }]) => [path, effect] as const),
    ),
  ].map(([path, effect]) => [path, effect]),
);
