import type { ContractExports, networkContract } from "../../lib/contracts.ts";
import { defineProgram } from "../../lib/pulumi/program.ts";

export const networkProgram = defineProgram({
  layer: "network",
  reads: {},
  run: ({ config }): ContractExports<typeof networkContract> => ({
    domain: config.domain,
    publicIngressClass: "traefik-public",
    privateIngressClass: "traefik-private",
    publicIngressIp: config.publicIngressIp,
    privateIngressIp: config.privateIngressIp,
    dnsServerIp: config.dnsServerIp,
    productionIssuer: "letsencrypt-production",
    stagingIssuer: "letsencrypt-staging",
    wildcardCertificateSecret: "traefik-public/wildcard-tls",
    externalHostname: `${config.externalRecord}.${config.domain}`,
    publicTraefikNamespace: "traefik-public",
    privateTraefikNamespace: "traefik-private",
    piholeNamespace: "pihole",
    piholeWebService: "pihole-web",
  }),
});
