/** The contract values the example stack's network and storage layers export, as literals. */
import type { NetworkContract, StorageContract } from "../../lib/core/contracts.ts";

export const EXAMPLE_NETWORK: NetworkContract = {
  domain: "example.com",
  publicIngressClass: "traefik-public",
  privateIngressClass: "traefik-private",
  publicIngressIp: "192.168.4.70",
  privateIngressIp: "192.168.4.71",
  dnsServerIp: "192.168.4.53",
  productionIssuer: "letsencrypt-production",
  stagingIssuer: "letsencrypt-staging",
  wildcardCertificateSecret: "traefik-public/wildcard-tls",
  externalHostname: "external.example.com",
  publicTraefikNamespace: "traefik-public",
  privateTraefikNamespace: "traefik-private",
  piholeNamespace: "pihole",
  piholeWebService: "pihole-primary",
  piholeHost: "pihole.example.com",
  dnsServerHost: "dns.example.com",
  lanDnsAnnotationPrefix: "pihole.external-dns.alpha.kubernetes.io/",
};

export const EXAMPLE_STORAGE: StorageContract = {
  nfsStorageClass: "nfs",
  longhornStorageClass: "longhorn",
  backupJobGroup: "backup",
  trimJobGroup: "trim",
  nfsServer: "nas.lan",
  nfsSharePath: "/volume1/kubernetes",
  backupTarget: "nfs://nas.lan:/volume1/backups/longhorn",
  databaseSnapshotClass: "longhorn-backup",
  databaseBackupCron: "0 30 16 * * *",
  longhornNamespace: "longhorn-system",
  longhornUiService: "longhorn-frontend",
};
