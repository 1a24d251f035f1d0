/**
 * Building blocks of the network layer's plan (lib/core/plan.ts): namespaces, Secrets and objects that
 * wait for their namespace.
 */
import type { Secret } from "../../config/secret.ts";
import {
  type CoreObject,
  type CustomObject,
  type KubeObject,
  type Plan,
  type PlannedObject,
  plannedObject,
} from "../../core/plan.ts";
import { secretObject } from "../../k8s/config.ts";
import { layerLabels } from "../../k8s/labels.ts";
import { namespaceId, namespaceObject } from "../../k8s/namespace.ts";
import type { PodSecurityLevel } from "../../k8s/talos.ts";

export type { CoreObject, CustomObject, Plan, PlannedObject };

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
      labels: layerLabels("network"),
      ...(podSecurity ? { podSecurity } : {}),
    }),
  );

/** A Secret whose values stay `Secret`s until the Pulumi edge reveals them into the object. */
export const plannedSecret = (
  namespace: string,
  name: string,
  stringData: Record<string, Secret>,
): PlannedObject => planned(secretObject({ name, namespace }, stringData), []);
