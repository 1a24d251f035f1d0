/**
 * The network layer's Pulumi edge: looks up the Cloudflare zone, creates the pure plan
 * (lib/network) through the shared edge, then the one Cloudflare record. With
 * `public_dns_provider: none` there is no Cloudflare provider, lookup or record at all.
 */
import { DnsRecord } from "@pulumi/cloudflare/dnsRecord";
import { getZones } from "@pulumi/cloudflare/getZones";
import { Provider as CloudflareProvider } from "@pulumi/cloudflare/provider";
import * as pulumi from "@pulumi/pulumi";
import { formatProblem } from "../../lib/apps/validate.ts";
import { reveal } from "../../lib/config/secret.ts";
import type { ContractExports, networkContract } from "../../lib/contracts.ts";
import { externalRecordSpec, pickZone } from "../../lib/network/cloudflare.ts";
import { type NetworkConfig, type PublicDns, publicDnsOf } from "../../lib/network/config.ts";
import { networkExports, networkPlan, networkSummary } from "../../lib/network/layer.ts";
import { defineProgram } from "../../lib/pulumi/program.ts";

type Cloudflare = Extract<PublicDns, { provider: "cloudflare" }>;

const cloudflareProvider = (cloudflare: Cloudflare): CloudflareProvider =>
  new CloudflareProvider("cloudflare", { apiToken: pulumi.secret(reveal(cloudflare.apiToken)) });

/** The id of `domain`'s zone; a token that cannot see it fails with one clear message. */
const lookupZone = async (config: NetworkConfig, provider: CloudflareProvider): Promise<string> => {
  const found = await getZones({ name: config.domain }, { provider });
  const zone = pickZone(
    config.domain,
    (found.results ?? []).map((z) => ({ id: z.id, name: z.name, status: z.status })),
  );
  if (zone.isErr()) throw new pulumi.RunError(zone.error);
  return zone.value.id;
};

export const networkProgram = defineProgram({
  layer: "network",
  reads: {},
  run: async ({ config, createPlan }): Promise<ContractExports<typeof networkContract>> => {
    const publicDns = publicDnsOf(config);
    const planned = networkPlan(config);
    // Pi-hole primary and secondary are apps: the plan fails only on a spec the app rules refuse.
    if (planned.isErr()) throw new pulumi.RunError(planned.error.map(formatProblem).join("\n"));
    const plan = planned.value;
    if (publicDns.provider === "none") {
      createPlan(plan);
      return networkExports(config);
    }
    // Looked up first, so a zone the token cannot see stops the deploy before anything changes.
    const provider = cloudflareProvider(publicDns);
    const zoneId = await lookupZone(config, provider);
    createPlan(plan);
    new DnsRecord(
      "external-record",
      { ...externalRecordSpec(config), zoneId, content: pulumi.secret(reveal(publicDns.realExternalIp)) },
      { provider },
    );
    return networkExports(config);
  },
  summarize: ({ config }) => networkSummary(config),
});
