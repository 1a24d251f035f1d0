/** The network layer's pure builders, and the program's zone lookup under the mock runtime. */
import { describe, expect, test } from "bun:test";
import type { RawConfig } from "../../../../lib/config/schema.ts";
import { readStackFile } from "../../../../lib/config/stackFile.ts";
import { orderPlan, valueAt } from "../../../../lib/core/plan.ts";
import { pickZone } from "../../../../lib/layers/network/cloudflare.ts";
import type { NetworkConfig } from "../../../../lib/layers/network/config.ts";
import { piholeExternalDnsValues } from "../../../../lib/layers/network/externalDns.ts";
import { networkExports, networkLayer, networkPlan } from "../../../../lib/layers/network/layer.ts";
import { poolOptions } from "../../../../lib/layers/network/metallb.ts";
import { traefikInstances, traefikValues } from "../../../../lib/layers/network/traefik.ts";
import { runLayer } from "../../../../lib/pulumi/program.ts";
import { configSchemas, parseConfig } from "../../../../programs/layers.ts";
import { cloudflareRecords } from "../../../../programs/network/cloudflare.ts";
import { runUnderMocks } from "../../../support/mockRuntime.ts";
import { offlineInvokes } from "../../../support/offlineInvokes.ts";
import { ROOT, TEST_RUN } from "../../../support/render.ts";

const exampleRaw = (): RawConfig => readStackFile(configSchemas, ROOT, "network", "example")._unsafeUnwrap();
const configOf = (overrides: Record<string, string> = {}): NetworkConfig =>
  parseConfig("network", { ...exampleRaw(), ...overrides })._unsafeUnwrap() as NetworkConfig;

describe("Cloudflare zone lookup", () => {
  test("picks the zone named exactly like the domain", () => {
    const zones = [
      { id: "a", name: "example.org" },
      { id: "b", name: "Example.com" },
    ];
    expect(pickZone("example.com", zones)._unsafeUnwrap().id).toBe("b");
  });

  test("a missing zone is a problem at the domain, naming the token, what it sees and the fix", () => {
    const missing = pickZone("example.com", [{ id: "a", name: "other.org" }])._unsafeUnwrapErr();
    expect(missing.where).toEqual({ layer: "network", key: "domain" });
    expect(missing.value).toBe("example.com");
    expect(missing.what).toBe("is not a Cloudflare zone cloudflare_api_token can see (it sees: other.org)");
    expect(missing.fix).toContain("Zone:Zone:Read and Zone:DNS:Edit on example.com");
    expect(pickZone("example.com", [])._unsafeUnwrapErr().what).toContain("it sees no zone with that name");
  });

  test("the program fails with that message, before registering any resource", async () => {
    const run = runUnderMocks(
      {
        project: "homelab-network",
        stack: "zoneless",
        stackReference: () => undefined,
        invokes: {
          "cloudflare:index/getZones:getZones": () => ({ results: [{ id: "z", name: "other.org" }] }),
        },
      },
      () =>
        runLayer(
          networkLayer,
          exampleRaw(),
          { stack: "zoneless", organization: "organization" },
          { schemas: configSchemas, run: TEST_RUN, external: cloudflareRecords },
        ),
    );
    await expect(run).rejects.toThrow(
      'network: domain = "example.com" is not a Cloudflare zone cloudflare_api_token can see (it sees: other.org).',
    );
  });

  test("the offline render answers the lookup with the zone asked for", () => {
    const answer = offlineInvokes["cloudflare:index/getZones:getZones"]?.({ name: "example.net" });
    expect(answer?.results).toEqual([expect.objectContaining({ name: "example.net", status: "active" })]);
  });
});

describe("plan", () => {
  test("ids are unique and every dependency names an item of the plan", () => {
    expect(orderPlan(networkPlan(configOf())._unsafeUnwrap()).isOk()).toBe(true);
  });

  test("nothing is stateful: Pi-hole's state is declared, not stored", () => {
    const plan = networkPlan(configOf())._unsafeUnwrap();
    expect([...plan.objects, ...plan.releases].filter((o) => o.stateful)).toEqual([]);
  });

  test("letsencrypt_environment=staging issues the wildcard certificate from the staging issuer", () => {
    const certificate = networkPlan(configOf({ letsencrypt_environment: "staging" }))
      ._unsafeUnwrap()
      .objects.find((o) => o.object.kind === "Certificate");
    if (!certificate) throw new Error("no Certificate in the plan");
    expect(valueAt(certificate.object, "spec.issuerRef.name")).toBe("letsencrypt-staging");
    expect(certificate.after).toContain("clusterissuer/cluster/letsencrypt-staging");
  });

  test("IPs, domain and upstreams follow the config", () => {
    const config = configOf({
      domain: "home.example.net",
      ip_address_pool: "10.0.10.128/26",
      public_ingress_ip: "10.0.10.100",
      private_ingress_ip: "10.0.10.101",
      dns_server_ip: "10.0.10.253",
      external_record: "wan",
      pihole_upstream_dns: "9.9.9.9,149.112.112.112",
    });
    expect(poolOptions(config).map((p) => [p.name, p.addresses[0], p.autoAssign])).toEqual([
      ["lan", "10.0.10.128/26", true],
      ["public-ingress", "10.0.10.100/32", false],
      ["private-ingress", "10.0.10.101/32", false],
      ["dns", "10.0.10.253/32", false],
    ]);
    const exports = networkExports(config);
    expect(exports.externalHostname).toBe("wan.home.example.net");
    expect([exports.publicIngressIp, exports.privateIngressIp, exports.dnsServerIp]).toEqual([
      "10.0.10.100",
      "10.0.10.101",
      "10.0.10.253",
    ]);
    const plan = networkPlan(config)._unsafeUnwrap();
    const deployment = plan.objects.find((o) => o.object.kind === "Deployment");
    if (!deployment) throw new Error("no Deployment in the plan");
    const env = (
      deployment.object as {
        spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
      }
    ).spec.template.spec.containers[0]?.env;
    expect(env?.find((e) => e.name === "FTLCONF_dns_upstreams")?.value).toBe("9.9.9.9;149.112.112.112");
    const cloudflare = plan.releases.find((r) => r.name === "external-dns-cloudflare");
    expect(cloudflare?.values.extraArgs).toContain("--default-targets=wan.home.example.net");
    expect(cloudflare?.values.domainFilters).toEqual(["home.example.net"]);
  });

  test("the two Traefik instances never share a class, namespace or IP", () => {
    const [pub, priv] = traefikInstances(configOf());
    expect(pub?.ingressClass).not.toBe(priv?.ingressClass);
    expect(pub?.namespace).not.toBe(priv?.namespace);
    expect(pub?.ip).not.toBe(priv?.ip);
    for (const instance of [pub, priv]) {
      const values = traefikValues(instance as NonNullable<typeof pub>) as {
        providers: { kubernetesIngress: { ingressClass: string } };
      };
      expect(values.providers.kubernetesIngress.ingressClass).toBe(instance?.ingressClass as string);
    }
  });

  test("external-dns flags fit the pinned app v0.21.0", () => {
    const args = piholeExternalDnsValues(configOf(), "primary").extraArgs as string[];
    // v0.21.0 defaults to the Pi-hole v5 API; Pi-hole 2026.x only speaks v6.
    expect(args).toContain("--pihole-api-version=6");
    for (const arg of args) expect(arg).toMatch(/^--(ingress-class|pihole-server|pihole-api-version)=/);
  });
});
