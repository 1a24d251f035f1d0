/**
 * The one Pulumi edge every layer uses: a plan (lib/plan.ts) becomes resources one-to-one, in
 * dependency order, with `protect` + `retainOnDelete` on everything that holds data, and config
 * secrets revealed only here, straight into Pulumi secrets inside Secret objects.
 */
import * as k8s from "@pulumi/kubernetes";
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
  "v1/Namespace": k8s.core.v1.Namespace as unknown as Constructor,
  "v1/Secret": k8s.core.v1.Secret as unknown as Constructor,
  "v1/ConfigMap": k8s.core.v1.ConfigMap as unknown as Constructor,
  "v1/PersistentVolume": k8s.core.v1.PersistentVolume as unknown as Constructor,
  "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim as unknown as Constructor,
  "v1/Service": k8s.core.v1.Service as unknown as Constructor,
  "v1/ServiceAccount": k8s.core.v1.ServiceAccount as unknown as Constructor,
  "apps/v1/Deployment": k8s.apps.v1.Deployment as unknown as Constructor,
  "batch/v1/Job": k8s.batch.v1.Job as unknown as Constructor,
  "networking.k8s.io/v1/Ingress": k8s.networking.v1.Ingress as unknown as Constructor,
  "networking.k8s.io/v1/IngressClass": k8s.networking.v1.IngressClass as unknown as Constructor,
  "storage.k8s.io/v1/StorageClass": k8s.storage.v1.StorageClass as unknown as Constructor,
  "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole as unknown as Constructor,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding as unknown as Constructor,
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
    : new k8s.apiextensions.CustomResource(
        planned.id,
        planned.object as k8s.apiextensions.CustomResourceArgs,
        opts,
      );
};

const createRelease = (release: PlannedRelease, opts: pulumi.ComponentResourceOptions): pulumi.Resource =>
  new k8s.helm.v4.Chart(release.id, releaseInputs(release) as never, opts);

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
