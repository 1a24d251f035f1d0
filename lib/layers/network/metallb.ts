/**
 * MetalLB in L2 mode: the chart (native speaker, no FRR), one auto-assigned pool for
 * `ip_address_pool` and one manual pool per fixed service IP, all announced over L2.
 */

import { kindId, type PlannedRelease, plannedRelease, releaseId } from "../../core/plan.ts";
import { namespaceId } from "../../k8s/namespace.ts";
import { CONTROL_PLANE_TOLERATION } from "../../k8s/talos.ts";
import { webhookGate } from "../../k8s/webhookGate.ts";
import type { NetworkConfig } from "./config.ts";
import { metallbPools, namespaces } from "./names.ts";
import { type CustomObject, namespace, type Plan, planned } from "./plan.ts";
import { charts } from "./versions.ts";

const METALLB_RELEASE = releaseId(namespaces.metallb, "metallb");

const metallbValues = (): Record<string, unknown> => ({
  // Chart 0.16 defaults to the FRR-K8s backend; L2 needs neither it nor the FRR sidecar.
  frrk8s: { enabled: false },
  crds: { enabled: true },
  controller: { tolerations: [CONTROL_PLANE_TOLERATION] },
  speaker: {
    frr: { enabled: false },
    // Talos labels control-plane nodes exclude-from-external-load-balancers; announce from them anyway.
    ignoreExcludeLB: true,
    // Adds NoSchedule tolerations for the master and control-plane taints (chart default, made explicit).
    tolerateMaster: true,
  },
});

const metallbRelease = (): PlannedRelease =>
  plannedRelease(
    { name: "metallb", namespace: namespaces.metallb, chart: charts.metallb, values: metallbValues() },
    [namespaceId(namespaces.metallb)],
  );

export interface PoolOptions {
  name: string;
  addresses: string[];
  autoAssign: boolean;
}

/** The pools: `ip_address_pool` is handed out automatically; each fixed IP only on request. */
export const poolOptions = (config: NetworkConfig): PoolOptions[] => [
  { name: metallbPools.lan, addresses: [config.ipAddressPool.text], autoAssign: true },
  { name: metallbPools.publicIngress, addresses: [`${config.publicIngressIp}/32`], autoAssign: false },
  { name: metallbPools.privateIngress, addresses: [`${config.privateIngressIp}/32`], autoAssign: false },
  { name: metallbPools.dns, addresses: [`${config.dnsServerIp}/32`], autoAssign: false },
];

/** Plan id of a pool object, for Services that need their pool to exist first. */
export const poolId = (name: string): string => kindId("IPAddressPool", namespaces.metallb, name);

export const ipAddressPool = (pool: PoolOptions): CustomObject => ({
  apiVersion: "metallb.io/v1beta1",
  kind: "IPAddressPool",
  metadata: { name: pool.name, namespace: namespaces.metallb },
  spec: {
    addresses: pool.addresses,
    autoAssign: pool.autoAssign,
    // The first and last address of a /24 trip up some old clients; irrelevant for a /32.
    avoidBuggyIPs: false,
  },
});

const l2Advertisement = (pools: readonly PoolOptions[]): CustomObject => ({
  apiVersion: "metallb.io/v1beta1",
  kind: "L2Advertisement",
  metadata: { name: "lan", namespace: namespaces.metallb },
  spec: { ipAddressPools: pools.map((pool) => pool.name) },
});

/**
 * What the webhook gate dry-runs: a pool in TEST-NET-1 (RFC 5737), which no LAN uses, so it never
 * overlaps a real pool, however often the gate runs.
 */
const webhookProbePool = (): CustomObject =>
  ipAddressPool({ name: "webhook-probe", addresses: ["192.0.2.0/32"], autoAssign: false });

export const metallbPlan = (config: NetworkConfig): Partial<Plan> => {
  const pools = poolOptions(config);
  // The controller reports ready before its webhook serves (0.16's readiness is a plain ping).
  const gate = webhookGate({
    name: "metallb",
    namespace: namespaces.metallb,
    after: [METALLB_RELEASE],
    probes: [webhookProbePool()],
  });
  return {
    releases: [metallbRelease()],
    objects: [
      namespace(namespaces.metallb, "privileged"),
      ...gate.objects,
      ...pools.map((pool) => planned(ipAddressPool(pool), [gate.job])),
      planned(l2Advertisement(pools), [gate.job]),
    ],
  };
};
