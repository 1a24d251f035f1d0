/**
 * Building blocks of the network layer's plan (lib/plan.ts): ids, namespaces, Secrets and the
 * object shape its builders produce.
 */
import type { Secret } from "../config/secret.ts";
import { secretObject } from "../k8s/config.ts";
import { namespaceObject } from "../k8s/namespace.ts";
import type { PodSecurityLevel } from "../k8s/talos.ts";
import {
  type KubeObject,
  type ObjectMeta,
  objectId,
  type Plan,
  type PlannedObject,
  type PlannedRelease,
  plannedObject,
  releaseId,
} from "../plan.ts";

/** A Helm release of this layer (the shared plan type, under the name the builders use). */
export type ChartRelease = PlannedRelease;
export type { KubeObject, ObjectMeta, Plan, PlannedObject };

export { objectId, releaseId };
export const namespaceId = (name: string): string => objectId(namespaceObject(name));

/** An object of this layer: in a namespace, it also waits for that namespace. */
export const planned = (object: KubeObject, after: string[], stateful = false): PlannedObject =>
  plannedObject(
    object,
    object.metadata.namespace ? [namespaceId(object.metadata.namespace), ...after] : after,
    stateful,
  );

export const namespace = (name: string, podSecurity?: PodSecurityLevel): PlannedObject =>
  plannedObject(
    namespaceObject(name, {
      labels: { "app.kubernetes.io/part-of": "homelab-network" },
      ...(podSecurity ? { podSecurity } : {}),
    }),
  );

/** A Secret whose values stay `Secret`s until the Pulumi edge reveals them into the object. */
export const plannedSecret = (
  namespace: string,
  name: string,
  stringData: Record<string, Secret>,
): PlannedObject => planned(secretObject({ name, namespace }, stringData), []);
