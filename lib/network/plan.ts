/**
 * Building blocks of the network layer's plan (lib/plan.ts): ids, namespaces, Secrets and the
 * object shape its builders produce.
 */
import type { Secret } from "../config/secret.ts";
import {
  type KubeObject,
  type ObjectMeta,
  objectId,
  type Plan,
  type PlannedObject,
  type PlannedRelease,
  releaseId,
  secretObject,
} from "../plan.ts";
import { type PodSecurityLevel, podSecurityLabels } from "../talos.ts";

/** A Helm release of this layer (the shared plan type, under the name the builders use). */
export type ChartRelease = PlannedRelease;
export type { KubeObject, ObjectMeta, Plan, PlannedObject };

export { objectId, releaseId };
export const namespaceId = (name: string): string => `namespace/cluster/${name}`;
export const secretId = (namespace: string, name: string): string => `secret/${namespace}/${name}`;

export const planned = (object: KubeObject, after: string[], stateful = false): PlannedObject => ({
  id: objectId(object),
  object,
  after: object.metadata.namespace ? [namespaceId(object.metadata.namespace), ...after] : after,
  ...(stateful ? { stateful } : {}),
});

export const namespace = (name: string, podSecurity?: PodSecurityLevel): PlannedObject => ({
  id: namespaceId(name),
  after: [],
  object: {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        "app.kubernetes.io/part-of": "homelab-network",
        ...(podSecurity ? podSecurityLabels(podSecurity) : {}),
      },
    },
  },
});

/** A Secret whose values stay `Secret`s until the Pulumi edge reveals them into the object. */
export const plannedSecret = (
  namespace: string,
  name: string,
  stringData: Record<string, Secret>,
): PlannedObject => ({
  id: secretId(namespace, name),
  object: secretObject({ name, namespace }, stringData),
  after: [namespaceId(namespace)],
});
