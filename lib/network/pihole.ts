/**
 * Pi-hole primary and secondary: two single-replica Deployments with the same settings, each with
 * its own protected volume for /etc/pihole, both behind one LoadBalancer Service on
 * `dns_server_ip` (TCP and UDP 53). external-dns writes the local records into each of them.
 */

import { METALLB_IPS } from "../annotations.ts";
import type { Secret } from "../config/secret.ts";
import { BACKUP_JOB_GROUP, recurringJobGroupLabels, TRIM_JOB_GROUP } from "../storage/recurringJobs.ts";
import { CONTROL_PLANE_TOLERATION } from "../talos.ts";
import type { NetworkConfig } from "./config.ts";
import { poolId } from "./metallb.ts";
import { metallbPools, namespaces, type PiholeInstance, pihole, piholeWebService, secrets } from "./names.ts";
import { type KubeObject, namespace, type Plan, planned, plannedSecret } from "./plan.ts";
import { images } from "./versions.ts";

const NS = namespaces.pihole;
const APP = "pihole";

export const piholeName = (instance: PiholeInstance): string => `pihole-${instance}`;
export const piholeClaimName = (instance: PiholeInstance): string => `pihole-${instance}-config`;

export const piholeLabels = (instance: PiholeInstance): Record<string, string> => ({
  "app.kubernetes.io/name": APP,
  "app.kubernetes.io/instance": piholeName(instance),
});

/** Selects every Pi-hole, whichever instance: the DNS Service sends queries to both. */
export const allPiholesSelector = { "app.kubernetes.io/name": APP } as const;

export const PIHOLE_CONFIG_SIZE = "1Gi";

export const piholeClaim = (instance: PiholeInstance): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: {
    name: piholeClaimName(instance),
    namespace: NS,
    // Backed up and trimmed with the storage layer's jobs once Longhorn provides the volume (the
    // network layer deploys first, so it names the storage layer's groups, not its contract).
    labels: { ...piholeLabels(instance), ...recurringJobGroupLabels([BACKUP_JOB_GROUP, TRIM_JOB_GROUP]) },
  },
  // No storageClassName: the cluster default (Longhorn once the storage layer runs). A pending
  // claim without a class is bound as soon as a default StorageClass appears.
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: PIHOLE_CONFIG_SIZE } } },
});

/** Pi-hole v6 reads its settings from FTLCONF_* variables (and then shows them read-only). */
export const piholeEnv = (config: NetworkConfig) => [
  { name: "FTLCONF_dns_upstreams", value: config.piholeUpstreamDns.join(";") },
  // Queries arrive from pod/node addresses after the Service, not from a local subnet.
  { name: "FTLCONF_dns_listeningMode", value: "ALL" },
  {
    name: "FTLCONF_webserver_api_password",
    valueFrom: { secretKeyRef: { name: secrets.piholePassword.name, key: secrets.piholePassword.key } },
  },
];

export const piholeDeployment = (config: NetworkConfig, instance: PiholeInstance): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: piholeName(instance),
    namespace: NS,
    labels: piholeLabels(instance),
    // Its volume binds only once a default StorageClass exists, which the storage layer (deployed
    // after this one) provides; waiting for readiness here would time the deploy out.
    annotations: { "pulumi.com/skipAwait": "true" },
  },
  spec: {
    replicas: 1,
    // One pod owns the ReadWriteOnce volume at a time.
    strategy: { type: "Recreate" },
    selector: { matchLabels: piholeLabels(instance) },
    template: {
      metadata: { labels: piholeLabels(instance) },
      spec: {
        enableServiceLinks: false,
        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
        tolerations: [CONTROL_PLANE_TOLERATION],
        affinity: {
          // Keep primary and secondary on different nodes when there are several.
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: {
                  labelSelector: { matchLabels: allPiholesSelector },
                  topologyKey: "kubernetes.io/hostname",
                },
              },
            ],
          },
        },
        containers: [
          {
            name: "pihole",
            image: images.pihole,
            env: piholeEnv(config),
            ports: [
              { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
              { name: "dns-udp", containerPort: 53, protocol: "UDP" },
              { name: "http", containerPort: 80, protocol: "TCP" },
            ],
            volumeMounts: [{ name: "config", mountPath: "/etc/pihole" }],
            readinessProbe: { tcpSocket: { port: "dns-tcp" }, periodSeconds: 10 },
            livenessProbe: {
              tcpSocket: { port: "dns-tcp" },
              initialDelaySeconds: 60,
              periodSeconds: 20,
              failureThreshold: 3,
            },
            resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
          },
        ],
        volumes: [{ name: "config", persistentVolumeClaim: { claimName: piholeClaimName(instance) } }],
      },
    },
  },
});

/** ClusterIP Service of one Pi-hole's web server and API (the primary's is the admin UI). */
export const piholeWeb = (instance: PiholeInstance): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: piholeWebService(instance), namespace: NS, labels: piholeLabels(instance) },
  spec: {
    type: "ClusterIP",
    selector: piholeLabels(instance),
    ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
  },
});

/**
 * DNS on the fixed IP, both protocols on one Service (mixed-protocol LoadBalancer), both Pi-holes
 * as endpoints. `Cluster` spreads queries over both Pi-holes on any node; the price is that
 * Pi-hole sees node addresses instead of client addresses in its query log.
 */
export const piholeDnsService = (config: NetworkConfig): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: {
    name: pihole.dnsService,
    namespace: NS,
    labels: { "app.kubernetes.io/name": APP },
    annotations: { [METALLB_IPS]: config.dnsServerIp, "metallb.io/address-pool": metallbPools.dns },
  },
  spec: {
    type: "LoadBalancer",
    externalTrafficPolicy: "Cluster",
    selector: allPiholesSelector,
    ports: [
      { name: "dns-tcp", port: 53, targetPort: "dns-tcp", protocol: "TCP" },
      { name: "dns-udp", port: 53, targetPort: "dns-udp", protocol: "UDP" },
    ],
  },
});

export const piholePlan = (config: NetworkConfig, password: Secret): Partial<Plan> => {
  const passwordSecret = plannedSecret(NS, secrets.piholePassword.name, {
    [secrets.piholePassword.key]: password,
  });
  return {
    // Baseline is enough: no host network, no capabilities beyond the default set (no DHCP).
    objects: [
      namespace(NS, "baseline"),
      passwordSecret,
      ...pihole.instances.flatMap((instance) => {
        const claim = planned(piholeClaim(instance), [], true);
        return [
          claim,
          planned(piholeDeployment(config, instance), [claim.id, passwordSecret.id]),
          planned(piholeWeb(instance), []),
        ];
      }),
      planned(piholeDnsService(config), [poolId(metallbPools.dns)]),
    ],
  };
};
