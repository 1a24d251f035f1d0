/**
 * The network layer's Pulumi edge: looks up the Cloudflare zone, creates the pure plan
 * (lib/network) through the shared edge, then the one Cloudflare record.
 */
import { DnsRecord } from "@pulumi/cloudflare/dnsRecord";
import { getZones } from "@pulumi/cloudflare/getZones";
import { Provider as CloudflareProvider } from "@pulumi/cloudflare/provider";
import * as pulumi from "@pulumi/pulumi";
import { reveal } from "../../lib/config/secret.ts";
import type { ContractExports, networkContract } from "../../lib/contracts.ts";
import { externalRecordSpec, pickZone } from "../../lib/network/cloudflare.ts";
import type { NetworkConfig } from "../../lib/network/config.ts";
import { networkExports, networkPlan, networkSummary } from "../../lib/network/layer.ts";
import { defineProgram } from "../../lib/pulumi/program.ts";

const cloudflareProvider = (config: NetworkConfig): CloudflareProvider =>
  new CloudflareProvider("cloudflare", { apiToken: pulumi.secret(reveal(config.cloudflareApiToken)) });

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
    // Looked up first, so a zone the token cannot see stops the deploy before anything changes.
    const provider = cloudflareProvider(config);
    const zoneId = await lookupZone(config, provider);
    createPlan(networkPlan(config));
    new DnsRecord(
      "external-record",
      { ...externalRecordSpec(config), zoneId, content: pulumi.secret(reveal(config.realExternalIp)) },
      { provider },
    );
    return networkExports(config);
  },
  summarize: ({ config }) => networkSummary(config),
});
