/**
 * The NAS against the network layer's LAN plan (a check across layers: it runs where both stack
 * files are read). A NAS given by IP must not be one of the cluster's fixed IPs, nor in its pool.
 */
import { ipv4ToNumber, numberToIpv4, rangeContains } from "../../config/ip.ts";
import type { PartialConfigs } from "../../config/schema.ts";
import type { Problem } from "../../core/problem.ts";
import { type AddressPlan, fixedIps } from "../network/addressPlan.ts";

/** The part of the pool on the larger side of `nas`, to suggest instead. */
const poolWithout = (first: number, last: number, nas: number): string => {
  const [below, above] = [nas - first, last - nas];
  return below >= above
    ? `${numberToIpv4(first)}-${numberToIpv4(nas - 1)}`
    : `${numberToIpv4(nas + 1)}-${numberToIpv4(last)}`;
};

export const nasAddressErrors = (nfsHostname: unknown, earlier: PartialConfigs): Problem[] => {
  const nas = typeof nfsHostname === "string" ? nfsHostname : undefined;
  const n = nas === undefined ? undefined : ipv4ToNumber(nas);
  const plan = earlier.network as AddressPlan | undefined;
  if (nas === undefined || n === undefined || plan === undefined) return [];
  const named = `the NAS's address (storage: nfs_hostname = ${nas})`;
  const fixed = fixedIps(plan)
    .filter(([, ip]) => ip === nas)
    .map(
      ([key, ip]): Problem => ({
        where: { layer: "network", key },
        value: ip,
        what: `is ${named}: two devices cannot answer on one IP`,
        fix: `give ${key} a free address of the LAN (the NAS keeps ${nas}), or correct nfs_hostname`,
      }),
    );
  const pool = plan.ipAddressPool;
  const inPool =
    pool && rangeContains(pool, nas)
      ? [
          {
            where: { layer: "network" as const, key: "ip_address_pool" },
            value: pool.text,
            what: `contains ${named}: MetalLB could hand it to a service and take the NAS's traffic`,
            fix:
              pool.first === pool.last
                ? "move the pool to free addresses of the LAN, away from the NAS"
                : `leave the NAS out of the pool, e.g. ${poolWithout(pool.first, pool.last, n)}`,
          },
        ]
      : [];
  return [...fixed, ...inPool];
};
