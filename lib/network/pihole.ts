/**
 * Pi-hole primary and secondary: two single-replica Deployments with the same settings, both
 * behind one LoadBalancer Service on `dns_server_ip` (TCP and UDP 53).
 *
 * Pi-hole's state is declared, not stored: its settings come from FTLCONF_* variables and its
 * local records from external-dns, which writes them again within a minute of a restart. So
 * /etc/pihole is an emptyDir and LAN DNS depends on no volume: it comes up with this layer, before
 * the storage layer exists, and keeps answering when Longhorn has trouble. What a restart loses is
 * what Pi-hole keeps only for itself: query history and changes made in its web UI.
 */

import { METALLB_IPS } from "../annotations.ts";
import type { Secret } from "../config/secret.ts";
import { CONTROL_PLANE_TOLERATION } from "../talos.ts";
import type { NetworkConfig } from "./config.ts";
import { poolId } from "./metallb.ts";
import {
  metallbPools,
  namespaces,
  type PiholeInstance,
  pihole,
  piholeHost,
  piholeWebService,
  secrets,
} from "./names.ts";
import { type KubeObject, namespace, type Plan, planned, plannedSecret } from "./plan.ts";
import { images } from "./versions.ts";

const NS = namespaces.pihole;
const APP = "pihole";

export const piholeName = (instance: PiholeInstance): string => `pihole-${instance}`;

export const piholeLabels = (instance: PiholeInstance): Record<string, string> => ({
  "app.kubernetes.io/name": APP,
  "app.kubernetes.io/instance": piholeName(instance),
});

/** Selects every Pi-hole, whichever instance: the DNS Service sends queries to both. */
export const allPiholesSelector = { "app.kubernetes.io/name": APP } as const;

/** Pi-hole v6 reads its settings from FTLCONF_* variables (and then shows them read-only). */
export const piholeEnv = (config: NetworkConfig) => [
  { name: "FTLCONF_dns_upstreams", value: config.piholeUpstreamDns.join(";") },
  // Queries arrive from pod/node addresses after the Service, not from a local subnet.
  { name: "FTLCONF_dns_listeningMode", value: "ALL" },
  // FTL redirects `/` to the admin UI only for requests to its own web domain (default `pi.hole`);
  // any other host gets "Directory listing denied".
  { name: "FTLCONF_webserver_domain", value: piholeHost(config.domain) },
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
  },
  spec: {
    replicas: 1,
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
        volumes: [{ name: "config", emptyDir: { sizeLimit: "1Gi" } }],
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
      ...pihole.instances.flatMap((instance) => [
        planned(piholeDeployment(config, instance), [passwordSecret.id]),
        planned(piholeWeb(instance), []),
      ]),
      planned(piholeDnsService(config), [poolId(metallbPools.dns)]),
    ],
  };
};
