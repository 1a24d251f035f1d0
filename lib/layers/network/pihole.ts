/**
 * Pi-hole primary and secondary: two apps written with the app builders (lib/app), sharing the
 * `pihole` namespace and one LoadBalancer Service on `dns_server_ip` (TCP and UDP 53).
 *
 * Pi-hole's state is declared, not stored: its settings come from FTLCONF_* variables and its
 * local records from external-dns, which writes them again after a restart. So /etc/pihole is an
 * emptyDir and LAN DNS depends on no volume: it comes up with this layer, before the storage layer
 * exists, and keeps answering when Longhorn has trouble. What a restart loses is what Pi-hole
 * keeps only for itself: query history and changes made in its web UI.
 *
 * A restarted instance must not answer the LAN before its records are back (it would forward
 * private names upstream, NXDOMAIN, and send public ones to the router), so it is Ready only once it
 * answers the DNS server's own LAN name, which its external-dns writes in the same sync as every
 * other host; the two instances are never drained together (a disruption budget), and each one's
 * external-dns reaches it through its own Service before it is Ready.
 */

import type { Result } from "neverthrow";
import {
  type AppSpec,
  addCapabilities,
  allowPrivilegeEscalation,
  allowRunAsRoot,
  app,
  pipe,
  preferNodesApartFrom,
  withEmptyDir,
  withEnv,
  withLoadBalancer,
  withNamespace,
  withPorts,
  withProbes,
  withResources,
  withSecretEnv,
} from "../../app/index.ts";
import { renderPlatformApps } from "../../app/platform.ts";
import type { Secret } from "../../config/secret.ts";
import type { NetworkContract } from "../../core/contracts.ts";
import type { Problem } from "../../core/problem.ts";
import { BASELINE_CAPABILITIES } from "../../k8s/talos.ts";
import type { NetworkConfig } from "./config.ts";
import { poolId } from "./metallb.ts";
import {
  dnsServerHost,
  metallbPools,
  namespaces,
  type PiholeInstance,
  pihole,
  piholeHost,
  piholeName,
} from "./names.ts";
import type { Plan, PlannedObject } from "./plan.ts";
import { images } from "./versions.ts";

/** The key of the admin password in each Pi-hole's app secrets. */
const PASSWORD_KEY = "password";

/**
 * What the v6 start script needs, read from docker-pi-hole's start.sh and bash_functions.sh: it
 * runs as root, chowns /etc/pihole and the log folders, gives pihole-FTL its capabilities with
 * `setcap` and starts it as user `pihole` through `capsh --user`. The capabilities it may hand on
 * are CHOWN, NET_BIND_SERVICE, NET_RAW, NET_ADMIN and SYS_NICE, each only if present. Which of the
 * runtime's default set the script itself uses was not established case by case, so the whole
 * default set is added back as far as Pod Security baseline allows it: all but NET_RAW, which FTL
 * needs only for DHCP (not used here).
 */
const CAPABILITIES = BASELINE_CAPABILITIES;

/** Pi-hole v6 reads its settings from FTLCONF_* variables (and then shows them read-only). */
const piholeEnv = (config: NetworkConfig): Record<string, string> => ({
  FTLCONF_dns_upstreams: config.piholeUpstreamDns.join(";"),
  // Queries arrive from pod/node addresses after the Service, not from a local subnet.
  FTLCONF_dns_listeningMode: "ALL",
  // FTL redirects `/` to the admin UI only for requests to its own web domain (default `pi.hole`);
  // any other host gets "Directory listing denied".
  FTLCONF_webserver_domain: piholeHost(config.domain),
});

const piholeApp = (config: NetworkConfig, instance: PiholeInstance): AppSpec =>
  pipe(
    app(piholeName(instance), { image: images.pihole, port: 80 }),
    withNamespace(namespaces.pihole),
    withPorts([
      { name: "dns-tcp", port: 53, protocol: "TCP" },
      { name: "dns-udp", port: 53, protocol: "UDP" },
    ]),
    withEnv(piholeEnv(config)),
    withSecretEnv({ FTLCONF_webserver_api_password: PASSWORD_KEY }),
    withEmptyDir({ name: "config", mountPath: "/etc/pihole", sizeLimit: "1Gi" }),
    withProbes({ tcpPort: "dns-tcp", periodSeconds: 10, readyCommand: piholeReadyCommand(config) }),
    withResources({ requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } }),
    allowRunAsRoot("the start script runs as root: it chowns /etc/pihole, then starts FTL as user pihole"),
    addCapabilities(CAPABILITIES, "the runtime's default set the start script runs with, less NET_RAW"),
    allowPrivilegeEscalation(
      "FTL gets its capabilities from setcap file capabilities, which no_new_privs ignores",
    ),
    // DNS on the fixed IP, both Pi-holes as endpoints. `Local` keeps client addresses, so FTL's
    // per-client rate limit (1,000 queries in 60 s, FTL src/config/config.c dns.rateLimit) and its
    // statistics apply to each device, not to the house behind a node's address (`Cluster` SNATs,
    // Kubernetes "Using Source IP"). MetalLB L2 then announces the IP from one node with a Ready
    // endpoint and moves it, with gratuitous ARP, when that endpoint stops being Ready (MetalLB
    // 0.16.1 speaker/layer2_controller.go nodesWithEndpoint, internal/layer2/announcer.go): the
    // other instance is the standby.
    withLoadBalancer({
      name: pihole.dnsService,
      ip: config.dnsServerIp,
      pool: metallbPools.dns,
      ports: ["dns-tcp", "dns-udp"],
      externalTrafficPolicy: "Local",
      lanSubdomain: pihole.lanSubdomain,
      // A node drain (Talos upgrade, reboot) evicts one instance only while the other is Ready.
      minAvailable: 1,
    }),
    // Keep primary and secondary on different nodes when there are several.
    preferNodesApartFrom(...pihole.instances.map(piholeName)),
  );

/**
 * Ready once this instance answers `dns.<domain>` with dns_server_ip from its own records:
 * - the image has `dig` and a shell (docker-pi-hole 2026.07.2 src/Dockerfile installs bind-tools;
 *   its HEALTHCHECK is the same `dig +norecurse @127.0.0.1` against `pi.hole`);
 * - `+norecurse`: FTL answers hosts records whatever the RD bit and forwards nothing without it
 *   (FTL's dnsmasq rfc1035.c, answers from F_HOSTS/F_CONFIG), so a missing record is no answer;
 * - a record external-dns PUTs is answered at once: FTL rewrites its hosts file and dnsmasq
 *   reloads it on inotify (FTL src/api/config.c write_custom_list, hostsdir);
 * - external-dns writes every missing record in one sync, one request each (external-dns 0.21.0
 *   provider/pihole/clientV6.go apply), so this one appears with the others, within milliseconds.
 * Startup and liveness stay on TCP 53: a Pi-hole whose external-dns is down is kept, not restarted.
 */
const piholeReadyCommand = (config: NetworkConfig): string[] => [
  "sh",
  "-c",
  `dig +short +norecurse +retry=0 +time=2 @127.0.0.1 ${dnsServerHost(config.domain)} A | grep -qxF ${config.dnsServerIp}`,
];

/** Without its pool MetalLB cannot hand out the fixed IP: the DNS Service waits for it. */
const afterPool = (item: PlannedObject): PlannedObject =>
  item.object.kind === "Service" && item.object.metadata.name === pihole.dnsService
    ? { ...item, after: [...item.after, poolId(metallbPools.dns)] }
    : item;

export const piholePlan = (
  config: NetworkConfig,
  network: NetworkContract,
  password: Secret,
): Result<Partial<Plan>, Problem[]> =>
  renderPlatformApps(
    pihole.instances.map((instance) => piholeApp(config, instance)),
    { network, layer: "network" },
    {
      known: true,
      values: Object.fromEntries(
        pihole.instances.map((instance) => [piholeName(instance), { [PASSWORD_KEY]: password }]),
      ),
    },
  ).map((objects) => ({ objects: objects.map(afterPool) }));
