/**
 * The one Pulumi edge every layer uses: a plan (lib/plan.ts) becomes resources one-to-one, in
 * dependency order, with `protect` + `retainOnDelete` on everything that holds data, and config
 * secrets revealed only here, straight into Pulumi secrets inside Secret objects.
 */
// Each class from its own module: the package index would load (and typecheck) all of them.
import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { Deployment } from "@pulumi/kubernetes/apps/v1/deployment";
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
import { StorageClass } from "@pulumi/kubernetes/storage/v1/storageClass";
import * as pulumi from "@pulumi/pulumi";
import { isSecret, reveal } from "../config/secret.ts";
import {
  isRelease,
  type KubeObject,
  orderPlan,
  type Plan,
  type PlannedObject,
  type PlannedRelease,
  withStatefulNamespaces,
} from "../plan.ts";
import { releaseInputs } from "./resources.ts";

type Constructor = new (
  name: string,
  args: never,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/** Typed classes for the core kinds; anything else is a custom resource. */
const CLASSES: Readonly<Record<string, Constructor>> = {
  "v1/Namespace": Namespace as unknown as Constructor,
  "v1/Secret": Secret as unknown as Constructor,
  "v1/ConfigMap": ConfigMap as unknown as Constructor,
  "v1/PersistentVolume": PersistentVolume as unknown as Constructor,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim as unknown as Constructor,
  "v1/Service": Service as unknown as Constructor,
  "v1/ServiceAccount": ServiceAccount as unknown as Constructor,
  "apps/v1/Deployment": Deployment as unknown as Constructor,
  "batch/v1/Job": Job as unknown as Constructor,
  "networking.k8s.io/v1/Ingress": Ingress as unknown as Constructor,
  "networking.k8s.io/v1/IngressClass": IngressClass as unknown as Constructor,
  "storage.k8s.io/v1/StorageClass": StorageClass as unknown as Constructor,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget as unknown as Constructor,
  "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole as unknown as Constructor,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding as unknown as Constructor,
};

const typeOf = (object: KubeObject): string => `${object.apiVersion}/${object.kind}`;

/** A Secret's string data as Pulumi secrets: config `Secret`s are revealed here, and only here. */
const withSecretData = (object: KubeObject): KubeObject => {
  if (typeOf(object) !== "v1/Secret") return object;
  return {
    ...object,
    stringData: Object.fromEntries(
      Object.entries((object.stringData ?? {}) as Record<string, unknown>).map(([key, value]) => [
        key,
        pulumi.secret(isSecret(value) ? reveal(value) : String(value)),
      ]),
    ),
  };
};

/** Inputs with every config `Secret` revealed into a Pulumi secret: what a layer's own edge passes on. */
export const revealInputs = (inputs: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(inputs).map(([key, value]) => [
      key,
      isSecret(value) ? pulumi.secret(reveal(value)) : value,
    ]),
  );

const createObject = (planned: PlannedObject, opts: pulumi.CustomResourceOptions): pulumi.Resource => {
  const Class = CLASSES[typeOf(planned.object)];
  return Class
    ? new Class(planned.id, withSecretData(planned.object) as never, opts)
    : new CustomResource(planned.id, planned.object as never, opts);
};

const createRelease = (release: PlannedRelease, opts: pulumi.ComponentResourceOptions): pulumi.Resource =>
  new Chart(release.id, releaseInputs(release) as never, opts);

/** Creates every item of the plan after the items it waits for (namespaces holding state protected too); returns them by id. */
export const createPlan = (plan: Plan): Map<string, pulumi.Resource> => {
  const ordered = orderPlan(withStatefulNamespaces(plan));
  if (ordered.isErr()) throw new Error(`invalid plan: ${ordered.error}`);
  const created = new Map<string, pulumi.Resource>();
  for (const item of ordered.value) {
    const opts = {
      dependsOn: item.after.map((id) => created.get(id)).filter((resource) => resource !== undefined),
      ...(item.stateful ? { protect: true, retainOnDelete: true } : {}),
    };
    created.set(item.id, isRelease(item) ? createRelease(item, opts) : createObject(item, opts));
  }
  return created;
};
