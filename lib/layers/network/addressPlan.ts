/**
 * The LAN address plan checked as a whole: the three fixed IPs and the MetalLB pool are distinct
 * addresses of one /24 (home LANs are /24, and MetalLB in L2 mode answers only on the nodes' LAN),
 * and Pi-hole forwards to none of them. Each problem names both addresses that collide, by key.
 */
import {
  type Ipv4Range,
  ipv4ToNumber,
  numberToIpv4,
  privateBlock,
  rangeContains,
  slash24,
} from "../../config/ip.ts";
import type { Problem } from "../../core/problem.ts";

/** The network keys of the plan, as far as they parsed. */
export interface AddressPlan {
  readonly ipAddressPool?: Ipv4Range;
  readonly publicIngressIp?: string;
  readonly privateIngressIp?: string;
  readonly dnsServerIp?: string;
  readonly piholeUpstreamDns?: readonly string[];
}

/** The cluster's fixed IPs, by key, in the order they are reported. */
export const fixedIps = (plan: AddressPlan): [key: string, ip: string][] =>
  (
    [
      ["public_ingress_ip", plan.publicIngressIp],
      ["private_ingress_ip", plan.privateIngressIp],
      ["dns_server_ip", plan.dnsServerIp],
    ] as const
  ).flatMap(([key, ip]) => (ip === undefined ? [] : [[key, ip] as [string, string]]));

const poolText = (pool: Ipv4Range): string => `${numberToIpv4(pool.first)}-${numberToIpv4(pool.last)}`;

/** The usable hosts of a /24, `a.b.c.1-a.b.c.254`. */
const hostsOf = (n: number): string => {
  const base = n - (n % 256);
  return `${numberToIpv4(base + 1)}-${numberToIpv4(base + 254)}`;
};

/** The /24 everything must share: the pool's, else the first fixed IP's. */
const anchorOf = (plan: AddressPlan): { key: string; text: string; n: number } | undefined => {
  if (plan.ipAddressPool)
    return { key: "ip_address_pool", text: plan.ipAddressPool.text, n: plan.ipAddressPool.first };
  const [first] = fixedIps(plan);
  return first && { key: first[0], text: first[1], n: ipv4ToNumber(first[1]) ?? 0 };
};

/** One LAN: each fixed IP in the anchor's /24 (its private network named when even that differs). */
const oneLanErrors = (plan: AddressPlan, key: string, ip: string): Problem[] => {
  const anchor = anchorOf(plan);
  const n = ipv4ToNumber(ip);
  if (!anchor || anchor.key === key || n === undefined) return [];
  const [own, theirs] = [slash24(n), slash24(anchor.n)];
  if (own === theirs) return [];
  const block = privateBlock(numberToIpv4(anchor.n));
  const what =
    plan.ipAddressPool && block && privateBlock(ip) !== block
      ? `is not in ip_address_pool's private network (${block}); MetalLB in L2 mode only answers on the nodes' LAN`
      : `is in ${own}, but ${anchor.key} (${anchor.text}) is in ${theirs}: public_ingress_ip, private_ingress_ip, dns_server_ip and ip_address_pool must all lie in one /24 (the LAN of the nodes)`;
  return [
    {
      where: { key },
      value: ip,
      what,
      fix: `pick ${key} in ${hostsOf(anchor.n)} (outside the pool), or, if ${anchor.key} is the one off your LAN, move it into ${own}`,
    },
  ];
};

/** Each fixed IP on its own, outside the pool, in the same /24 as the pool. */
export const fixedIpErrors = (plan: AddressPlan): Problem[] => {
  const pool = plan.ipAddressPool;
  const ips = fixedIps(plan);
  return ips.flatMap(([key, ip], index) => {
    const clash = ips.slice(0, index).find(([, other]) => other === ip);
    return [
      ...(clash
        ? [
            {
              where: { key },
              value: ip,
              what: `is the same address as ${clash[0]}`,
              fix: "give each service its own IP outside ip_address_pool",
            },
          ]
        : []),
      ...(pool && rangeContains(pool, ip)
        ? [
            {
              where: { key },
              value: ip,
              what: `lies inside ip_address_pool (${pool.text}), so MetalLB could hand it to another service`,
              fix: `pick an address outside ${poolText(pool)}, or shrink the pool`,
            },
          ]
        : []),
      ...oneLanErrors(plan, key, ip),
    ];
  });
};

/** What an upstream resolver collides with in the cluster's own plan, or undefined. */
const ownAddress = (plan: AddressPlan, ip: string): string | undefined => {
  if (ip === plan.dnsServerIp) return `dns_server_ip (${ip}), Pi-hole itself: queries would loop`;
  const ingress = fixedIps(plan).find(([, fixed]) => fixed === ip);
  if (ingress) return `${ingress[0]} (${ip}), the cluster's own Traefik, which answers no DNS`;
  const pool = plan.ipAddressPool;
  if (pool && rangeContains(pool, ip))
    return `an address of ip_address_pool (${pool.text}), which MetalLB hands to the cluster's own services: no resolver answers there`;
  return undefined;
};

/** Pi-hole must forward to someone else: never to itself, nor to any address the cluster holds. */
export const upstreamErrors = (plan: AddressPlan): Problem[] => {
  const upstreams = plan.piholeUpstreamDns ?? [];
  return upstreams.flatMap((ip) => {
    const own = ownAddress(plan, ip);
    return own === undefined
      ? []
      : [
          {
            where: { key: "pihole_upstream_dns" },
            value: upstreams.join(","),
            what: `includes ${own}`,
            fix: `remove ${ip}: forward to resolvers outside the cluster, e.g. 1.1.1.1,1.0.0.1 or 9.9.9.9, or your router`,
          },
        ];
  });
};
