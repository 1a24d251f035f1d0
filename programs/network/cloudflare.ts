/**
 * The network layer's resources outside the cluster: the Cloudflare provider, the zone lookup and
 * the records of the plan. Looked up first, so a zone the token cannot see stops the deploy
 * before anything changes. With `public_dns_provider: none` the plan has no such records.
 */
import { DnsRecord } from "@pulumi/cloudflare/dnsRecord";
import { getZones } from "@pulumi/cloudflare/getZones";
import { Provider } from "@pulumi/cloudflare/provider";
import * as pulumi from "@pulumi/pulumi";
import { reveal } from "../../lib/config/secret.ts";
import type { PlannedExternal } from "../../lib/core/plan.ts";
import { formatProblem } from "../../lib/core/problem.ts";
import { pickZone } from "../../lib/layers/network/cloudflare.ts";
import { type NetworkConfig, publicDnsOf } from "../../lib/layers/network/config.ts";
import { revealInputs } from "../../lib/pulumi/createPlan.ts";

/** The id of `domain`'s zone; a token that cannot see it fails with one clear message. */
const lookupZone = async (domain: string, provider: Provider): Promise<string> => {
  const found = await getZones({ name: domain }, { provider });
  const zone = pickZone(
    domain,
    (found.results ?? []).map((z) => ({ id: z.id, name: z.name, status: z.status })),
  );
  if (zone.isErr()) throw new pulumi.RunError(formatProblem(zone.error));
  return zone.value.id;
};

export const cloudflareRecords = async (
  records: readonly PlannedExternal[],
  config: NetworkConfig,
): Promise<void> => {
  const publicDns = publicDnsOf(config);
  if (publicDns.provider === "none") throw new Error("Cloudflare records planned without Cloudflare");
  const provider = new Provider(records[0]?.provider ?? "cloudflare", {
    apiToken: pulumi.secret(reveal(publicDns.apiToken)),
  });
  const zoneId = await lookupZone(config.domain, provider);
  for (const record of records) {
    new DnsRecord(record.id, { ...revealInputs(record.inputs), zoneId } as never, { provider });
  }
};
