import { lanIpv4, lanRange, publicIpv4, resolverIpv4 } from "../../config/ip.ts";
import {
  type ConfigOf,
  defineLayerConfig,
  optional,
  type RawConfig,
  required,
  secretKey,
  withDefault,
} from "../../config/schema.ts";
import type { Secret } from "../../config/secret.ts";
import { dnsLabel, email, fqdn, list, nonEmpty, oneOf, text } from "../../config/values.ts";
import { PLATFORM_SUBDOMAINS } from "../../core/platformHosts.ts";
import type { Problem } from "../../core/problem.ts";
import { fixedIpErrors, upstreamErrors } from "./addressPlan.ts";

/** Where public hosts are published. `none`: no Cloudflare at all (no account, or a tunnel instead). */
const PUBLIC_DNS_PROVIDERS = ["cloudflare", "none"] as const;
type PublicDnsProvider = (typeof PUBLIC_DNS_PROVIDERS)[number];

const CLOUDFLARE_ONLY = "public_dns_provider is cloudflare (the default)";

/** Keys only the Cloudflare provider uses: required with it, refused without it. */
const CLOUDFLARE_KEYS = ["real_external_ip", "cloudflare_api_token"] as const;

/**
 * With Cloudflare its keys must be set; with `none` setting them is a mistake worth naming. Reads
 * the raw keys, so a value that failed to parse is reported once, by its parser.
 */
const cloudflareKeyErrors = (provider: PublicDnsProvider | undefined, raw: RawConfig): Problem[] =>
  CLOUDFLARE_KEYS.flatMap((key) => {
    const set = raw[key] !== undefined;
    if (provider === "none" && set)
      return [
        {
          where: { key },
          value: "[secret]",
          what: "is set, but public_dns_provider is none, so nothing would use it",
          fix: `remove it (pulumi config rm ${key}), or set public_dns_provider to cloudflare`,
        },
      ];
    if (provider === "cloudflare" && !set)
      return [
        {
          where: { key },
          what: "is required when public_dns_provider is cloudflare (the default)",
          fix: `set it: pulumi config set --secret ${key} <value>, or set public_dns_provider to none`,
        },
      ];
    return [];
  });

const networkKeys = {
  domain: required(fqdn, {
    doc: "Domain every hostname is created under; must be a Cloudflare zone",
    type: "domain name",
    example: "example.com",
  }),
  ip_address_pool: required(lanRange, {
    doc: "LAN range MetalLB hands out automatically to LoadBalancer services",
    type: "private IPv4 range",
    example: "192.168.4.80-192.168.4.100",
  }),
  public_ingress_ip: required(lanIpv4, {
    doc: "Fixed LAN IP of the internet-facing Traefik; forward ports 80/443 of the router here",
    type: "private IPv4 address",
    example: "192.168.4.70",
  }),
  private_ingress_ip: required(lanIpv4, {
    doc: "Fixed LAN IP of the LAN-only Traefik",
    type: "private IPv4 address",
    example: "192.168.4.71",
  }),
  dns_server_ip: required(lanIpv4, {
    doc: "Fixed LAN IP of Pi-hole DNS (TCP and UDP 53); point the router's DHCP DNS here",
    type: "private IPv4 address",
    example: "192.168.4.53",
  }),
  public_dns_provider: withDefault(oneOf(PUBLIC_DNS_PROVIDERS), "cloudflare", {
    doc: "Who publishes public hosts on the internet: `cloudflare` (DNS records, DNS-01 certificates) or `none` (served, not published; self-signed wildcard certificate)",
    type: "cloudflare | none",
    example: "none",
  }),
  real_external_ip: secretKey(publicIpv4, {
    required: false,
    requiredWhen: CLOUDFLARE_ONLY,
    doc: "The router's public IP; public hostnames resolve to it in Cloudflare",
    type: "public IPv4 address",
    example: "203.0.113.10",
  }),
  external_record: withDefault(dnsLabel, "external", {
    doc: "Name of the one Cloudflare record that holds real_external_ip; public hosts point at it",
    type: "DNS label",
    example: "external",
  }),
  cert_manager_email: required(email, {
    doc: "Let's Encrypt account email (expiry notices)",
    type: "email",
    example: "admin@example.com",
  }),
  letsencrypt_environment: withDefault(oneOf(["production", "staging"] as const), "production", {
    doc: "Issuer of the wildcard certificate; use staging while testing to avoid rate limits",
    type: "production | staging",
    example: "staging",
  }),
  cloudflare_api_token: secretKey(text(1), {
    required: false,
    requiredWhen: CLOUDFLARE_ONLY,
    doc: "Cloudflare API token with Zone:Read and DNS:Edit on the zone (an API token, not the legacy global key)",
    type: "string",
    example: "<token>",
  }),
  cloudflare_email: optional(email, {
    doc: "Cloudflare account email, accepted for compatibility; API tokens do not need it",
    type: "email",
    example: "admin@example.com",
  }),
  pihole_admin_password: secretKey(text(8), {
    required: true,
    doc: "Password of the Pi-hole web admin and API (external-dns uses it too)",
    type: "string, 8+ characters",
    example: "<password>",
  }),
  pihole_upstream_dns: withDefault(nonEmpty(list(resolverIpv4)), "1.1.1.1,1.0.0.1", {
    doc: "Upstream resolvers Pi-hole forwards to (at least one; never Pi-hole itself)",
    type: "list of IPv4 addresses",
    example: "9.9.9.9,149.112.112.112",
  }),
};

export type NetworkConfig = ConfigOf<typeof networkKeys>;
type Checked = Partial<NetworkConfig>;

/** The Cloudflare record must not take a host the platform serves. */
const externalRecordErrors = (config: Checked): Problem[] => {
  const record = config.externalRecord;
  return record !== undefined && (PLATFORM_SUBDOMAINS as readonly string[]).includes(record)
    ? [
        {
          where: { key: "external_record" },
          value: record,
          what: `is a host the platform serves (${PLATFORM_SUBDOMAINS.join(", ")})`,
          fix: "keep the default, external, or pick another name",
        },
      ]
    : [];
};

export const networkConfigSchema = defineLayerConfig({
  layer: "network",
  keys: networkKeys,
  check: (config, raw) => [
    ...fixedIpErrors(config),
    ...upstreamErrors(config),
    ...externalRecordErrors(config),
    ...cloudflareKeyErrors(config.publicDnsProvider, raw),
  ],
});

/** The public DNS side as the builders need it: Cloudflare with its two secrets, or nothing. */
export type PublicDns =
  | { provider: "cloudflare"; apiToken: Secret; realExternalIp: Secret }
  | { provider: "none" };

/** Valid config always has both Cloudflare secrets with `cloudflare` (cloudflareKeyErrors). */
export const publicDnsOf = (config: NetworkConfig): PublicDns => {
  if (config.publicDnsProvider === "none") return { provider: "none" };
  const { cloudflareApiToken: apiToken, realExternalIp } = config;
  if (!apiToken || !realExternalIp)
    throw new Error("public_dns_provider is cloudflare but its keys are unset: parse the config first");
  return { provider: "cloudflare", apiToken, realExternalIp };
};

/** What `none` costs, said by `validate` so nobody learns it from a browser warning. */
export const publicDnsNotice = (raw: RawConfig): string | undefined =>
  raw.public_dns_provider === "none"
    ? "note: network: public_dns_provider = none: public hosts are served by the public Traefik but published " +
      "in no public DNS (Pi-hole still answers for them on the LAN), and the wildcard certificate is self-signed " +
      "(browsers warn; letsencrypt_environment is not used). Publish them yourself (a tunnel, another DNS), " +
      "or set public_dns_provider to cloudflare with its two keys."
    : undefined;
