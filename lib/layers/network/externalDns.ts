/**
 * external-dns, one release per target (the chart runs one provider per release):
 *
 * - `external-dns-cloudflare`: only `traefik-public` Ingresses, published in Cloudflare as CNAMEs
 *   of the one record that holds the router's public IP (`<external_record>.<domain>`), TXT
 *   registry with its own owner id, limited to the domain.
 * - `external-dns-pihole-primary` / `-secondary`: both classes, published in each Pi-hole with the
 *   in-cluster ingress IP from the Ingress status (split horizon: LAN clients skip the router).
 *   Pi-hole stores no TXT records, so registry noop: with policy sync each instance owns every
 *   record under the domain in its Pi-hole, so a removed host's record goes at the next sync.
 *   One release per Pi-hole, so both hold the same local records.
 *
 * Flags are for the pinned app v0.21.0; `--pihole-api-version` is gone in v0.22.0.
 */

import type { Secret } from "../../config/secret.ts";
import { type PlannedRelease, plannedRelease } from "../../core/plan.ts";
import { PIHOLE_ANNOTATION_PREFIX } from "../../k8s/annotations.ts";
import { namespaceId } from "../../k8s/namespace.ts";
import { CONTROL_PLANE_TOLERATION } from "../../k8s/talos.ts";
import type { NetworkConfig, PublicDns } from "./config.ts";
import {
  ingressClasses,
  namespaces,
  type PiholeInstance,
  pihole,
  piholeWebService,
  secrets,
} from "./names.ts";
import { namespace, type Plan, plannedSecret } from "./plan.ts";
import { charts } from "./versions.ts";

export const externalHostname = (config: NetworkConfig): string =>
  `${config.externalRecord}.${config.domain}`;

const secretEnv = (name: string, ref: { name: string; key: string }) => ({
  name,
  valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
});

const cloudflareExternalDnsValues = (config: NetworkConfig): Record<string, unknown> => ({
  provider: { name: "cloudflare" },
  // Ingresses only: a Service can never be published on the internet by accident.
  sources: ["ingress"],
  policy: "sync",
  registry: "txt",
  txtOwnerId: "homelab-network",
  domainFilters: [config.domain],
  env: [secretEnv("CF_API_TOKEN", secrets.cloudflareToken)],
  extraArgs: [
    `--ingress-class=${ingressClasses.public}`,
    // Every public host becomes a CNAME of the record holding the router's IP, instead of the
    // Ingress status (the LAN address of the public Traefik). Since v0.18 default targets only
    // fill empty targets unless forced.
    `--default-targets=${externalHostname(config)}`,
    "--force-default-targets",
    // --cloudflare-proxied stays off (its default): DNS only, the router forwards 80/443 to the
    // public Traefik with no Cloudflare proxy in between.
  ],
  tolerations: [CONTROL_PLANE_TOLERATION],
});

/** How often each Pi-hole's external-dns compares its records with the cluster's hosts. */
const PIHOLE_SYNC_INTERVAL = "15s";

const piholeServerUrl = (instance: PiholeInstance): string =>
  `http://${piholeWebService(instance)}.${namespaces.pihole}.svc.cluster.local`;

export const piholeExternalDnsValues = (
  config: NetworkConfig,
  instance: PiholeInstance,
): Record<string, unknown> => ({
  provider: { name: "pihole" },
  // traefik-proxy: IngressRoutes (the Traefik dashboards) get LAN records from their target annotation.
  sources: ["ingress", "service", "traefik-proxy"],
  // Split horizon: the Cloudflare instance reads the standard annotations (a public Ingress's
  // `target` is the router's record); the Pi-holes must ignore them and publish the in-cluster
  // ingress IP from the Ingress status instead. A Service gets a LAN record with
  // `pihole.external-dns.alpha.kubernetes.io/hostname`.
  annotationPrefix: PIHOLE_ANNOTATION_PREFIX,
  // With registry noop there is no owner to check (OwnerID ""), so sync deletes any A/AAAA/CNAME
  // under the domain filter that no source declares, and never touches names outside it
  // (external-dns 0.21.0 plan/plan.go, registry/noop.go). Pi-hole keeps no records of its own
  // here: /etc/pihole is an emptyDir, so a record made in its UI is lost at the next restart anyway.
  policy: "sync",
  registry: "noop",
  // A restarted Pi-hole is not Ready until its records are back (pihole.ts); the chart's 1m
  // would leave it out of service up to a minute. A sync is three GETs against the Pi-hole API.
  interval: PIHOLE_SYNC_INTERVAL,
  domainFilters: [config.domain],
  env: [secretEnv("EXTERNAL_DNS_PIHOLE_PASSWORD", secrets.piholePassword)],
  extraArgs: [
    `--ingress-class=${ingressClasses.public}`,
    `--ingress-class=${ingressClasses.private}`,
    `--pihole-server=${piholeServerUrl(instance)}`,
    "--pihole-api-version=6",
  ],
  tolerations: [CONTROL_PLANE_TOLERATION],
});

const externalDnsReleaseName = (target: "cloudflare" | PiholeInstance): string =>
  target === "cloudflare" ? "external-dns-cloudflare" : `external-dns-pihole-${target}`;

/** With `public_dns_provider: none` only the Pi-hole instances run: public hosts stay unpublished. */
export const externalDnsPlan = (
  config: NetworkConfig,
  publicDns: PublicDns,
  piholePassword: Secret,
): Partial<Plan> => {
  const ns = namespaces.externalDns;
  const tokenSecret =
    publicDns.provider === "cloudflare"
      ? plannedSecret(ns, secrets.cloudflareToken.name, { [secrets.cloudflareToken.key]: publicDns.apiToken })
      : undefined;
  const passwordSecret = plannedSecret(ns, secrets.piholePassword.name, {
    [secrets.piholePassword.key]: piholePassword,
  });
  const release = (
    target: "cloudflare" | PiholeInstance,
    values: Record<string, unknown>,
    after: string[],
  ): PlannedRelease =>
    plannedRelease(
      {
        name: externalDnsReleaseName(target),
        namespace: ns,
        chart: charts.externalDns,
        values,
        // The chart's `crds/` folder holds the DNSEndpoint CRD, which no source here reads (sources
        // are Ingresses, Services and IngressRoutes): no release installs it, so none can collide.
        skipCrds: true,
      },
      [namespaceId(ns), ...after],
    );
  return {
    objects: [namespace(ns), ...(tokenSecret ? [tokenSecret] : []), passwordSecret],
    releases: [
      ...(tokenSecret ? [release("cloudflare", cloudflareExternalDnsValues(config), [tokenSecret.id])] : []),
      // Not after its Pi-hole's Deployment: the Pi-hole is Ready only once this writes its
      // records. Until FTL answers, external-dns exits on its failed login (0.21.0
      // controller/execute.go log.Fatal) and the kubelet starts it again; the release's await
      // lasts until it runs.
      ...pihole.instances.map((instance) =>
        release(instance, piholeExternalDnsValues(config, instance), [passwordSecret.id]),
      ),
    ],
  };
};
