/**
 * Bad stack files, table-driven: each one is refused by `validate`, `render` and `preview all`
 * (in-process), each run exiting 1, naming the key or file, printing no stack trace and no canary
 * secret, and writing nothing.
 */
import { describe, expect, test } from "bun:test";
import { main as validateMain } from "../../cli/validate.ts";
import {
  CANARIES,
  captureIo,
  type Edit,
  expectRefusedBy,
  STACK,
  type StackChanges,
  scratchStack,
} from "../support/hardening.ts";

type Case = readonly [description: string, changes: StackChanges, names: readonly string[]];

const edit = (layer: Edit["layer"], key: string, value?: string): StackChanges => ({
  edits: [{ layer, key, value }],
});

const CASES: readonly Case[] = [
  // blank keys and empty values
  [
    "a blank Tinyauth client id",
    edit("auth", "tinyauth_oauth_client_id", ""),
    ["tinyauth_oauth_client_id", "is empty"],
  ],
  ["a blank required domain", edit("network", "domain", ""), ["domain", "is empty"]],
  ["a blank timezone", edit("storage", "timezone", ""), ["timezone", "is empty"]],
  [
    "a blank app secret",
    edit("apps", "app_secrets", "\n    miniflux:\n      admin_password:"),
    ["app_secrets"],
  ],
  [
    "a quoted empty Cloudflare token",
    edit("network", "cloudflare_api_token", '""'),
    ["cloudflare_api_token"],
  ],
  [
    "a Pi-hole password of spaces",
    edit("network", "pihole_admin_password", '"          "'),
    ["pihole_admin_password", "blank"],
  ],
  [
    "a Tinyauth client secret of spaces",
    edit("auth", "tinyauth_oauth_client_secret", "'   '"),
    ["tinyauth_oauth_client_secret"],
  ],
  [
    "a short encryption key",
    edit("auth", "pocket_id_encryption_key", "CANARY-short"),
    ["pocket_id_encryption_key"],
  ],
  [
    "a static API key Pocket ID would refuse (under 16 characters)",
    edit("auth", "pocket_id_static_api_key", "too-short"),
    ["pocket_id_static_api_key"],
  ],
  // prefixes and misplaced keys (their values are never echoed)
  [
    "timezone without the prefix",
    { edits: [{ layer: "storage", key: "timezone", value: "Europe/Berlin", bare: true }] },
    ["timezone", "homelab-storage:timezone"],
  ],
  [
    "a secret without the prefix",
    { edits: [{ layer: "network", key: "cloudflare_api_token", value: CANARIES.cloudflare, bare: true }] },
    ["cloudflare_api_token", "homelab-network:cloudflare_api_token"],
  ],
  [
    "another layer's prefix, a secret value",
    edit("storage", "homelab-network:cloudflare_api_token", CANARIES.cloudflare),
    ["homelab-network:cloudflare_api_token", "config/network/Pulumi.bad.yaml"],
  ],
  [
    "a misspelt prefix",
    edit("network", "homelab-netwrk:domain", "example.org"),
    ["homelab-netwrk:domain", "homelab-network:domain"],
  ],
  [
    "a bare homelab prefix",
    edit("auth", "homelab:pocket_id_encryption_key", CANARIES.pocketId),
    ["homelab:pocket_id_encryption_key"],
  ],
  [
    "a misspelt secret key",
    edit("network", "cloudflare_api_tokn", CANARIES.cloudflare),
    ["cloudflare_api_tokn", "did you mean cloudflare_api_token"],
  ],
  [
    "a secret key in the wrong layer's file",
    edit("storage", "pihole_admin_password", CANARIES.pihole),
    ["pihole_admin_password", "network layer"],
  ],
  [
    "a misspelt app_secrets",
    edit("apps", "app_secret", `\n    miniflux:\n      admin_password: ${CANARIES.app}`),
    ["app_secret"],
  ],
  [
    "an encrypted value for a plain key",
    edit("network", "domain", "\n    secure: v1:AAAA"),
    ["domain", "encrypted"],
  ],
  // YAML syntax and files
  [
    "bad indentation",
    {
      files: {
        storage: "config:\n  homelab-storage:nfs_hostname: nas.lan\n   homelab-storage:timezone: UTC\n",
      },
    },
    ["config/storage/Pulumi.bad.yaml", "line 2"],
  ],
  [
    "a bad escape inside a secret",
    { files: { network: `config:\n  homelab-network:pihole_admin_password: "${CANARIES.pihole}\\q"\n` } },
    ["config/network/Pulumi.bad.yaml", "line 2"],
  ],
  [
    "a key written twice",
    {
      files: {
        auth: `config:\n  homelab-auth:pocket_id_encryption_key: ${CANARIES.pocketId}\n  homelab-auth:pocket_id_encryption_key: ${CANARIES.pocketId}\n`,
      },
    },
    ["config/auth/Pulumi.bad.yaml", "line 3", "twice"],
  ],
  [
    "an unclosed list",
    { files: { apps: "config:\n  homelab-apps:app_secrets: [\n" } },
    ["config/apps/Pulumi.bad.yaml", "line"],
  ],
  [
    "a tab for indentation",
    { files: { storage: "config:\n\thomelab-storage:nfs_hostname: nas.lan\n" } },
    ["config/storage/Pulumi.bad.yaml", "line 2"],
  ],
  [
    "config is a list",
    { files: { network: "config:\n  - domain\n" } },
    ["config/network/Pulumi.bad.yaml", "config:"],
  ],
  [
    "a missing layer file",
    { missing: ["auth"] },
    ["config/auth/Pulumi.bad.yaml", "cp config/auth/Pulumi.example.yaml"],
  ],
  // LAN addresses
  [
    "a public ingress IP on the internet",
    edit("network", "public_ingress_ip", "8.8.8.8"),
    ["public_ingress_ip", "public address"],
  ],
  [
    "a loopback private ingress IP",
    edit("network", "private_ingress_ip", "127.0.0.1"),
    ["private_ingress_ip", "loopback"],
  ],
  ["a link-local DNS IP", edit("network", "dns_server_ip", "169.254.10.53"), ["dns_server_ip", "link-local"]],
  ["a multicast DNS IP", edit("network", "dns_server_ip", "224.0.0.53"), ["dns_server_ip", "multicast"]],
  [
    "a network address as ingress IP",
    edit("network", "public_ingress_ip", "192.168.4.0"),
    ["public_ingress_ip", ".0 or .255"],
  ],
  [
    "a broadcast address as ingress IP",
    edit("network", "private_ingress_ip", "192.168.4.255"),
    ["private_ingress_ip", ".0 or .255"],
  ],
  [
    "the unspecified address as DNS IP",
    edit("network", "dns_server_ip", "0.0.0.0"),
    ["dns_server_ip", "unspecified"],
  ],
  [
    "a fixed IP in another private network",
    edit("network", "dns_server_ip", "10.0.0.53"),
    ["dns_server_ip", "192.168.0.0/16"],
  ],
  [
    "a CGNAT ingress IP",
    edit("network", "public_ingress_ip", "100.64.1.70"),
    ["public_ingress_ip", "carrier-grade NAT"],
  ],
  ["a public pool", edit("network", "ip_address_pool", "8.8.8.10-8.8.8.20"), ["ip_address_pool", "private"]],
  [
    "a pool across two /24s",
    edit("network", "ip_address_pool", "192.168.4.200-192.168.5.10"),
    ["ip_address_pool", ".0 or .255"],
  ],
  [
    "a CIDR pool with the network address",
    edit("network", "ip_address_pool", "192.168.4.0/27"),
    ["ip_address_pool", ".0 or .255"],
  ],
  [
    "a pool across private networks",
    edit("network", "ip_address_pool", "10.0.0.1-192.168.0.1"),
    ["ip_address_pool"],
  ],
  [
    "a pool on loopback",
    edit("network", "ip_address_pool", "127.0.0.10-127.0.0.20"),
    ["ip_address_pool", "loopback"],
  ],
  // the external IP (a secret: its value is never shown)
  [
    "0.0.0.0 as the external IP",
    edit("network", "real_external_ip", "0.0.0.0"),
    ["real_external_ip", "unspecified"],
  ],
  [
    "a LAN address as the external IP",
    edit("network", "real_external_ip", "192.168.1.1"),
    ["real_external_ip", "private"],
  ],
  [
    "a multicast external IP",
    edit("network", "real_external_ip", "239.1.2.3"),
    ["real_external_ip", "multicast"],
  ],
  [
    "the broadcast address as external IP",
    edit("network", "real_external_ip", "255.255.255.255"),
    ["real_external_ip", "broadcast"],
  ],
  [
    "a reserved external IP",
    edit("network", "real_external_ip", "240.0.0.1"),
    ["real_external_ip", "reserved"],
  ],
  // Pi-hole upstreams and the external record
  ["no upstream DNS", edit("network", "pihole_upstream_dns", '""'), ["pihole_upstream_dns", "is empty"]],
  [
    "an empty upstream list",
    edit("network", "pihole_upstream_dns", "[]"),
    ["pihole_upstream_dns", "is empty"],
  ],
  [
    "Pi-hole as its own upstream",
    edit("network", "pihole_upstream_dns", "192.168.4.53,1.1.1.1"),
    ["pihole_upstream_dns", "dns_server_ip"],
  ],
  [
    "a loopback upstream",
    edit("network", "pihole_upstream_dns", "127.0.0.1"),
    ["pihole_upstream_dns", "loopback"],
  ],
  [
    "an external record on the login host",
    edit("network", "external_record", "auth"),
    ["external_record", "platform"],
  ],
  [
    "an external record on the Pi-hole UI",
    edit("network", "external_record", "pihole"),
    ["external_record", "platform"],
  ],
];

describe("a bad stack file is refused by validate, render and preview, naming the key or file", () => {
  for (const [description, changes, names] of CASES) {
    test(description, async () => {
      await expectRefusedBy(changes, names, ["validate", "render", "preview all"]);
    });
  }

  test("control: the unchanged canary stack is valid, so each refusal is the edit's", async () => {
    const root = scratchStack();
    const captured = captureIo({ HOME: root });
    expect(await validateMain(["--stack", STACK], captured.io, root)).toBe(0);
  });

  test("the table holds enough distinct inputs", () => {
    expect(new Set(CASES.map(([description]) => description)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(45);
  });
});
