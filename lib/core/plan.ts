/**
 * A layer as plain data: the Helm releases and Kubernetes objects it creates, each with a stable
 * id (its Pulumi resource name) and the ids it waits for. Every layer builds one with pure
 * functions; one Pulumi edge (lib/pulumi/createPlan.ts) turns any plan into resources, so order,
 * protection and secrets are handled the same way everywhere, and checkable without Pulumi.
 */

import type * as input from "@pulumi/kubernetes/types/input";
import { err, ok, type Result } from "neverthrow";
import type { ChartFacts } from "../charts/chartFacts.ts";
import type { Secret } from "../config/secret.ts";

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * A typed Kubernetes kind as a plan holds it: the provider's input type (every field checked,
 * types only: nothing of Pulumi loads at run time), with apiVersion and kind fixed and the plain
 * metadata every object of a plan has.
 */
type Typed<ApiVersion extends string, Kind extends string, T> = Omit<
  T,
  "apiVersion" | "kind" | "metadata"
> & {
  apiVersion: ApiVersion;
  kind: Kind;
  metadata: ObjectMeta;
};

/**
 * A Secret as a plan holds it: an Opaque Secret whose `stringData` values are config `Secret`s,
 * revealed only by the edge, straight into Pulumi secrets (`S` is what they are sealed into: the
 * render's redaction marker, the edge's `pulumi.secret`).
 */
type SecretObject<S = Secret> = Typed<"v1", "Secret", Omit<input.core.v1.Secret, "data" | "stringData">> & {
  type: "Opaque";
  stringData: Readonly<Record<string, S>>;
};

/**
 * The kinds the edge creates with the provider's typed classes, by `apiVersion/kind`; anything
 * else is a custom resource. `S` is the type a Secret's values have (see `SecretObject`).
 */
interface CoreKinds<S = Secret> {
  "v1/Namespace": Typed<"v1", "Namespace", input.core.v1.Namespace>;
  "v1/Secret": SecretObject<S>;
  "v1/ConfigMap": Typed<"v1", "ConfigMap", input.core.v1.ConfigMap>;
  "v1/PersistentVolume": Typed<"v1", "PersistentVolume", input.core.v1.PersistentVolume>;
  "v1/PersistentVolumeClaim": Typed<"v1", "PersistentVolumeClaim", input.core.v1.PersistentVolumeClaim>;
  "v1/Service": Typed<"v1", "Service", input.core.v1.Service>;
  "v1/ServiceAccount": Typed<"v1", "ServiceAccount", input.core.v1.ServiceAccount>;
  "apps/v1/Deployment": Typed<"apps/v1", "Deployment", input.apps.v1.Deployment>;
  "batch/v1/Job": Typed<"batch/v1", "Job", input.batch.v1.Job>;
  "batch/v1/CronJob": Typed<"batch/v1", "CronJob", input.batch.v1.CronJob>;
  "networking.k8s.io/v1/Ingress": Typed<"networking.k8s.io/v1", "Ingress", input.networking.v1.Ingress>;
  "networking.k8s.io/v1/IngressClass": Typed<
    "networking.k8s.io/v1",
    "IngressClass",
    input.networking.v1.IngressClass
  >;
  "storage.k8s.io/v1/StorageClass": Typed<"storage.k8s.io/v1", "StorageClass", input.storage.v1.StorageClass>;
  "policy/v1/PodDisruptionBudget": Typed<
    "policy/v1",
    "PodDisruptionBudget",
    input.policy.v1.PodDisruptionBudget
  >;
  "rbac.authorization.k8s.io/v1/ClusterRole": Typed<
    "rbac.authorization.k8s.io/v1",
    "ClusterRole",
    input.rbac.v1.ClusterRole
  >;
  "rbac.authorization.k8s.io/v1/Role": Typed<"rbac.authorization.k8s.io/v1", "Role", input.rbac.v1.Role>;
  "rbac.authorization.k8s.io/v1/RoleBinding": Typed<
    "rbac.authorization.k8s.io/v1",
    "RoleBinding",
    input.rbac.v1.RoleBinding
  >;
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": Typed<
    "rbac.authorization.k8s.io/v1",
    "ClusterRoleBinding",
    input.rbac.v1.ClusterRoleBinding
  >;
}

export type CoreKey = keyof CoreKinds;

/** An object of a typed kind (`CoreObject<"v1/Namespace">`), or of any of them. */
export type CoreObject<K extends CoreKey = CoreKey, S = Secret> = CoreKinds<S>[K];

/** A custom resource (a chart's CRD): only apiVersion, kind and metadata are known here. */
export interface CustomObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/**
 * A Kubernetes object as the API server takes it: one of the typed kinds or a custom resource.
 * In a Secret, `stringData` values are config `Secret`s (`S`) until the edge seals them.
 */
export type KubeObject<S = Secret> = CoreObject<CoreKey, S> | CustomObject;

/** The `apiVersion/kind` key of an object (`apps/v1/Deployment`). */
export const kindKey = (object: Pick<KubeObject, "apiVersion" | "kind">): string =>
  `${object.apiVersion}/${object.kind}`;

/** The object is of the typed kind `key` (by its apiVersion and kind, which a builder fixes). */
export const isKind = <K extends CoreKey, S>(object: KubeObject<S>, key: K): object is CoreObject<K, S> =>
  kindKey(object) === key;

/** The API group of an object (`metallb.io` of `metallb.io/v1beta1`; "" for the core group). */
export const apiGroupOf = (object: Pick<KubeObject, "apiVersion">): string =>
  object.apiVersion.includes("/") ? (object.apiVersion.split("/")[0] ?? "") : "";

/** The value at a dotted path of an object or of Helm values (`speaker.tolerateMaster`). */
export const valueAt = (value: unknown, path: string): unknown =>
  path
    .split(".")
    .reduce<unknown>(
      (inner, key) =>
        typeof inner === "object" && inner !== null ? (inner as Record<string, unknown>)[key] : undefined,
      value,
    );

/**
 * The stable id of an object in a plan (and its Pulumi resource name): `kind/namespace/name`, with
 * `cluster` for a cluster-scoped object. Known without building the object (`namespaceId`).
 */
export const kindId = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind.toLowerCase()}/${namespace ?? "cluster"}/${name}`;

/** The id of a built object (`kindId` of its kind, namespace and name). */
export const objectId = (object: Pick<KubeObject, "kind" | "metadata">): string =>
  kindId(object.kind, object.metadata.namespace, object.metadata.name);

/** An object of a plan under its one id, after the ids it waits for; `stateful` if it holds data. */
export const plannedObject = (
  object: KubeObject,
  after: readonly string[] = [],
  stateful = false,
): PlannedObject => ({ id: objectId(object), object, after: [...after], ...(stateful ? { stateful } : {}) });

/** The stable id of a Helm release in a plan: `helm/namespace/name`. */
export const releaseId = (namespace: string, name: string): string => `helm/${namespace}/${name}`;

interface ChartRef {
  chart: string;
  version: string;
  repo: string;
  /** What the chart does on a deploy beyond its values: CRDs, webhooks, tolerations. */
  facts: ChartFacts;
}

interface Planned {
  /** The Pulumi resource name: unique in the layer and stable (renaming it replaces the resource). */
  id: string;
  /** Ids created before this one; a custom resource lists the release that installs its CRD. */
  after: readonly string[];
  /** Holds data: protected in Pulumi and left in the cluster if it ever leaves the code. */
  stateful?: boolean;
}

export interface PlannedObject extends Planned {
  object: KubeObject;
}

/** What a layer says about one Helm release; the plan adds its id. */
export interface ReleaseOptions {
  /** Helm release name. */
  name: string;
  namespace: string;
  chart: ChartRef;
  values: Record<string, unknown>;
  /** Leave the chart's `crds/` out (another release installs the same CRDs). */
  skipCrds?: boolean;
}

export interface PlannedRelease extends Planned, ReleaseOptions {
  /** Do not wait for the release's workloads to become ready. */
  skipAwait?: boolean;
}

/** A Helm release of a plan under its one id, after the ids it waits for; `stateful` if it holds data. */
export const plannedRelease = (
  release: ReleaseOptions,
  after: readonly string[] = [],
  stateful = false,
): PlannedRelease => ({
  id: releaseId(release.namespace, release.name),
  name: release.name,
  namespace: release.namespace,
  chart: release.chart,
  values: release.values,
  ...(release.skipCrds ? { skipCrds: true } : {}),
  after: [...after],
  ...(stateful ? { stateful } : {}),
});

/**
 * A resource outside the cluster (the Cloudflare record of the router's IP). Its inputs may hold
 * config `Secret`s; `lookups` are inputs only the deploy can know, each with what it looks up.
 */
export interface PlannedExternal extends Planned {
  /** The Pulumi type token, e.g. `cloudflare:index/dnsRecord:DnsRecord`. */
  type: string;
  /** The name of the explicit provider the layer's edge creates it with. */
  provider: string;
  inputs: Readonly<Record<string, unknown>>;
  lookups: Readonly<Record<string, string>>;
}

export interface Plan {
  releases: readonly PlannedRelease[];
  objects: readonly PlannedObject[];
  external?: readonly PlannedExternal[];
}

export type PlanItem = PlannedRelease | PlannedObject;

export const isRelease = (item: PlanItem): item is PlannedRelease => "chart" in item;

export const mergePlans = (...plans: readonly Partial<Plan>[]): Plan => ({
  releases: plans.flatMap((plan) => plan.releases ?? []),
  objects: plans.flatMap((plan) => plan.objects ?? []),
  external: plans.flatMap((plan) => plan.external ?? []),
});

/**
 * The plan with every Namespace that holds something stateful marked stateful too: deleting a
 * namespace deletes everything in it, so it is protected and retained like the claim, volume or
 * database it holds, whichever layer's builder made it.
 */
export const withStatefulNamespaces = (plan: Plan): Plan => {
  const holding = new Set(
    [...plan.releases, ...plan.objects]
      .filter((item) => item.stateful)
      .map((item) => (isRelease(item) ? item.namespace : item.object.metadata.namespace))
      .filter((namespace): namespace is string => namespace !== undefined),
  );
  const holds = (item: PlannedObject): boolean =>
    item.object.apiVersion === "v1" &&
    item.object.kind === "Namespace" &&
    holding.has(item.object.metadata.name);
  return {
    ...plan,
    objects: plan.objects.map((item) => (holds(item) && !item.stateful ? { ...item, stateful: true } : item)),
  };
};

/**
 * The plan's items in creation order (each after everything it waits for, otherwise in plan
 * order), or what is wrong with it: a duplicate id, an unknown dependency or a cycle.
 *
 * The error is a plain message, not a Problem: every one of them is a bug in a layer's plan
 * builder, not something a user can fix (an app's names are refused as Problems before they get
 * here, lib/layers/apps/integrity), so `registrations` throws it as an invariant broken.
 */
export const orderPlan = (plan: Plan): Result<PlanItem[], string> => {
  const items: PlanItem[] = [...plan.releases, ...plan.objects];
  const ids = new Set<string>();
  const problems: string[] = [];
  for (const item of items) {
    if (ids.has(item.id)) problems.push(`${item.id} is planned twice`);
    ids.add(item.id);
  }
  for (const item of items) {
    const unknown = item.after.filter((id) => !ids.has(id));
    if (unknown.length > 0) problems.push(`${item.id} waits for ${unknown.join(", ")}, which is not planned`);
  }
  if (problems.length > 0) return err(problems.join("; "));

  const ordered: PlanItem[] = [];
  const done = new Set<string>();
  let pending = items;
  while (pending.length > 0) {
    const ready = pending.filter((item) => item.after.every((id) => done.has(id)));
    if (ready.length === 0) return err(`dependency cycle among ${pending.map((item) => item.id).join(", ")}`);
    for (const item of ready) {
      ordered.push(item);
      done.add(item.id);
    }
    pending = pending.filter((item) => !done.has(item.id));
  }
  return ok(ordered);
};
