/**
 * Talks to the run's API server through @kubernetes/client-node: server-side apply, the nodes,
 * the CRDs, and the stand-in provisioner. Credentials come from the run, never from a kubeconfig
 * of the user's.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  AdmissionregistrationV1Api,
  ApiextensionsV1Api,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  type HttpLibrary,
  KubeConfig,
  NetworkingV1Api,
  Observable,
  type RequestContext,
  ResponseContext,
  ServerConfiguration,
  StorageV1Api,
  type V1Node,
  type V1PersistentVolume,
} from "@kubernetes/client-node";
import { parse } from "yaml";
import type { Cluster } from "./cluster.ts";
import { NODE_COUNT, talosNode } from "./config.ts";
import { apiErrorMessage } from "./errors.ts";
import { type CrdLike, type ManifestObject, objectName, servedKinds } from "./manifests.ts";
import type { ApplyResult } from "./report.ts";
import { type ClaimLike, type StorageClassLike, simulatedClassOf, volumeForClaim } from "./storage.ts";

const FIELD_MANAGER = "verify-cluster";

export interface Clients {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  storage: StorageV1Api;
  /** The CRDs (bun run e2e watches for Longhorn's before it stands in for its manager). */
  extensions: ApiextensionsV1Api;
  networking: NetworkingV1Api;
  /** Webhook configurations (the failure rehearsal's webhook that does not serve yet). */
  admission: AdmissionregistrationV1Api;
  /** Custom resources (MetalLB's IPAddressPools, read by the load balancer stand-in). */
  custom: CustomObjectsApi;
}

/**
 * client-node sends through undici's fetch with a TLS dispatcher, which Bun's fetch ignores;
 * Bun's own `tls` option carries the run's CA instead, so the server's certificate is verified.
 */
const bunFetch = (ca: string): HttpLibrary => ({
  send: (request: RequestContext) =>
    new Observable(
      fetch(request.getUrl(), {
        method: request.getHttpMethod().toString(),
        body: request.getBody() as string | FormData | undefined,
        headers: request.getHeaders(),
        signal: request.getSignal() ?? null,
        tls: { ca },
      }).then((response) => {
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          headers[name] = value;
        });
        return new ResponseContext(response.status, headers, {
          text: () => response.text(),
          binary: async () => Buffer.from(await response.arrayBuffer()),
          stream: () => response.body,
        });
      }),
    ),
});

export const connect = (cluster: Cluster): Clients => {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: "verify", server: cluster.server, caFile: cluster.caFile }],
    users: [{ name: "admin", token: cluster.token }],
    contexts: [{ name: "verify", cluster: "verify", user: "admin" }],
    currentContext: "verify",
  });
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: config },
    httpApi: bunFetch(cluster.ca),
  });
  return {
    core: new CoreV1Api(configuration),
    apps: new AppsV1Api(configuration),
    batch: new BatchV1Api(configuration),
    storage: new StorageV1Api(configuration),
    extensions: new ApiextensionsV1Api(configuration),
    networking: new NetworkingV1Api(configuration),
    admission: new AdmissionregistrationV1Api(configuration),
    custom: new CustomObjectsApi(configuration),
  };
};

/** One request with the run's token and CA: the raw JSON text back, or the server's message. */
const request = async (
  cluster: Cluster,
  method: string,
  path: string,
  body?: string,
): Promise<{ ok: boolean; status: number; text: string; warnings: string[] }> => {
  const response = await fetch(`${cluster.server}${path}`, {
    method,
    body,
    headers: {
      Authorization: `Bearer ${cluster.token}`,
      Accept: "application/json",
      ...(body ? { "Content-Type": "application/apply-patch+yaml" } : {}),
    },
    tls: { ca: cluster.ca },
  });
  // `Warning: 299 - "…"` headers: Pod Security's warn level, deprecations.
  const warnings = (response.headers.get("warning") ?? "")
    .split(/,\s*(?=299 )/)
    .map((warning) => (/^299 - "(.*)"$/.exec(warning.trim())?.[1] ?? "").replaceAll('\\"', '"'))
    .filter(Boolean);
  return { ok: response.ok, status: response.status, text: await response.text(), warnings };
};

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/**
 * Server-side apply as kubectl does it: resource found by discovery, the object sent as is.
 * (client-node's typed serializer would drop fields whose JSON name is not its property name,
 * such as `x-kubernetes-int-or-string` in a CRD's schema.)
 */
export const serverSideApply = (cluster: Cluster) => {
  const discovered = new Map<string, ApiResource[]>();
  const basePath = (apiVersion: string) =>
    apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const resourceOf = async (apiVersion: string, kind: string): Promise<ApiResource | undefined> => {
    const base = basePath(apiVersion);
    const find = () => discovered.get(base)?.find((r) => r.kind === kind && !r.name.includes("/"));
    if (find()) return find();
    // Not cached, or a CRD established since: ask again.
    const response = await request(cluster, "GET", base);
    if (response.ok)
      discovered.set(base, (JSON.parse(response.text) as { resources: ApiResource[] }).resources);
    return find();
  };
  const apply = async (object: ManifestObject): Promise<ApplyResult> => {
    const name = objectName(object);
    const resource = await resourceOf(object.apiVersion, object.kind);
    if (!resource)
      return { object: name, error: `the server has no kind ${object.kind} in ${object.apiVersion}` };
    const namespace = resource.namespaced ? `/namespaces/${object.metadata.namespace ?? "default"}` : "";
    const path = `${basePath(object.apiVersion)}${namespace}/${resource.name}/${encodeURIComponent(object.metadata.name)}`;
    const response = await request(
      cluster,
      "PATCH",
      `${path}?fieldManager=${FIELD_MANAGER}&force=true`,
      JSON.stringify(object),
    );
    const warnings = response.warnings.length > 0 ? { warnings: response.warnings } : {};
    return response.ok
      ? { object: name, ...warnings }
      : { object: name, error: apiErrorMessage({ code: response.status, body: response.text }), ...warnings };
  };
  /** Whether the server serves a kind now (discovery, the way kubectl finds it). */
  const serves = async (apiVersion: string, kind: string): Promise<boolean> =>
    (await resourceOf(apiVersion, kind)) !== undefined;
  return { apply, serves };
};

export type ApiServer = ReturnType<typeof serverSideApply>;
export type Apply = ApiServer["apply"];

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

/** Every CRD file of the given charts' folders under `dir` (`<chart>-<version>`), in a stable order. */
const crdFiles = (dir: string, charts: readonly string[]): string[] =>
  [...charts]
    .filter((chart) => existsSync(join(dir, chart)) && statSync(join(dir, chart)).isDirectory())
    .sort()
    .flatMap((chart) =>
      readdirSync(join(dir, chart))
        .filter((file) => file.endsWith(".yaml"))
        .sort()
        .map((file) => join(dir, chart, file)),
    );

/**
 * Applies the CRDs of the charts (their folders under `dir`, one per chart and version) and waits
 * until discovery serves each accepted one, the way a later apply will look for it; returns the
 * results (refusals carry the server's message).
 */
export const installCrds = async (
  server: ApiServer,
  dir: string,
  charts: readonly string[],
  timeoutMs = 30_000,
): Promise<ApplyResult[]> => {
  const objects = crdFiles(dir, charts).map((file) => parse(readFileSync(file, "utf8")) as ManifestObject);
  const results = await Promise.all(objects.map(server.apply));
  let waiting = objects
    .filter((_, index) => !results[index]?.error)
    .flatMap((crd) => servedKinds(crd as CrdLike));
  const deadline = Date.now() + timeoutMs;
  while (waiting.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    // One at a time: a group's first lookup refreshes discovery for the kinds after it.
    const still: typeof waiting = [];
    for (const entry of waiting) if (!(await server.serves(entry.apiVersion, entry.kind))) still.push(entry);
    waiting = still;
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
