/** Runs the auth program under mocks with upstream contract values chosen by the test. */
import type { RawConfig } from "../../lib/config/schema.ts";
import { readStackFile } from "../../lib/config/stackFile.ts";
import type { NetworkContract, StorageContract } from "../../lib/contracts.ts";
import { projectName } from "../../lib/layers.ts";
import { runLayer } from "../../lib/pulumi/program.ts";
import { type KubernetesObject, type LayerDocuments, layerDocuments } from "../../lib/render/documents.ts";
import { type MockRun, runUnderMocks } from "../../lib/render/mockRuntime.ts";
import { offlineInvokes } from "../../lib/render/offlineInvokes.ts";
import { OFFLINE_ORGANIZATION } from "../../lib/render/render.ts";
import { authProgram } from "../../programs/auth/program.ts";
import { ROOT } from "./render.ts";

export const exampleAuthConfig = (changes: Record<string, string | undefined> = {}): RawConfig => {
  const raw: Record<string, RawConfig[string]> = {
    ...readStackFile(ROOT, "auth", "example")._unsafeUnwrap(),
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
  lanDnsAnnotationPrefix: "lan.dns.example/",
};

export const OTHER_STORAGE: StorageContract = {
  nfsStorageClass: "nas",
  longhornStorageClass: "longhorn-replicated",
  backupJobGroup: "nightly",
  trimJobGroup: "weekly-trim",
  nfsServer: "filer.lan",
  backupTarget: "nfs://filer.lan:/backups",
  longhornNamespace: "storage-system",
  longhornUiService: "longhorn-ui-frontend",
};

export interface AuthRun extends MockRun {
  documents: LayerDocuments;
  objects: KubernetesObject[];
}

const STACK = "test";

export const runAuth = async (
  raw: RawConfig,
  network: NetworkContract = OTHER_NETWORK,
  storage: StorageContract = OTHER_STORAGE,
): Promise<AuthRun> => {
  const upstream: Record<string, object> = {
    [`${OFFLINE_ORGANIZATION}/${projectName("network")}/${STACK}`]: network,
    [`${OFFLINE_ORGANIZATION}/${projectName("storage")}/${STACK}`]: storage,
  };
  const run = await runUnderMocks(
    {
      project: projectName("auth"),
      stack: STACK,
      stackReference: (name) => {
        const outputs = upstream[name];
        return outputs ? { outputs: { ...outputs }, secretOutputNames: [] } : undefined;
      },
      invokes: offlineInvokes,
    },
    () => runLayer(authProgram, raw, { stack: STACK, organization: OFFLINE_ORGANIZATION }),
  );
  const documents = layerDocuments(run.resources);
  return { ...run, documents, objects: documents.kubernetes.map(({ body }) => body) };
};
