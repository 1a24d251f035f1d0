/** Runs the auth layer with upstream contract values chosen by the test. */

import type { RawConfig } from "../../lib/config/schema.ts";
import { readStackFile } from "../../lib/config/stackFile.ts";
import type { NetworkContract, StorageContract } from "../../lib/core/contracts.ts";
import { authLayer } from "../../lib/layers/auth/layer.ts";
import { configSchemas } from "../../programs/layers.ts";
import { type LayerRun, runLayerOffline } from "./layers.ts";
import { ROOT } from "./render.ts";

export const exampleAuthConfig = (changes: Record<string, string | undefined> = {}): RawConfig => {
  const raw: Record<string, RawConfig[string]> = {
    ...readStackFile(configSchemas, ROOT, "auth", "example")._unsafeUnwrap(),
  };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete raw[key];
    else raw[key] = value;
  }
  return raw;
};

/** Upstream values that share nothing with the example stack: another domain, other names. */
export const OTHER_NETWORK: NetworkContract = {
  domain: "cluster.homelab.net",
  publicIngressClass: "edge-public",
  privateIngressClass: "edge-lan",
  publicIngressIp: "10.20.0.70",
  privateIngressIp: "10.20.0.71",
  dnsServerIp: "10.20.0.53",
  productionIssuer: "acme-prod",
  stagingIssuer: "acme-staging",
  wildcardCertificateSecret: "ingress-wan/wildcard",
  externalHostname: "wan.cluster.homelab.net",
  publicTraefikNamespace: "ingress-wan",
  privateTraefikNamespace: "ingress-lan",
  piholeNamespace: "dns",
  piholeWebService: "pihole-admin-web",
  piholeHost: "pihole.cluster.homelab.net",
  dnsServerHost: "dns.cluster.homelab.net",
  lanDnsAnnotationPrefix: "lan.dns.example/",
};

export const OTHER_STORAGE: StorageContract = {
  nfsStorageClass: "nas",
  longhornStorageClass: "longhorn-replicated",
  backupJobGroup: "nightly",
  trimJobGroup: "weekly-trim",
  nfsServer: "filer.lan",
  nfsSharePath: "/export/k8s",
  backupTarget: "nfs://filer.lan:/backups",
  databaseSnapshotClass: "filer-backup",
  databaseBackupCron: "0 0 4 * * 0,3",
  longhornNamespace: "storage-system",
  longhornUiService: "longhorn-ui-frontend",
};

export type AuthRun = LayerRun;

export const runAuth = async (
  raw: RawConfig,
  network: NetworkContract = OTHER_NETWORK,
  storage: StorageContract = OTHER_STORAGE,
): Promise<AuthRun> => runLayerOffline(authLayer, raw, { network, storage });
