/**
 * What the drawing shows, read from a render (the layers' plans, their redacted documents and their
 * exports), so it is as true as the render: the LAN and its fixed addresses, every host with its
 * ingress classes, auth and DNS answers, the layers and what each exports, the volumes and their
 * backups. Pure and in a stable order: the same render, the same model.
 */
import type { NetworkContract, StorageContract } from "../../core/contracts.ts";
import type { Layer } from "../../core/layerNames.ts";
import { valueAt } from "../../core/plan.ts";
import { METALLB_IPS } from "../../k8s/annotations.ts";
import { recurringJobGroupsOf } from "../../k8s/longhorn.ts";
import type { KubernetesObject } from "../documents.ts";
import type { RenderedLayer } from "../render.ts";
import { hostRoutes } from "../routes.ts";
import { authContextOf, authOf } from "./auth.ts";
import { type DnsAnswer, dnsAnswers } from "./dns.ts";

export interface HostFact {
  host: string;
  /** The ingress classes serving it, each with the auth of its route there. */
  routes: { ingressClass: string; auth: string[]; owner: string }[];
  dns: DnsAnswer[];
}

interface LayerFact {
  layer: Layer;
  reads: Layer[];
  /** `key: value` of each stack output (non-string values as JSON). */
  exports: string[];
  counts: string;
}

export interface VolumeFact {
  layer: Layer;
  /** `PersistentVolumeClaim demo/demo-data`, `Postgres miniflux/miniflux-db`. */
  label: string;
  storageClass: string;
  size: string;
  /** The Longhorn recurring-job groups its volume is in. */
  groups: string[];
}

export interface JobFact {
  name: string;
  task: string;
  groups: string[];
  localTime: string;
}

export interface ClusterModel {
  stack: string;
  network: NetworkContract;
  storage: StorageContract;
  /** The Cloudflare record holding the router's address, as rendered (its content redacted). */
  publicRecord?: { name: string; type: string; content: string };
  pools: { name: string; addresses: string[]; autoAssign: boolean }[];
  /** Each fixed LoadBalancer IP and the Service that holds it. */
  fixedIps: { ip: string; service: string }[];
  hosts: HostFact[];
  layers: LayerFact[];
  volumes: VolumeFact[];
  jobs: JobFact[];
  /** When every Postgres database is backed up (CloudNativePG volume snapshots), local time. */
  databaseBackup?: string;
  timeZone: string;
}

const text = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/** An output as a line: a list as its items (an object item by its name), anything else as JSON. */
const shortText = (value: unknown): string =>
  Array.isArray(value)
    ? value
        .map((item) =>
          typeof item === "object" && item !== null && "name" in item ? text(item.name) : text(item),
        )
        .join(", ")
    : text(value);

const objectsOf = (layers: readonly RenderedLayer[]): KubernetesObject[] =>
  layers.flatMap((layer) => layer.documents.kubernetes.map(({ body }) => body));

const outputsOf = <T>(layers: readonly RenderedLayer[], layer: Layer): T =>
  (layers.find((rendered) => rendered.layer === layer)?.outputs ?? {}) as T;

const hostsOf = (layers: readonly RenderedLayer[], network: NetworkContract): HostFact[] => {
  const objects = objectsOf(layers);
  const routes = objects.flatMap(hostRoutes);
  const context = authContextOf(objects);
  const answers = dnsAnswers(layers, routes, network);
  const hosts = new Map<string, HostFact>();
  for (const route of routes) {
    const fact = hosts.get(route.host) ?? {
      host: route.host,
      routes: [],
      dns: answers.get(route.host) ?? [],
    };
    fact.routes.push({
      ingressClass: route.ingressClass,
      auth: authOf(route, context),
      owner: route.owner,
    });
    fact.routes.sort((a, b) => a.ingressClass.localeCompare(b.ingressClass));
    hosts.set(route.host, fact);
  }
  return [...hosts.values()].sort((a, b) => a.host.localeCompare(b.host));
};

const layerFacts = (layers: readonly RenderedLayer[]): LayerFact[] =>
  layers.map((layer) => ({
    layer: layer.layer,
    reads: layer.reads,
    exports: Object.entries(layer.outputs).map(([key, value]) => `${key}: ${shortText(value)}`),
    counts: `${layer.documents.kubernetes.length} objects, ${layer.documents.helm.length} Helm releases, ${layer.documents.external.length} external`,
  }));

/** Where a claim's data lives: its class, or for a claim bound to a static NFS volume, the export. */
const claimStorage = (claim: KubernetesObject, volumes: ReadonlyMap<string, KubernetesObject>): string => {
  const storageClass = valueAt(claim, "spec.storageClassName");
  if (storageClass !== "" && storageClass !== undefined) return text(storageClass);
  const volume = volumes.get(text(valueAt(claim, "spec.volumeName")));
  // csi-driver-nfs volumes name their export in volumeAttributes (server, share).
  const nfs = valueAt(volume, "spec.csi.volumeAttributes") as { server?: string; share?: string } | undefined;
  if (nfs?.server !== undefined) return `NFS ${nfs.server}:${nfs.share ?? "/"}`;
  return storageClass === "" ? "(static volume)" : "(default class)";
};

/** Claims and Postgres clusters: what holds data, on which class, in which backup groups. */
const volumeFacts = (layers: readonly RenderedLayer[]): VolumeFact[] => {
  const volumes = new Map(
    objectsOf(layers)
      .filter((object) => object.kind === "PersistentVolume")
      .map((object) => [object.metadata.name ?? "?", object]),
  );
  return layers.flatMap((layer) =>
    layer.documents.kubernetes.flatMap(({ body }): VolumeFact[] => {
      const where = `${body.metadata.namespace ?? "default"}/${body.metadata.name ?? "?"}`;
      if (body.kind === "PersistentVolumeClaim")
        return [
          {
            layer: layer.layer,
            label: `claim ${where}`,
            storageClass: claimStorage(body, volumes),
            size: text(valueAt(body, "spec.resources.requests.storage") ?? "?"),
            groups: recurringJobGroupsOf(body.metadata.labels ?? {}),
          },
        ];
      if (body.kind === "Cluster" && body.apiVersion.startsWith("postgresql.cnpg.io/"))
        return [
          {
            layer: layer.layer,
            label: `Postgres ${where}`,
            storageClass: text(valueAt(body, "spec.storage.storageClass") ?? "(default)"),
            size: text(valueAt(body, "spec.storage.size") ?? "?"),
            groups: recurringJobGroupsOf(
              (valueAt(body, "spec.inheritedMetadata.labels") ?? {}) as Record<string, string>,
            ),
          },
        ];
      return [];
    }),
  );
};

const poolsOf = (objects: readonly KubernetesObject[]): ClusterModel["pools"] =>
  objects
    .filter((object) => object.kind === "IPAddressPool" && object.apiVersion.startsWith("metallb.io/"))
    .map((object) => ({
      name: object.metadata.name ?? "?",
      addresses: (valueAt(object, "spec.addresses") ?? []) as string[],
      autoAssign: valueAt(object, "spec.autoAssign") !== false,
    }));

const fixedIpsOf = (objects: readonly KubernetesObject[]): ClusterModel["fixedIps"] =>
  objects
    .filter((object) => object.kind === "Service" && object.metadata.annotations?.[METALLB_IPS] !== undefined)
    .map((object) => ({
      ip: object.metadata.annotations?.[METALLB_IPS] ?? "?",
      service: `${object.metadata.namespace}/${object.metadata.name}`,
    }))
    .sort((a, b) => a.ip.localeCompare(b.ip, undefined, { numeric: true }));

const publicRecordOf = (layers: readonly RenderedLayer[]): ClusterModel["publicRecord"] => {
  const found = layers
    .flatMap((layer) => layer.documents.external)
    .find(({ resource }) => resource.type === "cloudflare:index/dnsRecord:DnsRecord");
  return found === undefined
    ? undefined
    : { name: text(found.body.name), type: text(found.body.type), content: text(found.body.content) };
};

export const clusterModel = (stack: string, layers: readonly RenderedLayer[]): ClusterModel => {
  const network = outputsOf<NetworkContract>(layers, "network");
  const storage = outputsOf<
    StorageContract & { recurringJobs?: JobFact[]; localTimeZone?: string; databaseBackupLocalTime?: string }
  >(layers, "storage");
  const objects = objectsOf(layers);
  const publicRecord = publicRecordOf(layers);
  return {
    stack,
    network,
    storage,
    ...(publicRecord === undefined ? {} : { publicRecord }),
    pools: poolsOf(objects),
    fixedIps: fixedIpsOf(objects),
    hosts: hostsOf(layers, network),
    layers: layerFacts(layers),
    volumes: volumeFacts(layers),
    jobs: storage.recurringJobs ?? [],
    ...(storage.databaseBackupLocalTime === undefined
      ? {}
      : { databaseBackup: storage.databaseBackupLocalTime }),
    timeZone: storage.localTimeZone ?? "UTC",
  };
};
