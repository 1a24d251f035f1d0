/**
 * cert-manager with Let's Encrypt over Cloudflare DNS-01, and the wildcard certificate.
 * With `public_dns_provider: none` there is no DNS-01 solver (and a wildcard needs DNS-01), so the
 * wildcard is signed by a self-signed ClusterIssuer instead: TLS works, browsers warn.
 *
 * The wildcard certificate is issued once, into the public Traefik namespace, and made the default
 * certificate of both Traefik instances by one TLSStore (traefik.ts). Both instances read Secrets
 * cluster-wide, so no copy is needed: one ACME order per renewal, no replication tool.
 */

import { objectId, type PlannedRelease, plannedRelease, releaseId } from "../../core/plan.ts";
import { namespaceId } from "../../k8s/namespace.ts";
import { CONTROL_PLANE_TOLERATION } from "../../k8s/talos.ts";
import { webhookGate } from "../../k8s/webhookGate.ts";
import type { NetworkConfig, PublicDns } from "./config.ts";
import { issuers, namespaces, SELF_SIGNED_ISSUER, secrets, wildcard } from "./names.ts";
import { type CustomObject, namespace, type Plan, planned, plannedSecret } from "./plan.ts";
import { charts } from "./versions.ts";

const CERT_MANAGER_RELEASE = releaseId(namespaces.certManager, "cert-manager");

/**
 * Pi-hole answers for the domain inside the LAN (split horizon), so DNS-01 self-checks must ask
 * public resolvers, or they would never see the challenge record.
 */
const DNS01_NAMESERVERS = "1.1.1.1:53,1.0.0.1:53";

const certManagerValues = (): Record<string, unknown> => ({
  crds: { enabled: true, keep: true },
  dns01RecursiveNameservers: DNS01_NAMESERVERS,
  dns01RecursiveNameserversOnly: true,
  tolerations: [CONTROL_PLANE_TOLERATION],
  webhook: { tolerations: [CONTROL_PLANE_TOLERATION] },
  cainjector: { tolerations: [CONTROL_PLANE_TOLERATION] },
  // A Helm hook Job; Pulumi's Chart renders hooks as plain objects, and the release waits for the
  // webhook Deployment anyway.
  startupapicheck: { enabled: false },
});

const certManagerRelease = (): PlannedRelease =>
  plannedRelease(
    {
      name: "cert-manager",
      namespace: namespaces.certManager,
      chart: charts.certManager,
      values: certManagerValues(),
    },
    [namespaceId(namespaces.certManager)],
  );

const ACME_SERVERS = {
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
  production: "https://acme-v02.api.letsencrypt.org/directory",
} as const;

type AcmeEnvironment = keyof typeof ACME_SERVERS;

const clusterIssuer = (environment: AcmeEnvironment, config: NetworkConfig): CustomObject => ({
  apiVersion: "cert-manager.io/v1",
  kind: "ClusterIssuer",
  metadata: { name: issuers[environment] },
  spec: {
    acme: {
      server: ACME_SERVERS[environment],
      email: config.certManagerEmail,
      privateKeySecretRef: { name: `${issuers[environment]}-account-key` },
      solvers: [
        {
          selector: { dnsZones: [config.domain] },
          dns01: {
            cloudflare: {
              // A ClusterIssuer reads it from the cluster-resource namespace (cert-manager's).
              apiTokenSecretRef: { name: secrets.cloudflareToken.name, key: secrets.cloudflareToken.key },
            },
          },
        },
      ],
    },
  },
});

const selfSignedIssuer = (): CustomObject => ({
  apiVersion: "cert-manager.io/v1",
  kind: "ClusterIssuer",
  metadata: { name: SELF_SIGNED_ISSUER },
  spec: { selfSigned: {} },
});

/** The ClusterIssuer that signs the wildcard: Let's Encrypt with Cloudflare, self-signed without. */
export const wildcardIssuer = (config: NetworkConfig): string =>
  config.publicDnsProvider === "none" ? SELF_SIGNED_ISSUER : issuers[config.letsencryptEnvironment];

const wildcardCertificate = (config: NetworkConfig): CustomObject => ({
  apiVersion: "cert-manager.io/v1",
  kind: "Certificate",
  metadata: { name: wildcard.certificate, namespace: wildcard.namespace },
  spec: {
    secretName: wildcard.secret,
    dnsNames: [`*.${config.domain}`, config.domain],
    issuerRef: {
      name: wildcardIssuer(config),
      kind: "ClusterIssuer",
      group: "cert-manager.io",
    },
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
  },
});

/** What the webhook gate dry-runs: a self-signed Issuer nothing else is named like. */
const webhookProbeIssuer = (): CustomObject => ({
  apiVersion: "cert-manager.io/v1",
  kind: "Issuer",
  metadata: { name: "webhook-probe", namespace: namespaces.certManager },
  spec: { selfSigned: {} },
});

/** The ClusterIssuers, and the Secret they read (Cloudflare's token) when there is one. */
const issuerObjects = (config: NetworkConfig, publicDns: PublicDns) => {
  if (publicDns.provider === "none") return { issuers: [selfSignedIssuer()], secrets: [] };
  const tokenSecret = plannedSecret(namespaces.certManager, secrets.cloudflareToken.name, {
    [secrets.cloudflareToken.key]: publicDns.apiToken,
  });
  return {
    issuers: (["staging", "production"] as const).map((environment) => clusterIssuer(environment, config)),
    secrets: [tokenSecret],
  };
};

export const certManagerPlan = (config: NetworkConfig, publicDns: PublicDns): Partial<Plan> => {
  const made = issuerObjects(config, publicDns);
  const chosenIssuer = made.issuers.find((issuer) => issuer.metadata.name === wildcardIssuer(config));
  // The webhook's CA is injected by cainjector after the pods report ready.
  const gate = webhookGate({
    name: "cert-manager",
    namespace: namespaces.certManager,
    after: [CERT_MANAGER_RELEASE],
    probes: [webhookProbeIssuer()],
  });
  return {
    releases: [certManagerRelease()],
    objects: [
      namespace(namespaces.certManager),
      ...made.secrets,
      ...gate.objects,
      ...made.issuers.map((issuer) => planned(issuer, [gate.job, ...made.secrets.map((s) => s.id)])),
      // Issued into the public Traefik namespace, so it also waits for that namespace (planned()).
      planned(wildcardCertificate(config), [gate.job, ...(chosenIssuer ? [objectId(chosenIssuer)] : [])]),
    ],
  };
};
