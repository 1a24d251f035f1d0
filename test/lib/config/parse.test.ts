import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { err } from "neverthrow";
import { editDistance, suggestKey } from "../../../lib/config/registry.ts";
import { ENCRYPTED, type RawConfig, secretKey } from "../../../lib/config/schema.ts";
import { isSecret, reveal } from "../../../lib/config/secret.ts";
import { rawConfigFromEntries } from "../../../lib/config/stackFile.ts";
import { LAYERS, type Layer } from "../../../lib/core/layerNames.ts";
import type { Problem } from "../../../lib/core/problem.ts";
import { configSchemas, parseConfig } from "../../../programs/layers.ts";
import { exampleRaw } from "../../support/config.ts";
import { entriesObject } from "../../support/fuzz.ts";

const errorsOf = (layer: Layer, raw: RawConfig): Problem[] => {
  const result = parseConfig(layer, raw);
  if (result.isOk()) throw new Error(`expected ${layer} config to be rejected`);
  return result.error;
};

/** [description, layer, changes, key the error must name, words the message or fix must contain] */
type Rejection = [string, Layer, Record<string, RawConfig[string] | undefined>, string, string];

const MUST_REJECT: Rejection[] = [
  ["a URL as the domain", "network", { domain: "https://example.com" }, "domain", "looks like a URL"],
  [
    "a single-label domain",
    "network",
    { domain: "localhost" },
    "domain",
    "not a fully qualified domain name",
  ],
  [
    "a wildcard domain",
    "network",
    { domain: "*.example.com" },
    "domain",
    "not a fully qualified domain name",
  ],
  ["a missing domain", "network", { domain: undefined }, "domain", "is required"],
  [
    "a pool that ends before it starts",
    "network",
    { ip_address_pool: "192.168.4.100-192.168.4.80" },
    "ip_address_pool",
    "swap the ends: 192.168.4.80-192.168.4.100",
  ],
  [
    "a single address as the pool",
    "network",
    { ip_address_pool: "192.168.4.80" },
    "ip_address_pool",
    "is not an IPv4 range",
  ],
  [
    "a CIDR pool with host bits",
    "network",
    { ip_address_pool: "192.168.4.81/28" },
    "ip_address_pool",
    "write 192.168.4.80/28",
  ],
  [
    "a pool with an octet over 255",
    "network",
    { ip_address_pool: "192.168.4.300-192.168.4.310" },
    "ip_address_pool",
    "is not an IPv4 range",
  ],
  [
    "an invalid public ingress IP",
    "network",
    { public_ingress_ip: "192.168.4.256" },
    "public_ingress_ip",
    "is not an IPv4 address",
  ],
  [
    "a public ingress IP inside the pool",
    "network",
    { public_ingress_ip: "192.168.4.85" },
    "public_ingress_ip",
    "lies inside ip_address_pool",
  ],
  [
    "a DNS IP inside a CIDR pool",
    "network",
    { ip_address_pool: "192.168.4.48/28" },
    "dns_server_ip",
    "lies inside ip_address_pool",
  ],
  [
    "the DNS IP equal to the private ingress IP",
    "network",
    { dns_server_ip: "192.168.4.71" },
    "dns_server_ip",
    "same address as private_ingress_ip",
  ],
  [
    "both ingresses on one IP",
    "network",
    { private_ingress_ip: "192.168.4.70" },
    "private_ingress_ip",
    "same address as public_ingress_ip",
  ],
  [
    "a LAN address as the external IP",
    "network",
    { real_external_ip: "192.168.1.1" },
    "real_external_ip",
    "not reachable from the internet",
  ],
  [
    "a CGNAT address as the external IP",
    "network",
    { real_external_ip: "100.64.0.7" },
    "real_external_ip",
    "not reachable from the internet",
  ],
  [
    "a word as the external IP",
    "network",
    { real_external_ip: "router" },
    "real_external_ip",
    "is not an IPv4 address",
  ],
  [
    "an email without a domain",
    "network",
    { cert_manager_email: "admin" },
    "cert_manager_email",
    "is not an email address",
  ],
  [
    "an email at a bare host",
    "network",
    { cert_manager_email: "admin@localhost" },
    "cert_manager_email",
    "is not an email address",
  ],
  [
    "a missing Cloudflare token",
    "network",
    { cloudflare_api_token: undefined },
    "cloudflare_api_token",
    "pulumi config set --secret cloudflare_api_token",
  ],
  [
    "a short Pi-hole password",
    "network",
    { pihole_admin_password: "short" },
    "pihole_admin_password",
    "shorter than 8 characters",
  ],
  [
    "an unknown Let's Encrypt environment",
    "network",
    { letsencrypt_environment: "prod" },
    "letsencrypt_environment",
    "production, staging",
  ],
  [
    "a bad upstream resolver",
    "network",
    { pihole_upstream_dns: "1.1.1.1,dns.google" },
    "pihole_upstream_dns",
    "item 2 (dns.google)",
  ],
  ["a typo in a key", "network", { domian: "example.com" }, "domian", "did you mean domain?"],
  [
    "a storage key in the network stack file",
    "network",
    { nfs_hostname: "nas.lan" },
    "nfs_hostname",
    "belongs to the storage layer",
  ],
  [
    "an encrypted value for a plain key",
    "network",
    { domain: ENCRYPTED },
    "domain",
    "is encrypted but is not a secret key",
  ],
  [
    "a URL as the NFS host",
    "storage",
    { nfs_hostname: "nfs://nas.lan" },
    "nfs_hostname",
    "is not a host name or IPv4 address",
  ],
  [
    "a relative backup path",
    "storage",
    { longhorn_nfs_backup_path: "backups/longhorn" },
    "longhorn_nfs_backup_path",
    "start it at the export root, e.g. /backups/longhorn",
  ],
  [
    "a share path with ..",
    "storage",
    { nfs_share_path: "/volume1/../etc" },
    "nfs_share_path",
    "contains `..`",
  ],
  [
    "an unknown time zone",
    "storage",
    { timezone: "Mars/Olympus_Mons" },
    "timezone",
    "is not an IANA time zone",
  ],
  ["a zone abbreviation", "storage", { timezone: "EST" }, "timezone", "is an abbreviation"],
  [
    "an offset beyond +14",
    "storage",
    { timezone: undefined, timezone_offset: "15" },
    "timezone_offset",
    "outside -12..14",
  ],
  [
    "an offset that is no real zone",
    "storage",
    { timezone: undefined, timezone_offset: "5.3" },
    "timezone_offset",
    "quarter hours",
  ],
  [
    "both a zone and an offset",
    "storage",
    { timezone_offset: "10" },
    "timezone_offset",
    "pulumi config rm timezone_offset",
  ],
  [
    "zero Longhorn replicas",
    "storage",
    { longhorn_replica_count: "0" },
    "longhorn_replica_count",
    "from 1 to 5",
  ],
  [
    "a short Pocket ID key",
    "auth",
    { pocket_id_encryption_key: "short" },
    "pocket_id_encryption_key",
    "shorter than 16 characters",
  ],
  [
    "a static API key shorter than Pocket ID accepts",
    "auth",
    { pocket_id_static_api_key: "short-key" },
    "pocket_id_static_api_key",
    "shorter than 16 characters",
  ],
  [
    "a Pocket ID group name with a space",
    "auth",
    { pocket_id_groups: "admins,the family" },
    "pocket_id_groups",
    "not a Pocket ID group name",
  ],
  [
    "a malformed upstream stack name",
    "apps",
    { network_stack: "a/b/c/d" },
    "network_stack",
    "organization/project/stack",
  ],
  [
    "a user name in the allow-list",
    "auth",
    { tinyauth_allowed_users: "alice@example.com,bob" },
    "tinyauth_allowed_users",
    "item 2 (bob) is not an email address",
  ],
  ["a typo in an apps key", "apps", { auth_stak: "home" }, "auth_stak", "did you mean auth_stack?"],
];

describe("config must reject", () => {
  for (const [description, layer, changes, key, words] of MUST_REJECT) {
    test(`${layer}: ${description} -> ${key}`, () => {
      const errors = errorsOf(layer, exampleRaw(layer, changes));
      const error = errors.find((e) => e.where.key === key);
      expect(error).toBeDefined();
      expect(`${error?.what} ${error?.fix}`).toContain(words);
      expect(error?.where.layer).toBe(layer);
    });
  }

  test("a key in another layer's namespace of the stack file", () => {
    const result = rawConfigFromEntries(configSchemas, "network", [
      ["homelab-storage:nfs_hostname", "nas.lan"],
    ]);
    expect(result._unsafeUnwrapErr()[0]?.fix).toContain("rename it to homelab-network:nfs_hostname");
  });

  test("every error is reported at once, across keys and rules", () => {
    const errors = errorsOf(
      "network",
      exampleRaw("network", {
        domain: "example",
        cert_manager_email: "nobody",
        pihole_admin_password: "123",
        domian: "typo",
        cloudflare_api_token: undefined,
      }),
    );
    expect(errors.map((e) => e.where.key).sort()).toEqual(
      ["cert_manager_email", "cloudflare_api_token", "domain", "domian", "pihole_admin_password"].sort(),
    );
  });

  test("a secret parser that echoes its input is redacted, whole words only", () => {
    const echoing = secretKey((raw) => err({ what: `rejects ${raw} (shorter)`, fix: `not ${raw}` }), {
      required: true,
      doc: "",
      type: "",
      example: "",
    });
    expect(echoing.parse("p@ss.w0rd*")._unsafeUnwrapErr()).toEqual({
      what: "rejects [secret] (shorter)",
      fix: "not [secret]",
    });
    expect(echoing.parse("short")._unsafeUnwrapErr().what).toBe("rejects [secret] (shorter)");
  });

  test("a secret's value never appears in its error", () => {
    const errors = errorsOf("network", exampleRaw("network", { pihole_admin_password: "hunter2" }));
    const text = JSON.stringify(errors);
    expect(text).not.toContain("hunter2");
    expect(errors[0]?.value).toBe("[secret]");
  });
});

/** [description, layer, changes] that must parse. */
const MUST_ACCEPT: [string, Layer, Record<string, RawConfig[string] | undefined>][] = [
  ["the example network stack", "network", {}],
  ["a CIDR pool away from the fixed IPs", "network", { ip_address_pool: "192.168.4.96/28" }],
  ["a trailing dot and capitals in the domain", "network", { domain: "Home.Example.COM." }],
  ["upstream resolvers as a YAML list", "network", { pihole_upstream_dns: '["9.9.9.9","149.112.112.112"]' }],
  ["secrets stored encrypted", "network", { cloudflare_api_token: ENCRYPTED, real_external_ip: ENCRYPTED }],
  [
    "a fractional negative offset instead of a zone",
    "storage",
    { timezone: undefined, timezone_offset: "-3.5" },
  ],
  ["an IP address as the NFS host", "storage", { nfs_hostname: "192.168.4.10" }],
  ["no time zone at all (UTC)", "storage", { timezone: undefined }],
  [
    "a first deploy without the OAuth client",
    "auth",
    { tinyauth_oauth_client_id: undefined, tinyauth_oauth_client_secret: undefined },
  ],
  ["an allow-list of users", "auth", { tinyauth_allowed_users: "alice@example.com,bob@example.com" }],
  ["an explicit upstream stack", "apps", { network_stack: "myorg/homelab-network/home" }],
];

describe("config must accept", () => {
  for (const [description, layer, changes] of MUST_ACCEPT) {
    test(`${layer}: ${description}`, () => {
      const result = parseConfig(layer, exampleRaw(layer, changes));
      expect(result.isOk() ? [] : result.error).toEqual([]);
    });
  }

  test("typed values: ranges, defaults, camelCase fields", () => {
    const config = parseConfig("network", exampleRaw("network"))._unsafeUnwrap();
    expect(config.ipAddressPool.text).toBe("192.168.4.80-192.168.4.100");
    expect(config.letsencryptEnvironment).toBe("production");
    expect(config.piholeUpstreamDns).toEqual(["1.1.1.1", "1.0.0.1"]);
    expect(config.externalRecord).toBe("external");
  });

  test("secret keys become Secret values that print redacted", () => {
    const config = parseConfig("network", exampleRaw("network"))._unsafeUnwrap();
    const token = config.cloudflareApiToken;
    if (!token) throw new Error("the example sets cloudflare_api_token");
    expect(isSecret(token)).toBe(true);
    expect(`${token}`).toBe("[secret]");
    expect(JSON.stringify({ token })).toBe('{"token":"[secret]"}');
    expect(reveal(token)).toBe("FAKE-cloudflare-api-token-0000000000000000");
  });
});

describe("config parsing never throws", () => {
  const keysOf = (layer: Layer) => Object.keys(configSchemas[layer].keys);
  const rawValue = fc.oneof(
    fc.string(),
    fc.constant(ENCRYPTED),
    fc.ipV4().map(String),
    fc.tuple(fc.ipV4(), fc.ipV4()).map(([a, b]) => `${a}-${b}`),
    fc.domain(),
    fc.emailAddress(),
    fc.integer({ min: -20, max: 20 }).map(String),
    fc.array(fc.string()).map((items) => JSON.stringify(items)),
  );

  for (const layer of LAYERS) {
    test(`${layer}: random raw configs give a config or a list of errors`, () => {
      const key = fc.oneof(fc.constantFrom(...keysOf(layer), ...keysOf("network")), fc.string());
      fc.assert(
        fc.property(entriesObject(key, rawValue), (raw: RawConfig) => {
          const result = parseConfig(layer, raw);
          if (result.isErr()) {
            expect(result.error.length).toBeGreaterThan(0);
            for (const error of result.error) {
              expect(typeof error.what).toBe("string");
              expect(error.fix.length).toBeGreaterThan(0);
            }
          }
        }),
        { numRuns: 1000 },
      );
    });
  }
});

test("edit distance", () => {
  expect(editDistance("domian", "domain")).toBe(2);
  expect(editDistance("", "abc")).toBe(3);
  expect(editDistance("same", "same")).toBe(0);
  expect(editDistance("domian", "domain", 1)).toBe(2);
  expect(editDistance("nfs_host", "domain", 2)).toBe(3);
});

describe("key suggestions stop at the near keys and suggest what a full comparison suggests", () => {
  const allKeys = LAYERS.flatMap((layer) => Object.keys(configSchemas[layer].keys));
  // Typos of every key (a letter dropped, two swapped, case changed), and strings near none.
  const typed = [
    ...allKeys.flatMap((key) => [
      key.slice(1),
      `${key.slice(0, 2)}${key.slice(3, 4)}${key.slice(2, 3)}${key.slice(4)}`.toUpperCase(),
      `${key}_x`,
    ]),
    ...[
      "",
      "x",
      "zzzzzzzzzzzz",
      "İstanbul",
      "unknown_key",
      "domian",
      "a_very_long_key_nobody_wrote_anywhere",
    ],
  ];

  test("a limited distance is the distance, or limit + 1 past it", () => {
    const differing = typed.flatMap((a) =>
      allKeys.flatMap((b) => {
        const full = editDistance(a, b);
        return [0, 2, 4]
          .filter((limit) => editDistance(a, b, limit) !== Math.min(full, limit + 1))
          .map((limit) => `${a} ${b} ${limit}`);
      }),
    );
    expect(differing).toEqual([]);
  });

  // The suggestion as first written: every key of every layer, sorted by full distance.
  const fullSuggestion = (layer: Layer, key: string): string => {
    const owner = LAYERS.find((other) => key in configSchemas[other].keys);
    if (owner) return `${key} belongs to the ${owner} layer: move it to config/${owner}/Pulumi.<stack>.yaml`;
    const byDistance = <T extends { known: string }>(candidates: T[]) =>
      candidates
        .map((candidate) => ({ ...candidate, distance: editDistance(key.toLowerCase(), candidate.known) }))
        .sort((a, b) => a.distance - b.distance)[0];
    const near = (distance: number) => distance <= Math.max(2, Math.floor(key.length / 4));
    const own = byDistance(Object.keys(configSchemas[layer].keys).map((known) => ({ known })));
    if (own && near(own.distance)) return `did you mean ${own.known}?`;
    const elsewhere = byDistance(
      LAYERS.flatMap((other) => Object.keys(configSchemas[other].keys).map((known) => ({ other, known }))),
    );
    if (elsewhere && near(elsewhere.distance))
      return `did you mean ${elsewhere.known}? It belongs to the ${elsewhere.other} layer: config/${elsewhere.other}/Pulumi.<stack>.yaml`;
    return `remove it, or use one of: ${Object.keys(configSchemas[layer].keys).join(", ")}`;
  };

  for (const layer of LAYERS)
    test(`${layer}: the same suggestion for ${typed.length} typed keys`, () => {
      const suggest = suggestKey(configSchemas, layer);
      expect(typed.map(suggest)).toEqual(typed.map((key) => fullSuggestion(layer, key)));
    });
});
