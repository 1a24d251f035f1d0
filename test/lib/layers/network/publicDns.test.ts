/**
 * `public_dns_provider`: Cloudflare (the default, the example stack) or `none`, rendered offline
 * from a copy of the example stack with the Cloudflare keys taken out.
 */
import { describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateStack } from "../../../../cli/validate.ts";
import { ENCRYPTED } from "../../../../lib/config/schema.ts";
import { readStackFile } from "../../../../lib/config/stackFile.ts";
import type { RenderedLayer } from "../../../../lib/render/render.ts";
import { configSchemas, parseConfig } from "../../../../programs/layers.ts";
import { ROOT, renderedStack } from "../../../support/render.ts";

const exampleNetwork = (): Record<string, string | typeof ENCRYPTED> =>
  readStackFile(configSchemas, ROOT, "network", "example")._unsafeUnwrap() as Record<string, string>;

const withoutCloudflare = (): Record<string, string | typeof ENCRYPTED> => {
  const { real_external_ip: _ip, cloudflare_api_token: _token, ...rest } = exampleNetwork();
  return { ...rest, public_dns_provider: "none" };
};

/** The example stack with `public_dns_provider: none` and no Cloudflare keys, as stack `nodns`. */
const noDnsRoot = (): string => {
  const root = mkdtempSync(join(tmpdir(), "homelab-nodns-"));
  cpSync(join(ROOT, "config"), join(root, "config"), { recursive: true });
  for (const layer of ["network", "storage", "auth", "apps"]) {
    const text = readFileSync(join(root, "config", layer, "Pulumi.example.yaml"), "utf8");
    const edited =
      layer === "network"
        ? text
            .split("\n")
            .filter((line) => !/:(real_external_ip|cloudflare_api_token):/.test(line))
            .concat("  homelab-network:public_dns_provider: none", "")
            .join("\n")
        : text;
    writeFileSync(join(root, "config", layer, "Pulumi.nodns.yaml"), edited);
  }
  return root;
};

const rendered = (() => {
  let cached: Promise<RenderedLayer[]> | undefined;
  return () => {
    cached ??= renderedStack("nodns", noDnsRoot());
    return cached;
  };
})();

const networkOf = async (layers: Promise<RenderedLayer[]>): Promise<RenderedLayer> => {
  const found = (await layers).find((layer) => layer.layer === "network");
  if (!found) throw new Error("no network layer");
  return found;
};

describe("public_dns_provider config", () => {
  test("cloudflare is the default and needs both Cloudflare keys, naming each", () => {
    const { real_external_ip: _ip, cloudflare_api_token: _token, ...rest } = exampleNetwork();
    const errors = parseConfig("network", rest)._unsafeUnwrapErr();
    expect(errors.map((e) => [e.where.key, e.what])).toEqual([
      ["real_external_ip", "is required when public_dns_provider is cloudflare (the default)"],
      ["cloudflare_api_token", "is required when public_dns_provider is cloudflare (the default)"],
    ]);
  });

  test("none without the Cloudflare keys is valid", () => {
    const config = parseConfig("network", withoutCloudflare())._unsafeUnwrap();
    expect(config.publicDnsProvider).toBe("none");
    expect(config.cloudflareApiToken).toBeUndefined();
  });

  test("none refuses a Cloudflare key that nothing would use, without echoing the secret", () => {
    const raw = { ...withoutCloudflare(), cloudflare_api_token: "FAKE-token-value-123" };
    const errors = parseConfig("network", raw)._unsafeUnwrapErr();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.where.key).toBe("cloudflare_api_token");
    expect(errors[0]?.what).toContain("public_dns_provider is none");
    expect(errors[0]?.fix).toContain("pulumi config rm cloudflare_api_token");
    expect(JSON.stringify(errors)).not.toContain("FAKE-token-value-123");
  });

  test("an encrypted Cloudflare key with none is refused too", () => {
    const errors = parseConfig("network", { ...withoutCloudflare(), real_external_ip: ENCRYPTED });
    expect(errors._unsafeUnwrapErr().map((e) => e.where.key)).toEqual(["real_external_ip"]);
  });

  test("an unknown provider is refused with the choices", () => {
    const errors = parseConfig("network", { ...exampleNetwork(), public_dns_provider: "route53" });
    const [error] = errors._unsafeUnwrapErr();
    expect(error?.where.key).toBe("public_dns_provider");
    expect(error?.value).toBe("route53");
    expect(`${error?.what} ${error?.fix}`).toContain("cloudflare");
  });
});

describe("public_dns_provider: none", () => {
  test("no Cloudflare resource, record, provider, Secret or external-dns release", async () => {
    const network = await networkOf(rendered());
    expect(network.documents.external).toEqual([]);
    const types = network.resources.map((resource) => resource.type);
    expect(types.filter((type) => type.startsWith("cloudflare:") || type.includes("cloudflare"))).toEqual([]);
    const releases = network.documents.helm.map((d) => d.body.name);
    expect(releases).not.toContain("external-dns-cloudflare");
    expect(releases).toContain("external-dns-pihole-primary");
    const secrets = network.documents.kubernetes.filter((d) => d.body.kind === "Secret");
    expect(secrets.map((d) => d.body.metadata.name)).not.toContain("cloudflare-api-token");
  });

  test("the wildcard certificate is self-signed; no Let's Encrypt issuer exists", async () => {
    const network = await networkOf(rendered());
    const issuers = network.documents.kubernetes.filter((d) => d.body.kind === "ClusterIssuer");
    expect(issuers.map((d) => [d.body.metadata.name, d.body.spec])).toEqual([
      ["selfsigned", { selfSigned: {} }],
    ]);
    const certificate = network.documents.kubernetes.find((d) => d.body.kind === "Certificate");
    expect((certificate?.body.spec as { issuerRef?: { name: string } } | undefined)?.issuerRef?.name).toBe(
      "selfsigned",
    );
  });

  test("public hosts are still served: the public Traefik, its IP and the later layers render", async () => {
    const layers = await rendered();
    expect(layers.map((layer) => layer.layer)).toEqual(["network", "storage", "auth", "apps"]);
    const network = await networkOf(rendered());
    const service = network.documents.kubernetes.find(
      (d) => d.body.kind === "Service" && d.body.metadata.name === "traefik-public",
    );
    expect(JSON.stringify(service?.body.metadata.annotations)).toContain('"192.168.4.70"');
  });

  test("validate passes and says what none costs", async () => {
    const { ok, lines } = await validateStack(noDnsRoot(), "nodns");
    expect(ok).toBe(true);
    const note = lines.find((line) => line.startsWith("note: network: public_dns_provider = none"));
    expect(note).toContain("published in no public DNS");
    expect(note).toContain("self-signed");
    expect((await validateStack(ROOT, "example")).lines.join("\n")).not.toContain("public_dns_provider");
  });

  test("the Cloudflare stack is unchanged by the new key", async () => {
    const network = await networkOf(renderedStack());
    expect(network.documents.external).toHaveLength(1);
    const issuers = network.documents.kubernetes.filter((d) => d.body.kind === "ClusterIssuer");
    expect(issuers.map((d) => d.body.metadata.name).sort()).toEqual([
      "letsencrypt-production",
      "letsencrypt-staging",
    ]);
  });
});
