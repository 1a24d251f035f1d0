/**
 * Talks to the run's API server through @kubernetes/client-node: server-side apply, the nodes,
 * the CRDs, and the stand-in provisioner. Credentials come from the run, never from a kubeconfig
 * of the user's.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  StorageV1Api,
  type V1Node,
  type V1PersistentVolume,
} from "@kubernetes/client-node";
import { parse } from "yaml";
import type { Cluster } from "./cluster.ts";
import { NODE_COUNT, talosNode } from "./config.ts";
import { apiErrorMessage } from "./errors.ts";
import { type KubeObject, objectName } from "./manifests.ts";
import type { ApplyResult } from "./report.ts";
import { type ClaimLike, type StorageClassLike, simulatedClassOf, volumeForClaim } from "./storage.ts";

export const FIELD_MANAGER = "verify-cluster";

export interface Clients {
  objects: KubernetesObjectApi;
  core: CoreV1Api;
  apps: AppsV1Api;
  storage: StorageV1Api;
  extensions: ApiextensionsV1Api;
}

export const connect = (cluster: Cluster): Clients => {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: "verify", server: cluster.server, caFile: cluster.caFile }],
    users: [{ name: "admin", token: cluster.token }],
    contexts: [{ name: "verify", cluster: "verify", user: "admin" }],
    currentContext: "verify",
  });
  return {
    objects: KubernetesObjectApi.makeApiClient(config),
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    storage: config.makeApiClient(StorageV1Api),
    extensions: config.makeApiClient(ApiextensionsV1Api),
  };
};

/** Server-side apply of one object; a refusal comes back with the server's message. */
export const applyObject = async (clients: Clients, object: KubeObject): Promise<ApplyResult> => {
  try {
    await clients.objects.patch(
      object,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
    return { object: objectName(object) };
  } catch (error) {
    return { object: objectName(object), error: apiErrorMessage(error) };
  }
};

/**
 * The Talos-like nodes. Creating a node makes the API server add the not-ready taint; the node
 * lifecycle controller (off here) would lift it once the kubelet reports Ready, so this does.
 */
export const createNodes = async (clients: Clients): Promise<void> => {
  for (let index = 0; index < NODE_COUNT; index++) {
    const node = talosNode(index) as V1Node;
    const created = await clients.core.createNode({ body: { ...node, status: undefined } });
    const name = created.metadata?.name ?? "";
    await clients.core.replaceNode({
      name,
      body: { ...created, spec: { ...created.spec, taints: node.spec?.taints } },
    });
    const current = await clients.core.readNode({ name });
    await clients.core.replaceNodeStatus({ name, body: { ...current, status: node.status } });
  }
};

/** Every CRD file under `dir` (one folder per chart), in a stable order. */
export const crdFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((entry) => statSync(join(dir, entry)).isDirectory())
    .sort()
    .flatMap((chart) =>
      readdirSync(join(dir, chart))
        .filter((file) => file.endsWith(".yaml"))
        .sort()
        .map((file) => join(dir, chart, file)),
    );

/** Applies the CRDs and waits until the server serves them; returns the refusals. */
export const installCrds = async (
  clients: Clients,
  dir: string,
  timeoutMs = 30_000,
): Promise<ApplyResult[]> => {
  const objects = crdFiles(dir).map((file) => parse(readFileSync(file, "utf8")) as KubeObject);
  const results = await Promise.all(objects.map((object) => applyObject(clients, object)));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const list = await clients.extensions.listCustomResourceDefinition();
    const established = list.items.filter((crd) =>
      crd.status?.conditions?.some(
        (condition) => condition.type === "Established" && condition.status === "True",
      ),
    );
    if (established.length >= results.filter((result) => !result.error).length) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return results;
};

/** Creates the volume the class's driver would for each pending claim; returns the claims served. */
export const provisionPendingClaims = async (clients: Clients): Promise<string[]> => {
  const [claims, classes] = await Promise.all([
    clients.core.listPersistentVolumeClaimForAllNamespaces(),
    clients.storage.listStorageClass(),
  ]);
  const served: string[] = [];
  for (const claim of claims.items as ClaimLike[]) {
    const storageClass = simulatedClassOf(claim, classes.items as StorageClassLike[]);
    if (!storageClass) continue;
    const volume = volumeForClaim(claim, storageClass);
    try {
      await clients.core.createPersistentVolume({ body: volume as V1PersistentVolume });
      served.push(`${claim.metadata.namespace}/${claim.metadata.name}`);
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
    }
  }
  return served;
};
