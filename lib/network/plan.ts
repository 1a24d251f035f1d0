/**
 * The network layer as plain data: Helm releases, Kubernetes objects and Secrets, each with a
 * stable id and the ids it must wait for. Builders produce pieces of a plan; the Pulumi program
 * turns a plan into resources one-to-one, so everything checkable is checkable without Pulumi.
 */
import type { Secret } from "../config/secret.ts";
import type { ChartRef } from "./versions.ts";

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A Kubernetes object as the API server takes it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ChartRelease {
  id: string;
  /** Helm release name. */
  name: string;
  namespace: string;
  chart: ChartRef;
  values: Record<string, unknown>;
  /** Leave the chart's `crds/` out (another release already installs the same CRDs). */
  skipCrds?: boolean;
  /** Do not wait for the release's workloads to become ready (see the program for why). */
  skipAwait?: boolean;
  /** Plan ids (namespaces, secrets, other releases) this release waits for. */
  after: string[];
}

export interface PlannedObject {
  id: string;
  object: KubeObject;
  /** Plan ids this object waits for; a custom resource lists the release that installs its CRD. */
  after: string[];
  /** Holds state: protected from deletion and retained when removed from the program. */
  stateful?: boolean;
}

/** A Secret whose values stay `Secret`s until the Pulumi edge reveals them into the object. */
export interface PlannedSecret {
  id: string;
  namespace: string;
  name: string;
  stringData: Record<string, Secret>;
  after: string[];
}

export interface NetworkPlan {
  namespaces: PlannedObject[];
  secrets: PlannedSecret[];
  releases: ChartRelease[];
  objects: PlannedObject[];
}

export const emptyPlan = (): NetworkPlan => ({ namespaces: [], secrets: [], releases: [], objects: [] });

export const mergePlans = (...plans: readonly Partial<NetworkPlan>[]): NetworkPlan => ({
  namespaces: plans.flatMap((plan) => plan.namespaces ?? []),
  secrets: plans.flatMap((plan) => plan.secrets ?? []),
  releases: plans.flatMap((plan) => plan.releases ?? []),
  objects: plans.flatMap((plan) => plan.objects ?? []),
});

/** Stable, collision-free plan ids (also the Pulumi resource names). */
export const objectId = (object: KubeObject): string =>
  `${object.kind.toLowerCase()}/${object.metadata.namespace ?? "cluster"}/${object.metadata.name}`;
export const namespaceId = (name: string): string => `namespace/cluster/${name}`;
export const secretId = (namespace: string, name: string): string => `secret/${namespace}/${name}`;
export const releaseId = (namespace: string, name: string): string => `helm/${namespace}/${name}`;

export const planned = (object: KubeObject, after: string[], stateful = false): PlannedObject => ({
  id: objectId(object),
  object,
  after: object.metadata.namespace ? [namespaceId(object.metadata.namespace), ...after] : after,
  ...(stateful ? { stateful } : {}),
});

/** Pod Security Admission levels (Talos enforces `baseline` by default). */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

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
        ...(podSecurity
          ? {
              "pod-security.kubernetes.io/enforce": podSecurity,
              "pod-security.kubernetes.io/audit": podSecurity,
              "pod-security.kubernetes.io/warn": podSecurity,
            }
          : {}),
      },
    },
  },
});

export const plannedSecret = (
  namespace: string,
  name: string,
  stringData: Record<string, Secret>,
): PlannedSecret => ({
  id: secretId(namespace, name),
  namespace,
  name,
  stringData,
  after: [namespaceId(namespace)],
});

/** Lets pods run on Talos control-plane nodes that keep their NoSchedule taint. */
export const controlPlaneToleration = {
  key: "node-role.kubernetes.io/control-plane",
  operator: "Exists",
  effect: "NoSchedule",
} as const;
