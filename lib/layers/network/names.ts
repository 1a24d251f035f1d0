/**
 * The names of everything the network layer creates that other code refers to. The program's
 * contract exports are built from these, so an exported name is always the name of a real object.
 */
export const namespaces = {
  metallb: "metallb-system",
  traefikPublic: "traefik-public",
  traefikPrivate: "traefik-private",
  certManager: "cert-manager",
  externalDns: "external-dns",
  pihole: "pihole",
} as const;

export const ingressClasses = { public: "traefik-public", private: "traefik-private" } as const;

export const issuers = { staging: "letsencrypt-staging", production: "letsencrypt-production" } as const;

/** The wildcard's issuer without a public DNS provider (no DNS-01 solver, so no Let's Encrypt). */
export const SELF_SIGNED_ISSUER = "selfsigned";

/** The one wildcard certificate: issued once into the public Traefik namespace (see certManager.ts). */
export const wildcard = {
  namespace: namespaces.traefikPublic,
  certificate: "wildcard",
  secret: "wildcard-tls",
} as const;

export const metallbPools = {
  /** `ip_address_pool`: handed out automatically. */
  lan: "lan",
  publicIngress: "public-ingress",
  privateIngress: "private-ingress",
  dns: "dns",
} as const;

export const secrets = {
  /** Key `api-token`; one copy in cert-manager (ClusterIssuers) and one in external-dns. */
  cloudflareToken: { name: "cloudflare-api-token", key: "api-token" },
  /** Key `password`; one copy in pihole (FTL) and one in external-dns. */
  piholePassword: { name: "pihole-admin-password", key: "password" },
} as const;

const PIHOLE_INSTANCES = ["primary", "secondary"] as const;
export type PiholeInstance = (typeof PIHOLE_INSTANCES)[number];

/** The app (and Deployment, and web Service) name of one Pi-hole. */
export const piholeName = (instance: PiholeInstance): string => `pihole-${instance}`;

export const pihole = {
  instances: PIHOLE_INSTANCES,
  /** LoadBalancer Service on dns_server_ip selecting both Pi-holes, TCP and UDP 53. */
  dnsService: "pihole-dns",
  /** ClusterIP admin UI of the primary (the auth layer exposes it); external-dns writes through it. */
  webService: piholeName("primary"),
  /**
   * `dns.<domain>`: the LAN name of dns_server_ip, published from the DNS Service by each Pi-hole's
   * external-dns. An instance is Ready only once it answers this name (pihole.ts).
   */
  lanSubdomain: "dns",
} as const;

/** The admin UI's host name (the auth layer routes it, behind the auth middleware). */
export const piholeHost = (domain: string): string => `pihole.${domain}`;

/** The LAN name of dns_server_ip, published from the DNS Service (the network contract's dnsServerHost). */
export const dnsServerHost = (domain: string): string => `${pihole.lanSubdomain}.${domain}`;

/** ClusterIP web Service of one Pi-hole (each Pi-hole is an app: its Service has its name). */
export const piholeWebService = (instance: PiholeInstance): string => piholeName(instance);
