/**
 * The subdomains the platform itself serves (the auth layer's login pages and the protected UIs
 * of earlier layers, and the DNS server's LAN name). Kept here, outside every layer, so the network layer can refuse an
 * `external_record` that would take one of them; a test proves the auth layer's hosts match.
 */
export const PLATFORM_SUBDOMAINS = [
  "auth",
  "pocketid",
  "longhorn",
  "pihole",
  "traefik",
  "traefik-public",
  // The network layer's LAN name of the DNS server (lib/layers/network/names.ts).
  "dns",
] as const;
