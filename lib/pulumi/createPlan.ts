/**
 * The one Pulumi edge every layer uses: a plan (lib/core/plan.ts) becomes resources one-to-one, in
 * dependency order, with `protect` + `retainOnDelete` on everything that holds data, and config
 * secrets revealed only here, straight into Pulumi secrets inside Secret objects.
 */
// Each class from its own module: the package index would load (and typecheck) all of them.
import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { Deployment } from "@pulumi/kubernetes/apps/v1/deployment";
import { CronJob } from "@pulumi/kubernetes/batch/v1/cronJob";
import { Job } from "@pulumi/kubernetes/batch/v1/job";
import { ConfigMap } from "@pulumi/kubernetes/core/v1/configMap";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import { PersistentVolume } from "@pulumi/kubernetes/core/v1/persistentVolume";
import { PersistentVolumeClaim } from "@pulumi/kubernetes/core/v1/persistentVolumeClaim";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import { Service } from "@pulumi/kubernetes/core/v1/service";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1/serviceAccount";
import { Chart } from "@pulumi/kubernetes/helm/v4/chart";
import { Ingress } from "@pulumi/kubernetes/networking/v1/ingress";
import { IngressClass } from "@pulumi/kubernetes/networking/v1/ingressClass";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1/podDisruptionBudget";
import { ClusterRole } from "@pulumi/kubernetes/rbac/v1/clusterRole";
import { ClusterRoleBinding } from "@pulumi/kubernetes/rbac/v1/clusterRoleBinding";
import { Role } from "@pulumi/kubernetes/rbac/v1/role";
import { RoleBinding } from "@pulumi/kubernetes/rbac/v1/roleBinding";
import { StorageClass } from "@pulumi/kubernetes/storage/v1/storageClass";
import * as pulumi from "@pulumi/pulumi";
import { type Secret as ConfigSecret, isSecret, reveal } from "../config/secret.ts";
import { type CoreKey, type CoreObject, isKind, type KubeObject, kindKey, type Plan } from "../core/plan.ts";
import { type ChartSource, type Registration, registrations } from "./resources.ts";

/** What a Secret's values are sealed into on a deploy: Pulumi secrets. */
type Sealed = pulumi.Output<string>;

type Create<K extends CoreKey> = (
  id: string,
  object: CoreObject<K, Sealed>,
  opts: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/**
 * The typed class of every typed kind, by `apiVersion/kind`: each takes the object as its args,
 * so the provider's own input types check what the builders made. Anything else is a custom resource.
 */
const CLASSES: { readonly [K in CoreKey]: Create<K> } = {
  "v1/Namespace": (id, object, opts) => new Namespace(id, object, opts),
  "v1/Secret": (id, object, opts) => new Secret(id, object, opts),
  "v1/ConfigMap": (id, object, opts) => new ConfigMap(id, object, opts),
  "v1/PersistentVolume": (id, object, opts) => new PersistentVolume(id, object, opts),
  "v1/PersistentVolumeClaim": (id, object, opts) => new PersistentVolumeClaim(id, object, opts),
  "v1/Service": (id, object, opts) => new Service(id, object, opts),
  "v1/ServiceAccount": (id, object, opts) => new ServiceAccount(id, object, opts),
  "apps/v1/Deployment": (id, object, opts) => new Deployment(id, object, opts),
  "batch/v1/Job": (id, object, opts) => new Job(id, object, opts),
  "batch/v1/CronJob": (id, object, opts) => new CronJob(id, object, opts),
  "networking.k8s.io/v1/Ingress": (id, object, opts) => new Ingress(id, object, opts),
  "networking.k8s.io/v1/IngressClass": (id, object, opts) => new IngressClass(id, object, opts),
  "storage.k8s.io/v1/StorageClass": (id, object, opts) => new StorageClass(id, object, opts),
  "policy/v1/PodDisruptionBudget": (id, object, opts) => new PodDisruptionBudget(id, object, opts),
  "rbac.authorization.k8s.io/v1/ClusterRole": (id, object, opts) => new ClusterRole(id, object, opts),
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": (id, object, opts) =>
    new ClusterRoleBinding(id, object, opts),
  "rbac.authorization.k8s.io/v1/Role": (id, object, opts) => new Role(id, object, opts),
  "rbac.authorization.k8s.io/v1/RoleBinding": (id, object, opts) => new RoleBinding(id, object, opts),
};

const isCoreKey = (key: string): key is CoreKey => Object.hasOwn(CLASSES, key);

const createCore = <K extends CoreKey>(
  key: K,
  id: string,
  object: CoreObject<K, Sealed>,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource => CLASSES[key](id, object, opts);

/** A Secret's string data as Pulumi secrets: config `Secret`s are revealed here, and only here. */
const sealed = (value: ConfigSecret): Sealed =>
  pulumi.secret(isSecret(value) ? reveal(value) : String(value));

/** Inputs with every config `Secret` revealed into a Pulumi secret: what a layer's own edge passes on. */
export const revealInputs = (inputs: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(inputs).map(([key, value]) => [
      key,
      isSecret(value) ? pulumi.secret(reveal(value)) : value,
    ]),
  );

/** A typed kind by its class (selected by the object's own apiVersion and kind), else a custom resource. */
const createObject = (id: string, object: KubeObject<Sealed>, opts: pulumi.CustomResourceOptions) => {
  const key = kindKey(object);
  return isCoreKey(key) && isKind(object, key)
    ? createCore(key, id, object, opts)
    : new CustomResource(id, object, opts);
};

const create = (item: Registration<Sealed>, opts: pulumi.CustomResourceOptions): pulumi.Resource =>
  item.release ? new Chart(item.id, item.inputs, opts) : createObject(item.id, item.inputs, opts);

/** Creates what the plan registers (lib/pulumi/resources.ts), each after what it waits for; returns them by id. */
export const createPlan = (plan: Plan, charts: ChartSource): Map<string, pulumi.Resource> => {
  const created = new Map<string, pulumi.Resource>();
  for (const item of registrations(plan, sealed, charts)) {
    const opts = {
      dependsOn: item.after.map((id) => created.get(id)).filter((resource) => resource !== undefined),
      ...(item.stateful ? { protect: true, retainOnDelete: true } : {}),
    };
    created.set(item.id, create(item, opts));
  }
  return created;
};
