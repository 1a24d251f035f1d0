/**
 * The addresses MetalLB and Traefik would write into a Service's and an Ingress's status, as pure
 * functions of what the cluster holds; harness/cluster/controllers.ts writes them. Pure, so tested
 * without a cluster.
 */
import ipaddr from "ipaddr.js";
import { METALLB_IPS, METALLB_POOL } from "../../lib/k8s/annotations.ts";

export interface ServiceLike {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { type?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

export interface PoolLike {
  metadata: { name: string };
  spec?: { addresses?: string[]; autoAssign?: boolean };
}

const toNumber = (address: string): number =>
  ipaddr.IPv4.parse(address)
    .toByteArray()
    .reduce((n, byte) => n * 256 + byte, 0);
const toAddress = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");

/**
 * The IPv4 addresses of one IPAddressPool entry, a CIDR or a `first-last` range
 * (metallb.io/v1beta1 IPAddressPool spec.addresses), in order.
 */
function* addressesOf(entry: string): Generator<string> {
  const [first, last] = entry.includes("-")
    ? entry.split("-").map((part) => part.trim())
    : [
        ipaddr.IPv4.networkAddressFromCIDR(entry).toString(),
        ipaddr.IPv4.broadcastAddressFromCIDR(entry).toString(),
      ];
  if (!first || !last || !ipaddr.IPv4.isValidFourPartDecimal(first)) return;
  for (let n = toNumber(first); n <= toNumber(last); n++) yield toAddress(n);
}

const assigned = (services: readonly ServiceLike[]): Set<string> =>
  new Set(
    services.flatMap((service) => (service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? "")),
  );

/**
 * The address MetalLB's controller gives a LoadBalancer Service: the one its
 * `metallb.io/loadBalancerIPs` annotation asks for, else the first free one of the pool its
 * `metallb.io/address-pool` annotation names, else of the first pool that auto-assigns. Undefined
 * when the Service is not a LoadBalancer, already has one, or no pool serves it.
 */
export const loadBalancerAddress = (
  service: ServiceLike,
  pools: readonly PoolLike[],
  services: readonly ServiceLike[],
): string | undefined => {
  if (service.spec?.type !== "LoadBalancer" || (service.status?.loadBalancer?.ingress ?? []).length > 0)
    return undefined;
  const annotations = service.metadata.annotations ?? {};
  const fixed = annotations[METALLB_IPS]?.split(",")[0]?.trim();
  if (fixed) return fixed;
  const named = annotations[METALLB_POOL];
  const pool = named
    ? pools.find((candidate) => candidate.metadata.name === named)
    : pools.find((candidate) => candidate.spec?.autoAssign !== false);
  const taken = assigned(services);
  for (const entry of pool?.spec?.addresses ?? [])
    for (const address of addressesOf(entry)) if (!taken.has(address)) return address;
  return undefined;
};

/** An ingress controller's publishedService: Ingresses of `ingressClass` get that Service's address. */
export interface IngressPublisher {
  ingressClass: string;
  /** `namespace/name` of the Service. */
  service: string;
}

/**
 * Traefik's kubernetesIngress provider settings in a release's values (traefik/traefik-helm-chart
 * values.yaml `providers.kubernetesIngress.ingressClass` and `publishedService.pathOverride`):
 * with publishedService enabled, Traefik copies that Service's status into its Ingresses'.
 */
export const traefikPublisher = (values: Record<string, unknown>): IngressPublisher | undefined => {
  const provider = (values.providers as { kubernetesIngress?: Record<string, unknown> } | undefined)
    ?.kubernetesIngress;
  const published = provider?.publishedService as { enabled?: boolean; pathOverride?: string } | undefined;
  const ingressClass = provider?.ingressClass;
  if (!published?.enabled || !published.pathOverride || typeof ingressClass !== "string") return undefined;
  return { ingressClass, service: published.pathOverride };
};

/** The load balancer addresses to copy into an Ingress of `ingressClass`, once its publisher's Service has one. */
export const ingressAddresses = (
  ingressClass: string | undefined,
  publishers: readonly IngressPublisher[],
  services: readonly ServiceLike[],
): { ip?: string }[] => {
  const publisher = publishers.find((candidate) => candidate.ingressClass === ingressClass);
  const service = services.find(
    (candidate) => `${candidate.metadata.namespace}/${candidate.metadata.name}` === publisher?.service,
  );
  return (service?.status?.loadBalancer?.ingress ?? []).filter((entry) => entry.ip).map(({ ip }) => ({ ip }));
};
