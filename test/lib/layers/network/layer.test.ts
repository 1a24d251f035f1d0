/**
 * The network layer rendered offline from the example stack (mock runtime): each item of issue 3,
 * read back from the registered resources.
 */
import { describe, expect, test } from "bun:test";
import { ipv4Range, ipv4ToNumber } from "../../../../lib/config/ip.ts";
import { REDACTED } from "../../../../lib/pulumi/resources.ts";
import type { KubernetesObject } from "../../../../lib/render/documents.ts";
import type { RenderedLayer } from "../../../../lib/render/render.ts";
import { EXAMPLE_NETWORK } from "../../../support/contracts.ts";
import { validateObject } from "../../../support/kubernetesModels.ts";
import { metallbProblems } from "../../../support/networkCrds.ts";
import { renderedLayer, waitsFor } from "../../../support/render.ts";

const CONTROL_PLANE = {
  key: "node-role.kubernetes.io/control-plane",
  operator: "Exists",
  effect: "NoSchedule",
};
/** The example stack's secret values (config/network/Pulumi.example.yaml). */
const EXAMPLE_SECRETS = [
  "FAKE-cloudflare-api-token-0000000000000000",
  "FAKE-pihole-admin-password",
  "203.0.113.10",
];

const network = (): Promise<RenderedLayer> => renderedLayer("network");

const objects = async (kind?: string): Promise<KubernetesObject[]> =>
  (await network()).documents.kubernetes
    .map((d) => d.body)
    .filter((o) => kind === undefined || o.kind === kind);

const object = async (
  kind: string,
  namespace: string | undefined,
  name: string,
): Promise<KubernetesObject> => {
  const found = (await objects(kind)).find(
    (o) => o.metadata.name === name && o.metadata.namespace === namespace,
  );
  if (!found) throw new Error(`no ${kind} ${namespace ?? ""}/${name}`);
  return found;
};

const release = async (name: string) => {
  const found = (await network()).documents.helm.find((d) => d.body.name === name);
  if (!found) throw new Error(`no Helm release ${name}`);
  return found;
};

// biome-ignore lint/suspicious/noExplicitAny: walking rendered YAML-shaped data in assertions.
type Any = any;
const spec = (o: KubernetesObject): Any => o.spec;

const args = (values: Record<string, unknown>): string[] => (values.extraArgs as string[] | undefined) ?? [];

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(selector).every(([key, value]) => labels?.[key] === value);

describe("Helm releases", () => {
  test("seven releases, each chart pinned to the checked version and repository", async () => {
    const releases = (await network()).documents.helm.map(({ body }) => [
      body.name,
      body.namespace,
      body.chart,
      body.version,
      body.repo,
    ]);
    expect(releases.sort()).toEqual(
      [
        ["cert-manager", "cert-manager", "cert-manager", "v1.21.1", "https://charts.jetstack.io"],
        [
          "external-dns-cloudflare",
          "external-dns",
          "external-dns",
          "1.21.1",
          "https://kubernetes-sigs.github.io/external-dns/",
        ],
        [
          "external-dns-pihole-primary",
          "external-dns",
          "external-dns",
          "1.21.1",
          "https://kubernetes-sigs.github.io/external-dns/",
        ],
        [
          "external-dns-pihole-secondary",
          "external-dns",
          "external-dns",
          "1.21.1",
          "https://kubernetes-sigs.github.io/external-dns/",
        ],
        ["metallb", "metallb-system", "metallb", "0.16.1", "https://metallb.github.io/metallb"],
        ["traefik-private", "traefik-private", "traefik", "41.3.0", "https://traefik.github.io/charts"],
        ["traefik-public", "traefik-public", "traefik", "41.3.0", "https://traefik.github.io/charts"],
      ].sort(),
    );
  });

  test("every release waits for its namespace", async () => {
    const layer = await network();
    expect(layer.documents.helm.length).toBeGreaterThan(0);
    for (const { body, resource } of layer.documents.helm) {
      const ns = layer.resources.find(
        (r) =>
          r.type === "kubernetes:core/v1:Namespace" &&
          r.inputs.metadata &&
          (r.inputs.metadata as Any).name === body.namespace,
      );
      expect(ns).toBeDefined();
      expect(resource.dependsOn).toContain(ns?.urn ?? "");
    }
  });
});

describe("MetalLB", () => {
  test("L2 only: FRR-K8s and the FRR sidecar off, CRDs on", async () => {
    const { values } = (await release("metallb")).body as Any;
    expect(values.frrk8s).toEqual({ enabled: false });
    expect(values.speaker.frr).toEqual({ enabled: false });
    expect(values.crds.enabled).toBe(true);
  });

  test("speakers announce from Talos control-plane nodes and tolerate their taint", async () => {
    const { values } = (await release("metallb")).body as Any;
    expect(values.speaker.ignoreExcludeLB).toBe(true);
    expect(values.speaker.tolerateMaster).toBe(true);
    expect(values.controller.tolerations).toEqual([CONTROL_PLANE]);
  });

  test("its namespace is privileged for Talos Pod Security", async () => {
    const ns = await object("Namespace", undefined, "metallb-system");
    for (const mode of ["enforce", "audit", "warn"]) {
      expect(ns.metadata.labels?.[`pod-security.kubernetes.io/${mode}`]).toBe("privileged");
    }
  });

  test("ip_address_pool is auto-assigned; each fixed IP has its own manual pool", async () => {
    const pools = Object.fromEntries(
      (await objects("IPAddressPool")).map((o) => [o.metadata.name, [spec(o).addresses, spec(o).autoAssign]]),
    );
    expect(pools).toEqual({
      lan: [["192.168.4.80-192.168.4.100"], true],
      "public-ingress": [["192.168.4.70/32"], false],
      "private-ingress": [["192.168.4.71/32"], false],
      dns: [["192.168.4.53/32"], false],
    });
    const poolObjects = await objects("IPAddressPool");
    expect(poolObjects.length).toBeGreaterThan(0);
    for (const pool of poolObjects) expect(pool.metadata.namespace).toBe("metallb-system");
  });

  test("pools do not overlap", async () => {
    const ranges = (await objects("IPAddressPool")).flatMap((o) =>
      (spec(o).addresses as string[]).map((text) => ({
        pool: o.metadata.name,
        range: ipv4Range(text)._unsafeUnwrap(),
      })),
    );
    expect(ranges.length).toBe(4);
    for (const [i, a] of ranges.entries()) {
      for (const b of ranges.slice(i + 1)) {
        const overlap = a.range.first <= b.range.last && b.range.first <= a.range.last;
        expect(overlap ? `${a.pool} overlaps ${b.pool}` : "disjoint").toBe("disjoint");
      }
    }
  });

  test("one L2Advertisement announces every pool", async () => {
    const [advertisement, ...rest] = await objects("L2Advertisement");
    expect(rest).toEqual([]);
    const pools = (await objects("IPAddressPool")).map((o) => o.metadata.name).sort();
    expect([...spec(advertisement as KubernetesObject).ipAddressPools].sort()).toEqual(pools);
  });
});

describe("Traefik", () => {
  const instances = [
    { name: "traefik-public", ip: "192.168.4.70", policy: "Local", isDefault: "false" },
    { name: "traefik-private", ip: "192.168.4.71", policy: "Cluster", isDefault: "true" },
  ] as const;

  for (const instance of instances) {
    describe(instance.name, () => {
      test("its own namespace, release and IngressClass", async () => {
        await object("Namespace", undefined, instance.name);
        const { body } = await release(instance.name);
        expect(body.namespace).toBe(instance.name);
        const ingressClass = await object("IngressClass", undefined, instance.name);
        expect(spec(ingressClass).controller).toBe("traefik.io/ingress-controller");
        expect(ingressClass.metadata.annotations?.["ingressclass.kubernetes.io/is-default-class"]).toBe(
          instance.isDefault,
        );
        const values = body.values as Any;
        // The chart must not create a second class or a second Service.
        expect(values.ingressClass).toEqual({ enabled: false });
        expect(values.service).toEqual({ enabled: false });
      });

      test("serves only its own class, for Ingresses and IngressRoutes", async () => {
        const providers = ((await release(instance.name)).body.values as Any).providers;
        expect(providers.kubernetesIngress.ingressClass).toBe(instance.name);
        expect(providers.kubernetesCRD.ingressClass).toBe(instance.name);
        expect(providers.kubernetesCRD.allowCrossNamespace).toBe(false);
      });

      test("LoadBalancer Service on its fixed IP through the MetalLB annotation", async () => {
        const service = await object("Service", instance.name, instance.name);
        expect(service.metadata.annotations?.["metallb.io/loadBalancerIPs"]).toBe(instance.ip);
        expect(spec(service).type).toBe("LoadBalancer");
        expect(spec(service).externalTrafficPolicy).toBe(instance.policy);
        expect(spec(service).ports).toEqual([
          { name: "web", port: 80, targetPort: "web", protocol: "TCP" },
          { name: "websecure", port: 443, targetPort: "websecure", protocol: "TCP" },
        ]);
        // The chart labels its pods name=traefik, instance=<release>-<namespace>.
        expect(spec(service).selector).toEqual({
          "app.kubernetes.io/name": "traefik",
          "app.kubernetes.io/instance": `${instance.name}-${instance.name}`,
        });
        // Ingress status (read by external-dns) comes from this Service.
        const values = (await release(instance.name)).body.values as Any;
        expect(values.providers.kubernetesIngress.publishedService).toEqual({
          enabled: true,
          pathOverride: `${instance.name}/${instance.name}`,
        });
      });

      test("HTTP redirects permanently to HTTPS", async () => {
        const { ports } = (await release(instance.name)).body.values as Any;
        expect(ports.web.http.redirections.entryPoint).toEqual({
          to: "websecure",
          scheme: "https",
          permanent: true,
        });
        expect(ports.websecure.http.tls.enabled).toBe(true);
      });

      test("the dashboard is not exposed", async () => {
        const values = (await release(instance.name)).body.values as Any;
        expect(values.ingressRoute.dashboard.enabled).toBe(false);
        expect(values.ports.traefik).toBeUndefined();
        const service = await object("Service", instance.name, instance.name);
        expect((spec(service).ports as { port: number }[]).map((p) => p.port)).not.toContain(8080);
      });

      test("only the TLSStore next to the wildcard certificate counts as default", async () => {
        const values = (await release(instance.name)).body.values as Any;
        expect(values.providers.kubernetesCRD.defaultTLSResourcesNamespace).toBe("traefik-public");
        expect(values.tlsStore).toEqual({});
      });
    });
  }

  test("client IPs are preserved on the public instance only", async () => {
    expect(spec(await object("Service", "traefik-public", "traefik-public")).externalTrafficPolicy).toBe(
      "Local",
    );
  });

  test("the public release owns Traefik's CRDs; the private one skips them and comes after", async () => {
    const pub = await release("traefik-public");
    const priv = await release("traefik-private");
    expect(pub.resource.inputs.skipCrds).toBeUndefined();
    expect(priv.resource.inputs.skipCrds).toBe(true);
    expect(priv.resource.dependsOn).toContain(pub.resource.urn);
  });

  test("one default TLSStore serves the wildcard certificate to both instances", async () => {
    const stores = await objects("TLSStore");
    expect(stores.map((s) => [s.metadata.namespace, s.metadata.name])).toEqual([
      ["traefik-public", "default"],
    ]);
    const certificate = await object("Certificate", "traefik-public", "wildcard");
    expect(spec(stores[0] as KubernetesObject).defaultCertificate).toEqual({
      secretName: spec(certificate).secretName,
    });
  });
});

describe("cert-manager", () => {
  test("pinned chart with CRDs and DNS-01 self-checks against public resolvers only", async () => {
    const { values } = (await release("cert-manager")).body as Any;
    expect(values.crds.enabled).toBe(true);
    expect(values.dns01RecursiveNameservers).toBe("1.1.1.1:53,1.0.0.1:53");
    expect(values.dns01RecursiveNameserversOnly).toBe(true);
  });

  test("the Cloudflare token is a Secret in cert-manager's namespace, redacted in the render", async () => {
    const secret = await object("Secret", "cert-manager", "cloudflare-api-token");
    expect(secret.stringData).toEqual({ "api-token": REDACTED });
  });

  for (const [name, server] of [
    ["letsencrypt-staging", "https://acme-staging-v02.api.letsencrypt.org/directory"],
    ["letsencrypt-production", "https://acme-v02.api.letsencrypt.org/directory"],
  ] as const) {
    test(`ClusterIssuer ${name} solves DNS-01 with Cloudflare`, async () => {
      const acme = spec(await object("ClusterIssuer", undefined, name)).acme;
      expect(acme.server).toBe(server);
      expect(acme.email).toBe("admin@example.com");
      expect(acme.privateKeySecretRef).toEqual({ name: `${name}-account-key` });
      expect(acme.solvers).toEqual([
        {
          selector: { dnsZones: ["example.com"] },
          dns01: { cloudflare: { apiTokenSecretRef: { name: "cloudflare-api-token", key: "api-token" } } },
        },
      ]);
    });
  }

  test("the wildcard certificate covers *.<domain> and <domain> from the configured issuer", async () => {
    const certificate = spec(await object("Certificate", "traefik-public", "wildcard"));
    expect(certificate.dnsNames).toEqual(["*.example.com", "example.com"]);
    expect(certificate.secretName).toBe("wildcard-tls");
    expect(certificate.issuerRef).toEqual({
      name: "letsencrypt-production",
      kind: "ClusterIssuer",
      group: "cert-manager.io",
    });
  });
});

describe("Cloudflare", () => {
  test("exactly one record: <external_record>.<domain> = real_external_ip (redacted) in the looked-up zone", async () => {
    const external = (await network()).documents.external;
    expect(external.map((d) => d.body)).toEqual([
      {
        // The record's own `type` and `name` inputs win over the resource's in the rendered body.
        type: "A",
        name: "external.example.com",
        content: REDACTED,
        ttl: 1,
        proxied: false,
        comment:
          "Router public IP; public hosts are CNAMEs of this record (managed by Pulumi, homelab-network)",
      },
    ]);
    expect(external[0]?.resource.type).toBe("cloudflare:index/dnsRecord:DnsRecord");
    expect(external[0]?.resource.name).toBe("external-record");
    expect(external[0]?.resource.lookups).toEqual({ zoneId: "the id of the Cloudflare zone example.com" });
  });

  test("only public hosts reach Cloudflare", async () => {
    const layer = await network();
    const cloudflareReleases = layer.documents.helm.filter(
      (d) => (d.body.values as Any).provider?.name === "cloudflare",
    );
    expect(cloudflareReleases.map((d) => d.body.name)).toEqual(["external-dns-cloudflare"]);
    const values = cloudflareReleases[0]?.body.values as Any;
    expect(values.sources).toEqual(["ingress"]);
    const classes = args(values).filter((a) => a.startsWith("--ingress-class="));
    expect(classes).toEqual(["--ingress-class=traefik-public"]);
    expect(JSON.stringify(values)).not.toContain("traefik-private");
    // Public hosts are published against the external record, never with a LAN address.
    expect(args(values)).toContain("--default-targets=external.example.com");
    expect(args(values)).toContain("--force-default-targets");
    // Nothing else is written to Cloudflare by this layer.
    expect(layer.documents.external.map((d) => d.resource.type)).toEqual([
      "cloudflare:index/dnsRecord:DnsRecord",
    ]);
  });
});

describe("external-dns", () => {
  test("Cloudflare: txt registry, owner id, domain filter, explicit policy, token from the Secret", async () => {
    const values = (await release("external-dns-cloudflare")).body.values as Any;
    expect(values.provider).toEqual({ name: "cloudflare" });
    expect(values.registry).toBe("txt");
    expect(values.txtOwnerId).toBe("homelab-network");
    expect(values.domainFilters).toEqual(["example.com"]);
    expect(values.policy).toBe("sync");
    expect(values.env).toEqual([
      {
        name: "CF_API_TOKEN",
        valueFrom: { secretKeyRef: { name: "cloudflare-api-token", key: "api-token" } },
      },
    ]);
    const secret = await object("Secret", "external-dns", "cloudflare-api-token");
    expect(Object.keys(secret.stringData as object)).toEqual(["api-token"]);
  });

  for (const [instance, service] of [
    ["primary", "pihole-primary"],
    ["secondary", "pihole-secondary"],
  ] as const) {
    test(`Pi-hole ${instance}: both classes, noop registry, sync, API v6, password from the Secret`, async () => {
      const values = (await release(`external-dns-pihole-${instance}`)).body.values as Any;
      expect(values.provider).toEqual({ name: "pihole" });
      expect(values.registry).toBe("noop");
      // A removed host's record goes at the next sync (upsert-only would keep it until a restart).
      expect(values.policy).toBe("sync");
      expect(values.domainFilters).toEqual(["example.com"]);
      // Its own annotation prefix: the Cloudflare `target` of public Ingresses must not reach the LAN.
      expect(values.annotationPrefix).toBe("pihole.external-dns.alpha.kubernetes.io/");
      expect(args(values)).toEqual([
        "--ingress-class=traefik-public",
        "--ingress-class=traefik-private",
        `--pihole-server=http://${service}.pihole.svc.cluster.local`,
        "--pihole-api-version=6",
      ]);
      expect(values.env).toEqual([
        {
          name: "EXTERNAL_DNS_PIHOLE_PASSWORD",
          valueFrom: { secretKeyRef: { name: "pihole-admin-password", key: "password" } },
        },
      ]);
      // The server is this Pi-hole's own web Service.
      const web = await object("Service", "pihole", service);
      expect(spec(web).selector["app.kubernetes.io/name"]).toBe(`pihole-${instance}`);
      await object("Secret", "external-dns", "pihole-admin-password");
    });
  }

  test("the two Pi-hole instances write to different Pi-holes, so both hold the local records", async () => {
    const servers = await Promise.all(
      ["primary", "secondary"].map(async (i) =>
        args((await release(`external-dns-pihole-${i}`)).body.values as Any).find((a) =>
          a.startsWith("--pihole-server="),
        ),
      ),
    );
    expect(new Set(servers).size).toBe(2);
  });
});

describe("Pi-hole", () => {
  const deployments = async () =>
    Promise.all(["pihole-primary", "pihole-secondary"].map((name) => object("Deployment", "pihole", name)));
  const container = (d: KubernetesObject): Any => spec(d).template.spec.containers[0];

  test("primary and secondary run the pinned image with the same settings", async () => {
    const [primary, secondary] = (await deployments()) as [KubernetesObject, KubernetesObject];
    expect(container(primary).image).toBe("docker.io/pihole/pihole:2026.07.2");
    expect(container(primary).env).toEqual([
      { name: "FTLCONF_dns_upstreams", value: "1.1.1.1;1.0.0.1" },
      { name: "FTLCONF_dns_listeningMode", value: "ALL" },
      // The admin UI answers at `/` only for this host: the one the auth layer routes.
      { name: "FTLCONF_webserver_domain", value: "pihole.example.com" },
      {
        name: "FTLCONF_webserver_api_password",
        valueFrom: { secretKeyRef: { name: "pihole-primary-secrets", key: "password" } },
      },
    ]);
    // Each Pi-hole is an app with its own Secret holding the same password.
    expect(JSON.stringify(container(secondary).env)).toEqual(
      JSON.stringify(container(primary).env).replace("pihole-primary-secrets", "pihole-secondary-secrets"),
    );
    expect(container(secondary).image).toBe(container(primary).image);
    await object("Secret", "pihole", "pihole-primary-secrets");
    await object("Secret", "pihole", "pihole-secondary-secrets");
  });

  test("capabilities: all dropped, the runtime's default set less NET_RAW added back; the namespace stays baseline", async () => {
    for (const deployment of await deployments()) {
      const context = container(deployment).securityContext;
      expect(context.capabilities.drop).toEqual(["ALL"]);
      expect(context.capabilities.add).toContain("NET_BIND_SERVICE");
      expect(context.capabilities.add).not.toContain("NET_RAW");
      // setcap file capabilities hand FTL its rights: that needs privilege escalation.
      expect(context.allowPrivilegeEscalation).toBe(true);
    }
    const ns = await object("Namespace", undefined, "pihole");
    expect(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("baseline");
  });

  test("keep no volume: /etc/pihole is an emptyDir, so LAN DNS waits for no storage class", async () => {
    for (const deployment of await deployments()) {
      expect(spec(deployment).template.spec.volumes).toEqual([
        { name: "config", emptyDir: { sizeLimit: "1Gi" } },
      ]);
      expect(container(deployment).volumeMounts).toEqual([{ name: "config", mountPath: "/etc/pihole" }]);
      // Awaited like any Deployment: nothing it needs comes from a later layer.
      expect(deployment.metadata.annotations?.["pulumi.com/skipAwait"]).toBeUndefined();
    }
    expect((await objects()).filter((o) => o.kind === "PersistentVolumeClaim")).toEqual([]);
  });

  test("both Pi-holes serve DNS on TCP and UDP 53 behind dns_server_ip", async () => {
    const service = await object("Service", "pihole", "pihole-dns");
    expect(service.metadata.annotations?.["metallb.io/loadBalancerIPs"]).toBe("192.168.4.53");
    expect(spec(service).type).toBe("LoadBalancer");
    const ports = spec(service).ports as { port: number; protocol: string; targetPort: string }[];
    expect(ports.map((p) => [p.port, p.protocol]).sort()).toEqual([
      [53, "TCP"],
      [53, "UDP"],
    ]);
    for (const deployment of await deployments()) {
      expect(matches(spec(service).selector, spec(deployment).template.metadata.labels)).toBe(true);
      const named = (
        container(deployment).ports as { name: string; containerPort: number; protocol: string }[]
      ).filter((p) => ports.some((sp) => sp.targetPort === p.name));
      expect(named.map((p) => [p.containerPort, p.protocol]).sort()).toEqual([
        [53, "TCP"],
        [53, "UDP"],
      ]);
    }
    // No other Service of the layer selects the Pi-holes' DNS.
    expect((await objects("Service")).filter((s) => spec(s).type === "LoadBalancer").length).toBe(3);
  });

  test("the admin UI is a ClusterIP Service named as the contract says, port 80", async () => {
    const { outputs } = await network();
    const web = await object(
      "Service",
      outputs.piholeNamespace as string,
      outputs.piholeWebService as string,
    );
    expect(spec(web).type).toBe("ClusterIP");
    expect(spec(web).ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    const [primary] = await deployments();
    expect(matches(spec(web).selector, spec(primary as KubernetesObject).template.metadata.labels)).toBe(
      true,
    );
  });
});

describe("Pi-hole on day two: a restart, a drain, a removed host", () => {
  const deployments = async () =>
    Promise.all(["pihole-primary", "pihole-secondary"].map((name) => object("Deployment", "pihole", name)));
  const probes = (d: KubernetesObject): Any => spec(d).template.spec.containers[0];

  test("an instance is Ready only once it answers dns.<domain> with dns_server_ip itself; alive on TCP 53", async () => {
    for (const deployment of await deployments()) {
      const container = probes(deployment);
      expect(container.readinessProbe.exec.command).toEqual([
        "sh",
        "-c",
        "dig +short +norecurse +retry=0 +time=2 @127.0.0.1 dns.example.com A | grep -qxF 192.168.4.53",
      ]);
      expect(container.readinessProbe.tcpSocket).toBeUndefined();
      // A Pi-hole whose external-dns is down keeps running: only readiness waits for the records.
      expect(container.livenessProbe.tcpSocket).toEqual({ port: "dns-tcp" });
      expect(container.startupProbe.tcpSocket).toEqual({ port: "dns-tcp" });
    }
  });

  test("the record it waits for is published from the DNS Service by its own external-dns", async () => {
    const service = await object("Service", "pihole", "pihole-dns");
    expect(service.metadata.annotations?.["pihole.external-dns.alpha.kubernetes.io/hostname"]).toBe(
      "dns.example.com",
    );
    for (const instance of ["primary", "secondary"]) {
      const values = (await release(`external-dns-pihole-${instance}`)).body.values as Any;
      expect(values.sources).toContain("service");
      expect(values.annotationPrefix).toBe("pihole.external-dns.alpha.kubernetes.io/");
      // Back within 15 s of a restart instead of the chart's 1m.
      expect(values.interval).toBe("15s");
    }
    expect((await network()).outputs.dnsServerHost).toBe("dns.example.com");
  });

  test("no deadlock: external-dns reaches its Pi-hole before it is Ready and does not wait for it", async () => {
    for (const instance of ["primary", "secondary"]) {
      const web = await object("Service", "pihole", `pihole-${instance}`);
      expect(spec(web).publishNotReadyAddresses).toBe(true);
      const after = (await release(`external-dns-pihole-${instance}`)).resource.dependsOn;
      expect(after.length).toBeGreaterThan(0);
      expect(after.filter((urn) => urn.includes("pihole/"))).toEqual([]);
    }
    // The LAN's Service takes only Ready instances.
    expect(spec(await object("Service", "pihole", "pihole-dns")).publishNotReadyAddresses).toBeUndefined();
  });

  test("a rollout starts the new pod before it stops the old one (RollingUpdate of one replica)", async () => {
    for (const deployment of await deployments()) {
      expect(spec(deployment).replicas).toBe(1);
      // maxUnavailable 25% of one pod rounds down to 0, maxSurge up to 1 (the Kubernetes defaults).
      expect(spec(deployment).strategy).toEqual({ type: "RollingUpdate" });
    }
  });

  test("never both down for a drain: a disruption budget keeps one of the two Ready", async () => {
    const budget = await object("PodDisruptionBudget", "pihole", "pihole-dns");
    expect(spec(budget).minAvailable).toBe(1);
    for (const deployment of await deployments())
      expect(matches(spec(budget).selector.matchLabels, spec(deployment).template.metadata.labels)).toBe(
        true,
      );
  });

  test("client addresses reach Pi-hole (externalTrafficPolicy Local), so its rate limit is per device", async () => {
    expect(spec(await object("Service", "pihole", "pihole-dns")).externalTrafficPolicy).toBe("Local");
    for (const deployment of await deployments()) {
      const env = probes(deployment).env as { name: string }[];
      // FTL's default limit (1,000 queries per client in 60 s) is kept: it now means one device.
      expect(env.some((e) => e.name.startsWith("FTLCONF_dns_rateLimit"))).toBe(false);
    }
  });
});

describe("secrets", () => {
  test("no secret in plaintext outside Secret objects: files, outputs, Helm values", async () => {
    const layer = await network();
    const texts = [
      ...Object.values(layer.files),
      JSON.stringify(layer.outputs),
      JSON.stringify(layer.resources),
    ];
    for (const secret of EXAMPLE_SECRETS) for (const text of texts) expect(text.includes(secret)).toBe(false);
  });

  test("secret values reach pods only through secretKeyRef", async () => {
    const layer = await network();
    const envs: Any[] = [
      ...(await objects("Deployment")).flatMap((d) =>
        spec(d).template.spec.containers.flatMap((c: Any) => c.env ?? []),
      ),
      ...layer.documents.helm.flatMap((d) => ((d.body.values as Any).env as Any[] | undefined) ?? []),
    ];
    const sensitive = envs.filter((e) => /PASSWORD|TOKEN|SECRET/i.test(e.name));
    expect(sensitive.length).toBe(5);
    for (const env of sensitive) {
      expect(env.value).toBeUndefined();
      expect(Object.keys(env.valueFrom)).toEqual(["secretKeyRef"]);
    }
    const secrets = await objects("Secret");
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(Object.keys(secret.stringData as Record<string, string>).length).toBeGreaterThan(0);
      for (const value of Object.values(secret.stringData as Record<string, string>))
        expect(value).toBe(REDACTED);
    }
  });

  test("every secretKeyRef names a Secret and key of this layer in the same namespace", async () => {
    const layer = await network();
    const secrets = await objects("Secret");
    const refs: [string, Any][] = [
      ...(await objects("Deployment")).flatMap((d) =>
        spec(d).template.spec.containers.flatMap((c: Any) =>
          (c.env ?? []).map((e: Any) => [d.metadata.namespace, e]),
        ),
      ),
      ...layer.documents.helm.flatMap((d) =>
        (((d.body.values as Any).env as Any[]) ?? []).map((e) => [d.body.namespace, e]),
      ),
    ].filter(([, e]) => e.valueFrom?.secretKeyRef) as [string, Any][];
    expect(refs.length).toBe(5);
    for (const [namespace, env] of refs) {
      const { name, key } = env.valueFrom.secretKeyRef;
      const secret = secrets.find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
      expect(secret ? `${namespace}/${name}` : `missing ${namespace}/${name}`).toBe(`${namespace}/${name}`);
      expect(Object.keys(secret?.stringData as object)).toContain(key);
    }
  });
});

describe("dependencies and validation", () => {
  const CRD_OWNERS: Record<string, string> = {
    "metallb.io": "metallb",
    "cert-manager.io": "cert-manager",
    "traefik.io": "traefik-public",
  };

  test("every custom resource comes after the chart that installs its CRD", async () => {
    const layer = await network();
    const custom = layer.documents.kubernetes.filter(
      ({ body }) => body.apiVersion.includes(".") && !body.apiVersion.includes("k8s.io/"),
    );
    // 4 IPAddressPools, 1 L2Advertisement, 2 ClusterIssuers, 1 Certificate, 1 TLSStore (the
    // webhook gates' probes are only dry-run, never created).
    expect(custom.length).toBe(9);
    for (const { body, resource } of custom) {
      const owner = CRD_OWNERS[body.apiVersion.split("/")[0] ?? ""];
      expect(owner).toBeDefined();
      const chart = layer.documents.helm.find((d) => d.body.name === owner);
      expect(waitsFor(layer, resource.urn)).toContain(chart?.resource.urn ?? `no chart ${owner}`);
    }
  });

  test("every rendered object validates (kubernetes-models, or the MetalLB CRD structure)", async () => {
    const results = await Promise.all(
      (await objects()).map(async (o) => {
        const validation = await validateObject(o);
        if (validation.status === "no-model") {
          expect(o.apiVersion).toBe("metallb.io/v1beta1");
          const problems = metallbProblems(o);
          return problems.length === 0 ? "valid" : `${o.kind} ${o.metadata.name}: ${problems.join("; ")}`;
        }
        return validation.status === "valid"
          ? "valid"
          : `${o.kind} ${o.metadata.name}: ${validation.message}`;
      }),
    );
    expect(results.filter((r) => r !== "valid")).toEqual([]);
    // 30 objects, and five for each of the two webhook gates.
    expect(results.length).toBe(40);
  });

  test("the MetalLB structural check rejects what the CRD rejects", () => {
    const pool = {
      apiVersion: "metallb.io/v1beta1",
      kind: "IPAddressPool",
      metadata: { name: "x", namespace: "metallb-system" },
    };
    expect(metallbProblems({ ...pool, spec: { addresses: ["192.168.4.80-192.168.4.100"] } })).toEqual([]);
    expect(metallbProblems({ ...pool, spec: {} })).toContain("spec.addresses is required");
    expect(metallbProblems({ ...pool, spec: { addresses: ["10.0.0.1/33"] } }).length).toBe(1);
    expect(metallbProblems({ ...pool, spec: { addresses: ["10.0.0.0/24"], autoassign: true } })).toEqual([
      "spec.autoassign is not a field of the CRD",
    ]);
  });

  test("workloads tolerate the control-plane taint", async () => {
    const layer = await network();
    const workloads = await objects("Deployment");
    expect(workloads.length).toBeGreaterThan(0);
    for (const d of workloads) expect(spec(d).template.spec.tolerations).toEqual([CONTROL_PLANE]);
    const charts = layer.documents.helm.filter(
      (d) => d.body.chart !== "metallb" && d.body.chart !== "cert-manager",
    );
    expect(charts.length).toBeGreaterThan(0);
    for (const { body } of charts) {
      expect((body.values as Any).tolerations).toEqual([CONTROL_PLANE]);
    }
    const certManager = (await release("cert-manager")).body.values as Any;
    for (const t of [
      certManager.tolerations,
      certManager.webhook.tolerations,
      certManager.cainjector.tolerations,
    ]) {
      expect(t).toEqual([CONTROL_PLANE]);
    }
  });
});

describe("contract exports", () => {
  test("the values the next layers read", async () => {
    expect((await network()).outputs).toEqual(EXAMPLE_NETWORK);
  });

  test("every exported name is the name of an object this layer creates", async () => {
    const out = (await network()).outputs as Record<string, string>;
    for (const key of ["publicTraefikNamespace", "privateTraefikNamespace", "piholeNamespace"]) {
      await object("Namespace", undefined, out[key] as string);
    }
    for (const key of ["publicIngressClass", "privateIngressClass"])
      await object("IngressClass", undefined, out[key] as string);
    for (const key of ["productionIssuer", "stagingIssuer"])
      await object("ClusterIssuer", undefined, out[key] as string);
    await object("Service", out.piholeNamespace, out.piholeWebService as string);
    const [namespace, secretName] = (out.wildcardCertificateSecret as string).split("/");
    const certificates = (await objects("Certificate")).filter((c) => c.metadata.namespace === namespace);
    expect(certificates.map((c) => spec(c).secretName)).toEqual([secretName]);
    const lbIp = async (ns: string, name: string) =>
      (await object("Service", ns, name)).metadata.annotations?.["metallb.io/loadBalancerIPs"];
    expect(await lbIp(out.publicTraefikNamespace as string, "traefik-public")).toBe(out.publicIngressIp);
    expect(await lbIp(out.privateTraefikNamespace as string, "traefik-private")).toBe(out.privateIngressIp);
    expect(await lbIp(out.piholeNamespace as string, "pihole-dns")).toBe(out.dnsServerIp);
    const record = (await network()).documents.external[0]?.resource.inputs as Any;
    expect(record.name).toBe(out.externalHostname);
    expect(ipv4ToNumber(out.dnsServerIp as string)).toBeDefined();
  });
});
