/**
 * The Cloudflare side: find the zone of `domain` among the zones the token can see, and the one
 * record holding the router's public IP that every public hostname is a CNAME of.
 */
import { err, ok, type Result } from "neverthrow";
import type { Secret } from "../../config/secret.ts";
import type { PlannedExternal } from "../../core/plan.ts";
import { type Problem, problem } from "../../core/problem.ts";
import type { NetworkConfig } from "./config.ts";
import { externalHostname } from "./externalDns.ts";

export interface ZoneSummary {
  id: string;
  name: string;
  status?: string;
}

/** Picks the zone named exactly `domain`; the problem says what to change when there is none. */
export const pickZone = (domain: string, zones: readonly ZoneSummary[]): Result<ZoneSummary, Problem> => {
  const zone = zones.find((candidate) => candidate.name.toLowerCase() === domain.toLowerCase());
  if (zone) return ok(zone);
  const seen = zones.map((candidate) => candidate.name).sort();
  return err(
    problem(
      { layer: "network", key: "domain" },
      `is not a Cloudflare zone cloudflare_api_token can see` +
        (seen.length > 0 ? ` (it sees: ${seen.join(", ")})` : " (it sees no zone with that name)"),
      "check `domain` is the zone's apex as shown in the Cloudflare dashboard, and give the token " +
        `Zone:Zone:Read and Zone:DNS:Edit on ${domain} (pulumi config set --secret cloudflare_api_token <token>)`,
      domain,
    ),
  );
};

export interface ExternalRecordOptions {
  /** Fully qualified record name. */
  name: string;
  type: "A";
  /** 1 = automatic. */
  ttl: number;
  proxied: false;
  comment: string;
}

/** The record's content is `real_external_ip`, a secret the program adds at the edge. */
const externalRecordOptions = (config: NetworkConfig): ExternalRecordOptions => ({
  name: externalHostname(config),
  type: "A",
  ttl: 1,
  proxied: false,
  comment: "Router public IP; public hosts are CNAMEs of this record (managed by Pulumi, homelab-network)",
});

/** The name of the Cloudflare provider the network layer's edge creates its records with. */
const CLOUDFLARE_PROVIDER = "cloudflare";

/** The router's record as a plan item: its content is `real_external_ip`, its zone looked up at deploy. */
export const externalRecord = (config: NetworkConfig, realExternalIp: Secret): PlannedExternal => ({
  id: "external-record",
  type: "cloudflare:index/dnsRecord:DnsRecord",
  provider: CLOUDFLARE_PROVIDER,
  inputs: { ...externalRecordOptions(config), content: realExternalIp },
  lookups: { zoneId: `the id of the Cloudflare zone ${config.domain}` },
  after: [],
});
