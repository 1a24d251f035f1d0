/** The network layer as one value: its plan, the contract values it exports, its summary. */
import type { Result } from "neverthrow";
import type { NetworkContract } from "../../core/contracts.ts";
import { defineLayer } from "../../core/layer.ts";
import { mergePlans, type Plan } from "../../core/plan.ts";
import type { Problem } from "../../core/problem.ts";
import { PIHOLE_ANNOTATION_PREFIX } from "../../k8s/annotations.ts";
import { certManagerPlan, wildcardIssuer } from "./certManager.ts";
import { externalRecord } from "./cloudflare.ts";
import { type NetworkConfig, networkConfigSchema, publicDnsOf } from "./config.ts";
import { externalDnsPlan, externalHostname } from "./externalDns.ts";
import { metallbPlan } from "./metallb.ts";
import { dnsServerHost, ingressClasses, issuers, namespaces, pihole, piholeHost, wildcard } from "./names.ts";
import { piholePlan } from "./pihole.ts";
import { traefikPlan } from "./traefik.ts";

/** The plan, or what is wrong with the Pi-hole apps (a spec the app rules refuse). */
export const networkPlan = (config: NetworkConfig): Result<Plan, Problem[]> => {
  const publicDns = publicDnsOf(config);
  return piholePlan(config, networkExports(config), config.piholeAdminPassword).map((piholes) =>
    mergePlans(
      metallbPlan(config),
      traefikPlan(config),
      certManagerPlan(config, publicDns),
      externalDnsPlan(config, publicDns, config.piholeAdminPassword),
      piholes,
      publicDns.provider === "cloudflare"
        ? { external: [externalRecord(config, publicDns.realExternalIp)] }
        : {},
    ),
  );
};

/** Every name here is the name of an object the plan creates (checked by the tests). */
export const networkExports = (config: NetworkConfig): NetworkContract => ({
  domain: config.domain,
  publicIngressClass: ingressClasses.public,
  privateIngressClass: ingressClasses.private,
  publicIngressIp: config.publicIngressIp,
  privateIngressIp: config.privateIngressIp,
  dnsServerIp: config.dnsServerIp,
  // Without public DNS there is no Let's Encrypt: the self-signed issuer is the only one.
  productionIssuer: config.publicDnsProvider === "none" ? wildcardIssuer(config) : issuers.production,
  stagingIssuer: config.publicDnsProvider === "none" ? wildcardIssuer(config) : issuers.staging,
  wildcardCertificateSecret: `${wildcard.namespace}/${wildcard.secret}`,
  externalHostname: externalHostname(config),
  publicTraefikNamespace: namespaces.traefikPublic,
  privateTraefikNamespace: namespaces.traefikPrivate,
  piholeNamespace: namespaces.pihole,
  piholeWebService: pihole.webService,
  piholeHost: piholeHost(config.domain),
  dnsServerHost: dnsServerHost(config.domain),
  lanDnsAnnotationPrefix: PIHOLE_ANNOTATION_PREFIX,
});

/** Lines for the render summary: the IP and DNS plan. */
const networkSummary = (config: NetworkConfig): string[] => [
  `MetalLB pool ${config.ipAddressPool.text} (auto); fixed: public ingress ${config.publicIngressIp}, private ingress ${config.privateIngressIp}, DNS ${config.dnsServerIp}`,
  config.publicDnsProvider === "none"
    ? `Public DNS: none; ${ingressClasses.public} hosts are served on ${config.publicIngressIp} but published nowhere on the internet`
    : `Cloudflare: ${externalHostname(config)} A <real_external_ip>; ${ingressClasses.public} hosts -> CNAME ${externalHostname(config)}`,
  `Pi-hole (primary + secondary on ${config.dnsServerIp}): ${ingressClasses.public} hosts -> ${config.publicIngressIp}, ${ingressClasses.private} hosts -> ${config.privateIngressIp}`,
  `TLS: *.${config.domain} + ${config.domain} from ${wildcardIssuer(config)} in ${wildcard.namespace}/${wildcard.secret} (default of both Traefiks)`,
];

export const networkLayer = defineLayer({
  layer: "network",
  schema: networkConfigSchema,
  reads: {},
  evaluate: (config) =>
    networkPlan(config).map((plan) => ({
      plan,
      exports: networkExports(config),
      summary: networkSummary(config),
      notices: [],
    })),
});
