/**
 * What a real deploy waits for, and who makes it happen here, in one table (AWAITED); then the
 * stand-ins for the controllers the stand-in charts do not run, one per kind, all by kind and
 * condition, never by an object's name.
 *
 * The awaits are the pinned Kubernetes provider's (harness/engine/versions.ts:
 * github.com/pulumi/pulumi-kubernetes provider/v4 at f47bc2d6f199, provider/pkg/await/awaiters.go,
 * the `awaiters` map; each kind's file beside it). Kinds the map lacks (custom resources, ConfigMaps,
 * RBAC, Namespaces, StorageClasses, Helm's Chart itself) are not awaited, unless an object carries
 * `pulumi.com/waitFor` (provider/pkg/metadata/overrides.go, ReadyCondition; nothing here sets it).
 */
import type { V1Ingress, V1Pod, V1Service } from "@kubernetes/client-node";
import {
  type IngressPublisher,
  ingressAddresses,
  loadBalancerAddress,
  type PoolLike,
  type ServiceLike,
} from "./addresses.ts";
import type { Clients } from "./api.ts";
import { provisionPendingClaims } from "./api.ts";
import { isGateToRun, runGatePod } from "./gateRunner.ts";
import { serveAfterRefusal } from "./notServing.ts";
import { longhornStorageClass } from "./storage.ts";

interface Awaited {
  kind: string;
  /** What the provider waits for (its file in provider/pkg/await/). */
  ready: string;
  /** Who makes it so in this harness. */
  here: string;
}

export const AWAITED: readonly Awaited[] = [
  {
    kind: "apps/v1 Deployment",
    ready:
      "deployment.go: the revision annotation moved on, Progressing=True reason NewReplicaSetAvailable, Available=True, the new ReplicaSet's pods Ready",
    here: "kube-controller-manager (ReplicaSets, status), kube-scheduler, kwok (pod-ready stage)",
  },
  {
    kind: "apps/v1 StatefulSet",
    ready:
      "statefulset.go: replicas, currentReplicas and readyReplicas equal spec.replicas; currentRevision = updateRevision",
    here: "kube-controller-manager, kube-scheduler, kwok (pod-ready stage)",
  },
  {
    kind: "apps/v1 DaemonSet",
    ready: "daemonset.go: kstatus Current (desired = updated = available pods on every eligible node)",
    here: "kube-controller-manager, kwok (pod-ready stage)",
  },
  {
    kind: "batch/v1 Job",
    ready: "job.go: startTime set, Complete=True; Failed=True fails the deploy with the pods' messages",
    here: "kube-controller-manager (Job conditions), kwok (pod-complete stage); webhook gates: gateRunner.ts runs their script",
  },
  {
    kind: "v1 Pod",
    ready: "pod.go: PodScheduled, Initialized, Ready=True and phase Running, or phase Succeeded",
    here: "kube-scheduler, kwok (pod-ready, pod-complete stages)",
  },
  {
    kind: "v1 Service",
    ready:
      "service.go: an Endpoints object of its name seen and settled 10 s, none not-ready (unless headless, ExternalName or selector-less); a LoadBalancer also status.loadBalancer.ingress",
    here: "kube-controller-manager (Endpoints from kwok's Ready pods and their IPs); MetalLB: standInLoadBalancers here",
  },
  {
    kind: "networking.k8s.io/v1 Ingress",
    ready:
      "ingress.go: status.loadBalancer.ingress non-empty; each backend Service's Endpoints seen (or 60 s settled)",
    here: "the ingress controller (Traefik publishedService): standInIngresses here; a chart's own backend Service (not in its stand-in): standInChartBackends",
  },
  {
    kind: "v1 PersistentVolumeClaim",
    ready: "awaiters.go: phase Bound (Pending for a WaitForFirstConsumer class)",
    here: "kube-controller-manager (binding); the CSI drivers: provisionPendingClaims (api.ts, storage.ts)",
  },
  {
    kind: "v1 PersistentVolume",
    ready: "awaiters.go: phase Available or Bound",
    here: "kube-controller-manager",
  },
  {
    kind: "v1 Secret",
    ready: "awaiters.go: only type kubernetes.io/service-account-token, until it has data",
    here: "kube-controller-manager (token controller)",
  },
  {
    kind: "v1 ServiceAccount, ReplicationController, ResourceQuota",
    ready: "awaiters.go: nothing from Kubernetes 1.24 on (ServiceAccount); replicas / quota status",
    here: "kube-controller-manager",
  },
];

export interface StandInOptions {
  /** Longhorn's release values: its manager makes the `longhorn` class from them (none: storage not stood in). */
  longhorn?: Record<string, unknown>;
  /** Which Service each ingress class's controller publishes (Traefik's publishedService). */
  publishers: readonly IngressPublisher[];
  /** The run's API server, for the webhook gates' scripts. */
  server: { url: string; ca: string };
}

/** Longhorn's manager makes its StorageClass once its chart is in; the CSI drivers provision claims. */
const standInStorage = async (clients: Clients, longhorn: Record<string, unknown>): Promise<string[]> => {
  const events: string[] = [];
  const crds = await clients.extensions.listCustomResourceDefinition();
  if (crds.items.some((crd) => crd.metadata?.name === "volumes.longhorn.io")) {
    const classes = await clients.storage.listStorageClass();
    if (!classes.items.some((c) => c.metadata?.name === "longhorn")) {
      await clients.storage.createStorageClass({ body: longhornStorageClass(longhorn) as never });
      events.push("created StorageClass longhorn (as Longhorn's manager does from its chart)");
    }
  }
  for (const claim of await provisionPendingClaims(clients)) events.push(`provisioned a volume for ${claim}`);
  return events;
};

const listPools = async (clients: Clients): Promise<PoolLike[]> => {
  try {
    const list = (await clients.custom.listClusterCustomObject({
      group: "metallb.io",
      version: "v1beta1",
      plural: "ipaddresspools",
    })) as { items: PoolLike[] };
    return list.items;
  } catch {
    return []; // MetalLB's CRDs are not in yet.
  }
};

/** MetalLB's controller: every LoadBalancer Service gets its address (addresses.ts). */
const standInLoadBalancers = async (clients: Clients, services: V1Service[]): Promise<string[]> => {
  const pools = await listPools(clients);
  const events: string[] = [];
  for (const service of services) {
    const address = loadBalancerAddress(service as ServiceLike, pools, services as ServiceLike[]);
    if (!address) continue;
    service.status = { ...service.status, loadBalancer: { ingress: [{ ip: address, ipMode: "VIP" }] } };
    await clients.core.replaceNamespacedServiceStatus({
      name: service.metadata?.name ?? "",
      namespace: service.metadata?.namespace ?? "",
      body: service,
    });
    events.push(
      `gave Service ${service.metadata?.namespace}/${service.metadata?.name} ${address} (as MetalLB)`,
    );
  }
  return events;
};

/** `namespace/name` of each Service an Ingress routes to. */
const backendsOf = (ingress: V1Ingress): string[] =>
  (ingress.spec?.rules ?? []).flatMap((rule) =>
    (rule.http?.paths ?? []).flatMap((path) =>
      path.backend.service ? [`${ingress.metadata?.namespace}/${path.backend.service.name}`] : [],
    ),
  );

/**
 * A chart's own Service an Ingress routes to (Longhorn's UI: longhorn-frontend) is not in the
 * stand-in chart, which holds only CRDs: it gets the empty Endpoints object the chart's Service
 * would have, which is what the provider's Ingress await looks for (else it waits 60 s and warns).
 */
const standInChartBackends = async (
  clients: Clients,
  ingresses: readonly V1Ingress[],
  services: readonly V1Service[],
  made: Set<string>,
): Promise<string[]> => {
  const existing = new Set(services.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`));
  // Only for Ingresses a few seconds old: the layer's own Service may be created just after its Ingress.
  const settled = ingresses.filter(
    (ingress) => Date.now() - new Date(ingress.metadata?.creationTimestamp ?? 0).getTime() > 5000,
  );
  const missing = [...new Set(settled.flatMap(backendsOf))].filter(
    (id) => !existing.has(id) && !made.has(id),
  );
  for (const id of missing) {
    const [namespace = "", name = ""] = id.split("/");
    await clients.core.createNamespacedEndpoints({ namespace, body: { metadata: { name, namespace } } });
    made.add(id);
  }
  return missing.map((id) => `made the Endpoints of ${id}, a Service its chart would have made`);
};

/** The ingress controllers: an Ingress of a published class gets its Service's address. */
const standInIngresses = async (
  clients: Clients,
  services: V1Service[],
  publishers: readonly IngressPublisher[],
  made: Set<string>,
): Promise<string[]> => {
  const ingresses = (await clients.networking.listIngressForAllNamespaces()).items as V1Ingress[];
  const events = await standInChartBackends(clients, ingresses, services, made);
  for (const ingress of ingresses) {
    if ((ingress.status?.loadBalancer?.ingress ?? []).length > 0) continue;
    const addresses = ingressAddresses(ingress.spec?.ingressClassName, publishers, services as ServiceLike[]);
    if (addresses.length === 0) continue;
    ingress.status = { loadBalancer: { ingress: addresses } };
    await clients.networking.replaceNamespacedIngressStatus({
      name: ingress.metadata?.name ?? "",
      namespace: ingress.metadata?.namespace ?? "",
      body: ingress,
    });
    events.push(
      `gave Ingress ${ingress.metadata?.namespace}/${ingress.metadata?.name} ${addresses.map((a) => a.ip).join(", ")} (as its class's controller)`,
    );
  }
  return events;
};

/** Starts the webhook gates kwok made Running, once each (their scripts run in the background). */
const standInGates = (clients: Clients, pods: V1Pod[], options: StandInOptions, started: Set<string>) =>
  pods
    .filter((pod) => isGateToRun(pod) && !started.has(pod.metadata?.uid ?? ""))
    .map((pod) => {
      started.add(pod.metadata?.uid ?? "");
      return runGatePod(clients, pod, options.server);
    });

/** How often the stand-ins look: each await they serve (a gate, an address) waits up to this long. */
const TICK_MS = 500;

/**
 * Runs every stand-in every TICK_MS until stopped; `events` says what each did (a failing tick is
 * recorded and retried).
 */
export const startStandIns = (
  clients: Clients,
  options: StandInOptions,
): { stop: () => Promise<void>; events: string[] } => {
  const events: string[] = [];
  const gates = new Set<string>();
  const backends = new Set<string>();
  const running: Promise<void>[] = [];
  let on = true;
  const tick = async () => {
    if (options.longhorn) events.push(...(await standInStorage(clients, options.longhorn)));
    const services = (await clients.core.listServiceForAllNamespaces()).items;
    events.push(...(await standInLoadBalancers(clients, services)));
    events.push(...(await standInIngresses(clients, services, options.publishers, backends)));
    const pods = (await clients.core.listPodForAllNamespaces()).items;
    events.push(...(await serveAfterRefusal(clients, pods)));
    for (const run of standInGates(clients, pods, options, gates))
      running.push(
        run.then((line) => void events.push(line)).catch((error) => void events.push(`gate: ${error}`)),
      );
  };
  const loop = (async () => {
    while (on) {
      await tick().catch((error: unknown) => events.push(`stand-ins: ${String(error)}`));
      await Bun.sleep(TICK_MS);
    }
  })();
  return {
    events,
    stop: async () => {
      on = false;
      await loop;
      await Promise.all(running);
    },
  };
};
