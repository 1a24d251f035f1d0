/** The names and labels an app's objects get: one place, so every object refers to the others right. */
import type { AuthContract, NetworkContract, StorageContract } from "../core/contracts.ts";
import { ownerLabels } from "../k8s/labels.ts";
import { liveCluster, restoredClusterName, servingCluster } from "./restore.ts";
import { type AppSpec, type Exposure, namespaceOf, type Volume } from "./spec.ts";

/** The upstream contracts an app renders against. User apps always get all three. */
export interface AppContracts {
  network: NetworkContract;
  storage: StorageContract;
  auth: AuthContract;
}

/**
 * What a render needs: the network contract always; storage and auth only for apps that use them
 * (a platform app of an earlier layer renders before those layers exist).
 */
export interface RenderContext {
  network: NetworkContract;
  storage?: StorageContract;
  auth?: AuthContract;
  /** The layer deploying the app: its objects are labelled `managed-by: homelab-<layer>`. */
  layer?: "network" | "auth" | "apps";
}

export const names = (spec: AppSpec) => ({
  namespace: namespaceOf(spec),
  workload: spec.name,
  secret: `${spec.name}-secrets`,
  /** Written by the layer's OIDC client step (lib/oidc), not by Pulumi. */
  oidcSecret: `${spec.name}-oidc`,
  configMap: `${spec.name}-config`,
  ingress: (exposure: Exposure) => `${spec.name}-${exposure.kind}`,
  claim: (volume: Volume) => `${spec.name}-${volume.name}`,
  /** PersistentVolumes are cluster-scoped: the program checks these are unique across apps. */
  persistentVolume: (volume: Volume) => `${spec.name}-${volume.name}`,
  cluster: liveCluster(spec),
  /** The cluster a restore creates beside the live one (lib/app/restore.ts). */
  restoredCluster: restoredClusterName(spec),
  /** Created by the CloudNativePG operator for the cluster the app uses. */
  clusterAppSecret: `${servingCluster(spec)}-app`,
  serviceAccount: spec.name,
  /** Cluster-scoped, like the PersistentVolumes: app names are unique across the cluster. */
  clusterRole: `${spec.name}-cluster-reader`,
});

export const selectorLabels = (spec: AppSpec): Record<string, string> => ({
  "app.kubernetes.io/name": spec.name,
  "app.kubernetes.io/component": "app",
});

/** The labels of the app's own objects: part of the app, managed by the layer deploying it. */
export const commonLabels = (spec: AppSpec, context: RenderContext): Record<string, string> =>
  ownerLabels(spec.name, context.layer ?? "apps");

/** The labels of objects apps in one namespace share (the Namespace, a load balancer). */
export const sharedLabels = (spec: AppSpec, context: RenderContext): Record<string, string> =>
  ownerLabels(namespaceOf(spec), context.layer ?? "apps");

export const hostOf = (exposure: Exposure, network: NetworkContract): string =>
  `${exposure.subdomain}.${network.domain}`;
