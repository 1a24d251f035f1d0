/**
 * Structural checks for the network layer's MetalLB custom resources, which kubernetes-models has
 * no model for. Fields and types follow the MetalLB v0.16.1 CRDs (metallb.io/v1beta1
 * IPAddressPool and L2Advertisement, spec.openAPIV3Schema); only what a spec may hold.
 */
import { ipv4Range } from "../../lib/config/ip.ts";

type FieldCheck = (value: unknown) => string | undefined;

const boolean: FieldCheck = (v) => (typeof v === "boolean" ? undefined : "must be a boolean");
const object: FieldCheck = (v) =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? undefined : "must be an object";
const stringList: FieldCheck = (v) =>
  Array.isArray(v) && v.every((item) => typeof item === "string") ? undefined : "must be a list of strings";
const objectList: FieldCheck = (v) =>
  Array.isArray(v) && v.every((item) => object(item) === undefined) ? undefined : "must be a list of objects";

/** spec of ipaddresspools.metallb.io v1beta1 (`addresses` required). */
const IP_ADDRESS_POOL_SPEC: Readonly<Record<string, FieldCheck>> = {
  addresses: stringList,
  autoAssign: boolean,
  avoidBuggyIPs: boolean,
  serviceAllocation: object,
};

/** spec of l2advertisements.metallb.io v1beta1 (nothing required; empty = every pool). */
const L2_ADVERTISEMENT_SPEC: Readonly<Record<string, FieldCheck>> = {
  interfaces: stringList,
  ipAddressPoolSelectors: objectList,
  ipAddressPools: stringList,
  nodeSelectors: objectList,
  serviceSelectors: objectList,
};

const metaProblems = (o: Record<string, unknown>): string[] => {
  const metadata = o.metadata as { name?: unknown; namespace?: unknown } | undefined;
  return [
    ...(o.apiVersion === "metallb.io/v1beta1"
      ? []
      : [`apiVersion ${String(o.apiVersion)} is not metallb.io/v1beta1`]),
    ...(typeof metadata?.name === "string" && metadata.name !== "" ? [] : ["metadata.name is missing"]),
    // Both kinds are namespaced.
    ...(typeof metadata?.namespace === "string" && metadata.namespace !== ""
      ? []
      : ["metadata.namespace is missing"]),
  ];
};

const specProblems = (spec: unknown, fields: Readonly<Record<string, FieldCheck>>): string[] => {
  if (object(spec) !== undefined) return ["spec must be an object"];
  return Object.entries(spec as Record<string, unknown>).flatMap(([key, value]) => {
    const check = fields[key];
    if (!check) return [`spec.${key} is not a field of the CRD`];
    const problem = check(value);
    return problem ? [`spec.${key} ${problem}`] : [];
  });
};

/** A CIDR block or `first-last` range, as MetalLB accepts in `addresses`. */
const addressProblems = (address: string): string[] =>
  ipv4Range(address).isOk() ? [] : [`address ${address} is neither a CIDR block nor a range`];

/** Every problem of a MetalLB object; empty when it fits its CRD. */
export const metallbProblems = (o: Record<string, unknown>): string[] => {
  if (o.kind === "IPAddressPool") {
    const spec = o.spec as { addresses?: unknown } | undefined;
    return [
      ...metaProblems(o),
      ...specProblems(o.spec, IP_ADDRESS_POOL_SPEC),
      ...(Array.isArray(spec?.addresses) && spec.addresses.length > 0 ? [] : ["spec.addresses is required"]),
      ...(Array.isArray(spec?.addresses) ? spec.addresses.flatMap((a) => addressProblems(String(a))) : []),
    ];
  }
  if (o.kind === "L2Advertisement")
    return [...metaProblems(o), ...specProblems(o.spec ?? {}, L2_ADVERTISEMENT_SPEC)];
  return [`no structural check for ${String(o.kind)}`];
};
