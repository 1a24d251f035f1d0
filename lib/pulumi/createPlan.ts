/**
 * The one Pulumi edge every layer uses: a plan (lib/core/plan.ts) becomes resources one-to-one, in
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
import type { RunContext } from "../core/layer.ts";
import type { Plan } from "../core/plan.ts";
import { type Registration, registrations } from "./resources.ts";

type Constructor = new (
  name: string,
  args: never,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/** Typed classes for the core kinds, by Pulumi type token; anything else is a custom resource. */
const CLASSES: Readonly<Record<string, Constructor>> = {
  "kubernetes:core/v1:Namespace": Namespace as unknown as Constructor,
  "kubernetes:core/v1:Secret": Secret as unknown as Constructor,
  "kubernetes:core/v1:ConfigMap": ConfigMap as unknown as Constructor,
  "kubernetes:core/v1:PersistentVolume": PersistentVolume as unknown as Constructor,
  "kubernetes:core/v1:PersistentVolumeClaim": PersistentVolumeClaim as unknown as Constructor,
  "kubernetes:core/v1:Service": Service as unknown as Constructor,
  "kubernetes:core/v1:ServiceAccount": ServiceAccount as unknown as Constructor,
  "kubernetes:apps/v1:Deployment": Deployment as unknown as Constructor,
  "kubernetes:batch/v1:Job": Job as unknown as Constructor,
  "kubernetes:networking.k8s.io/v1:Ingress": Ingress as unknown as Constructor,
  "kubernetes:networking.k8s.io/v1:IngressClass": IngressClass as unknown as Constructor,
  "kubernetes:storage.k8s.io/v1:StorageClass": StorageClass as unknown as Constructor,
  "kubernetes:policy/v1:PodDisruptionBudget": PodDisruptionBudget as unknown as Constructor,
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": ClusterRole as unknown as Constructor,
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": ClusterRoleBinding as unknown as Constructor,
};

/** A Secret's string data as Pulumi secrets: config `Secret`s are revealed here, and only here. */
const sealed = (value: unknown): unknown => pulumi.secret(isSecret(value) ? reveal(value) : String(value));

/** Inputs with every config `Secret` revealed into a Pulumi secret: what a layer's own edge passes on. */
export const revealInputs = (inputs: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(inputs).map(([key, value]) => [
      key,
      isSecret(value) ? pulumi.secret(reveal(value)) : value,
    ]),
  );

const create = (item: Registration, opts: pulumi.CustomResourceOptions): pulumi.Resource => {
  if (item.release) return new Chart(item.id, item.inputs as never, opts);
  const Class = CLASSES[item.type] ?? CustomResource;
  return new Class(item.id, item.inputs as never, opts);
};

/** Creates what the plan registers (lib/pulumi/resources.ts), each after what it waits for; returns them by id. */
export const createPlan = (plan: Plan, run: RunContext): Map<string, pulumi.Resource> => {
  const created = new Map<string, pulumi.Resource>();
  for (const item of registrations(plan, sealed, run)) {
    const opts = {
      dependsOn: item.after.map((id) => created.get(id)).filter((resource) => resource !== undefined),
      ...(item.stateful ? { protect: true, retainOnDelete: true } : {}),
    };
    created.set(item.id, create(item, opts));
  }
  return created;
};
