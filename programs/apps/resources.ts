/**
 * The thin Pulumi edge of the apps layer: one @pulumi/kubernetes resource per planned object,
 * named `<namespace>/<name>` (or `<name>` when cluster-scoped), with explicit dependencies and
 * data protection. Secret values are revealed here and only here, straight into `pulumi.secret`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppObject, KubeObject } from "../../lib/apps/render.ts";
import { isSecret, reveal } from "../../lib/config/secret.ts";

type Constructor = new (
  name: string,
  args: never,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

const CLASSES: Record<string, Constructor> = {
  "v1/Namespace": k8s.core.v1.Namespace as unknown as Constructor,
  "v1/Secret": k8s.core.v1.Secret as unknown as Constructor,
  "v1/ConfigMap": k8s.core.v1.ConfigMap as unknown as Constructor,
  "v1/PersistentVolume": k8s.core.v1.PersistentVolume as unknown as Constructor,
  "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim as unknown as Constructor,
  "v1/Service": k8s.core.v1.Service as unknown as Constructor,
  "apps/v1/Deployment": k8s.apps.v1.Deployment as unknown as Constructor,
  "networking.k8s.io/v1/Ingress": k8s.networking.v1.Ingress as unknown as Constructor,
};

export const resourceName = (object: KubeObject): string =>
  object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;

/** Secret payloads become Pulumi secrets; everything else passes through unchanged. */
const pulumiArgs = (object: KubeObject): Record<string, unknown> => {
  if (object.kind !== "Secret") return object;
  const stringData = Object.fromEntries(
    Object.entries((object.stringData ?? {}) as Record<string, unknown>).map(([key, value]) => [
      key,
      isSecret(value) ? pulumi.secret(reveal(value)) : pulumi.secret(String(value)),
    ]),
  );
  return { ...object, stringData };
};

export const createResources = (objects: readonly AppObject[]): Map<string, pulumi.CustomResource> => {
  const created = new Map<string, pulumi.CustomResource>();
  for (const { key, object, stateful, dependsOn } of objects) {
    const opts: pulumi.CustomResourceOptions = {
      dependsOn: dependsOn.map((dependency) => {
        const resource = created.get(dependency);
        if (!resource) throw new Error(`${key} depends on ${dependency}, which was not created before it`);
        return resource;
      }),
      ...(stateful ? { protect: true, retainOnDelete: true } : {}),
    };
    const Class = CLASSES[`${object.apiVersion}/${object.kind}`];
    const resource = Class
      ? new Class(resourceName(object), pulumiArgs(object) as never, opts)
      : // Custom resources (the CloudNativePG Cluster); its CRD comes with the storage layer's operator chart.
        new k8s.apiextensions.CustomResource(
          resourceName(object),
          object as k8s.apiextensions.CustomResourceArgs,
          opts,
        );
    created.set(key, resource);
  }
  return created;
};
