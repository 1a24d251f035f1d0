/** The builders platform services needed (Pocket ID, Tinyauth, Pi-hole), their rules and their render. */

import { describe, expect, test } from "bun:test";
import {
  type AppSpec,
  addCapabilities,
  allowPrivilegeEscalation,
  allowRunAsRoot,
  app,
  pipe,
  preferNodesApartFrom,
  withAuth,
  withClusterReadAccess,
  withEmptyDir,
  withLoadBalancer,
  withLonghornVolume,
  withNamespace,
  withPorts,
  withPrivateIngress,
  withProbes,
  withPublicIngress,
  withReadOnlyRootFilesystem,
  withSecretEnv,
} from "../../../lib/app/index.ts";
import { mergeAppObjects } from "../../../lib/app/merge.ts";
import { renderPlatformApps } from "../../../lib/app/platform.ts";
import { type KubeObject, podSecurityLevel, renderApp } from "../../../lib/app/render.ts";
import { NO_APP_SECRETS } from "../../../lib/app/secrets.ts";
import { validateApp } from "../../../lib/app/validate.ts";
import { secret } from "../../../lib/config/secret.ts";
import { CONTRACTS, one, specOf } from "../../support/apps.ts";
import { validateObject } from "../../support/kubernetesModels.ts";

const base = () => app("web", { image: "traefik/whoami:v1.11.0", port: 8080 });
const messages = (spec: AppSpec) => validateApp(spec).map((p) => `${p.where.part}: ${p.what}`);
const objectsOf = (spec: AppSpec): KubeObject[] =>
  renderApp(spec, CONTRACTS, NO_APP_SECRETS)
    ._unsafeUnwrap()
    .map((o) => o.object);
const pod = (objects: KubeObject[]) => specOf(one(objects, "Deployment")).template.spec;

/** A DNS server the way Pi-hole is one: two apps in one namespace behind one fixed IP. */
const dns = (name: string) =>
  pipe(
    app(name, { image: "docker.io/pihole/pihole:2026.07.2", port: 80 }),
    withNamespace("dns"),
    withPorts([
      { name: "dns-tcp", port: 53 },
      { name: "dns-udp", port: 53, protocol: "UDP" },
    ]),
    withProbes({ tcpPort: "dns-tcp" }),
    withEmptyDir({ name: "config", mountPath: "/etc/pihole", sizeLimit: "1Gi" }),
    withLoadBalancer({ name: "dns", ip: "192.168.4.53", pool: "dns", ports: ["dns-tcp", "dns-udp"] }),
    preferNodesApartFrom("dns-a", "dns-b"),
  );

describe("builders record what was asked", () => {
  test("ports default to TCP; emptyDirs to 64Mi; a read-only root to a 64Mi /tmp", () => {
    const spec = pipe(
      base(),
      withPorts([{ name: "metrics", port: 9090 }]),
      withEmptyDir({ name: "cache", mountPath: "/cache" }),
      withReadOnlyRootFilesystem(),
    );
    expect(spec.ports).toEqual([{ name: "metrics", port: 9090, protocol: "TCP" }]);
    expect(spec.emptyDirs).toEqual([{ name: "cache", mountPath: "/cache", sizeLimit: "64Mi" }]);
    expect(spec.readOnlyRoot).toEqual({ tmpSize: "64Mi" });
  });

  test("a load balancer defaults to the Cluster traffic policy; applying one twice is a conflict", () => {
    const lb = withLoadBalancer({ name: "dns", ip: "192.168.4.53", pool: "dns", ports: ["x"] });
    expect(lb(base()).loadBalancer?.externalTrafficPolicy).toBe("Cluster");
    expect(lb(lb(base())).conflicts).toEqual(["withLoadBalancer is applied more than once"]);
    expect(withNamespace("a")(withNamespace("b")(base())).conflicts).toEqual([
      "withNamespace is applied more than once",
    ]);
  });
});

describe("a load balancer that survives restarts and drains", () => {
  const balanced = (name: string) =>
    pipe(
      app(name, { image: "docker.io/pihole/pihole:2026.07.2", port: 80 }),
      withNamespace("dns"),
      withPorts([{ name: "dns-udp", port: 53, protocol: "UDP" }]),
      withProbes({ tcpPort: "dns-udp", readyCommand: ["sh", "-c", "true"] }),
      withLoadBalancer({
        name: "dns",
        ip: "192.168.4.53",
        pool: "dns",
        ports: ["dns-udp"],
        lanSubdomain: "dns",
        minAvailable: 1,
      }),
    );

  test("readiness runs its own command; the app's Service keeps the pod while it fails, the balancer does not", () => {
    const objects = objectsOf(balanced("dns-a"));
    const container = pod(objects).containers[0];
    expect(container.readinessProbe.exec).toEqual({ command: ["sh", "-c", "true"] });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: "dns-udp" });
    const services = objects.filter((o) => o.kind === "Service");
    expect(services.map((s) => [specOf(s).type, specOf(s).publishNotReadyAddresses])).toEqual([
      ["LoadBalancer", undefined],
      ["ClusterIP", true],
    ]);
  });

  test("the balancer's LAN name and a disruption budget over every app sharing it, rendered once", () => {
    const merged = mergeAppObjects([
      renderApp(balanced("dns-a"), CONTRACTS, NO_APP_SECRETS)._unsafeUnwrap(),
      renderApp(balanced("dns-b"), CONTRACTS, NO_APP_SECRETS)._unsafeUnwrap(),
    ])._unsafeUnwrap();
    const budget = one(
      merged.map((o) => o.object),
      "PodDisruptionBudget",
    );
    expect(specOf(budget)).toEqual({
      minAvailable: 1,
      selector: { matchLabels: { "homelab/load-balancer": "dns" } },
      // A pod that is not Ready may always be evicted: a stuck one cannot hold a drain.
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    });
    const balancer = merged
      .map((o) => o.object)
      .find((o) => o.kind === "Service" && specOf(o).type === "LoadBalancer");
    expect(balancer?.metadata.annotations?.[`${CONTRACTS.network.lanDnsAnnotationPrefix}hostname`]).toBe(
      `dns.${CONTRACTS.network.domain}`,
    );
  });

  test("a bad LAN name, a budget of no pods and an empty readiness command are refused", () => {
    const broken = pipe(
      app("web", { image: "a:1", port: 80 }),
      withPorts([{ name: "dns", port: 53 }]),
      withProbes({ path: "/", readyCommand: [] }),
      withLoadBalancer({
        name: "dns",
        ip: "192.168.4.53",
        pool: "dns",
        ports: ["dns"],
        lanSubdomain: "-x",
        minAvailable: 0,
      }),
    );
    expect(messages(broken)).toEqual([
      "withProbes: readyCommand is empty",
      'withLoadBalancer: lanSubdomain "-x" is not a DNS label',
      "withLoadBalancer: minAvailable 0 is not a whole number of pods from 1",
    ]);
  });
});

describe("rules", () => {
  test("a well-formed DNS server app has no problems", () => {
    expect(messages(dns("dns-a"))).toEqual([]);
  });

  test("ports: names, numbers, clashes with the app's http port", () => {
    expect(
      messages(
        withPorts([
          { name: "http", port: 9000 },
          { name: "Not_A_Name", port: 70000 },
          { name: "other", port: 8080 },
        ])(base()),
      ),
    ).toEqual([
      'withPorts: port name "Not_A_Name" is not an IANA service name',
      "withPorts: port 70000 is not a port number",
      "withPorts: port name http is used twice (the app's own port is named http)",
      "withPorts: 8080/TCP is declared twice",
    ]);
  });

  test("emptyDirs and the read-only root: paths, sizes, clashes with volumes", () => {
    const spec = pipe(
      base(),
      withLonghornVolume({ name: "data", mountPath: "/tmp", size: "1Gi" }),
      withEmptyDir({ name: "data", mountPath: "/proc/x", sizeLimit: "0" }),
      withReadOnlyRootFilesystem(),
    );
    expect(messages(spec)).toEqual([
      'withEmptyDir "data": mountPath /proc/x lies inside /proc, which the container runtime owns',
      'withEmptyDir "data": sizeLimit 0 is not a size above zero',
      "withEmptyDir: volume name data is used twice (a read-only root uses tmp)",
      "withEmptyDir: /tmp is mounted twice (a read-only root mounts /tmp)",
    ]);
  });

  test("cluster read access names plural resources; opt-outs give reasons; apart-from names apps", () => {
    const spec = pipe(
      base(),
      withClusterReadAccess([{ apiGroups: [""], resources: ["*"] }]),
      allowPrivilegeEscalation(" "),
      preferNodesApartFrom("Bad Name"),
    );
    expect(messages(spec)).toEqual([
      'withClusterReadAccess: "*" is not a plural resource name',
      'preferNodesApartFrom: "Bad Name" is not an app name',
      "allowPrivilegeEscalation: gives no reason",
    ]);
    expect(messages(withClusterReadAccess([])(base()))).toEqual([
      "withClusterReadAccess: names no resources to read",
    ]);
  });

  test("load balancer: name, IP, pool and declared ports; TCP probes name a port", () => {
    const spec = pipe(
      base(),
      withNamespace("Bad"),
      withLoadBalancer({ name: "1dns", ip: "192.168.4.300", pool: "dns", ports: ["dns"] }),
      withProbes({ tcpPort: "dns" }),
    );
    expect(messages(spec)).toEqual([
      'withNamespace: "Bad" is not a DNS label',
      'withLoadBalancer: name "1dns" is not a Service name',
      'withLoadBalancer: ip "192.168.4.300" is not an IPv4 address',
      "withLoadBalancer: port dns is not declared",
      "withProbes: tcpPort dns is not a port of the app",
    ]);
  });
});

describe("render", () => {
  test("a read-only root mounts /tmp; ports, TCP probes and anti-affinity reach the pod", async () => {
    const objects = objectsOf(pipe(dns("dns-a"), withReadOnlyRootFilesystem()));
    const container = pod(objects).containers[0];
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.volumeMounts).toEqual([
      { name: "config", mountPath: "/etc/pihole" },
      { name: "tmp", mountPath: "/tmp" },
    ]);
    expect(pod(objects).volumes).toEqual([
      { name: "config", emptyDir: { sizeLimit: "1Gi" } },
      { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
    ]);
    expect(container.ports.map((p: { name: string }) => p.name)).toEqual(["http", "dns-tcp", "dns-udp"]);
    expect(container.readinessProbe.tcpSocket).toEqual({ port: "dns-tcp" });
    expect(
      pod(objects).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution,
    ).toHaveLength(1);
    for (const object of objects) expect((await validateObject(object)).status).toBe("valid");
  });

  test("the load balancer selects every app that declares it, on its fixed IP and pool", () => {
    const objects = objectsOf(dns("dns-a"));
    const service = one(objects, "Service", "dns");
    expect(service.metadata.annotations).toEqual({
      "metallb.io/loadBalancerIPs": "192.168.4.53",
      "metallb.io/address-pool": "dns",
    });
    expect(specOf(service).selector).toEqual({ "homelab/load-balancer": "dns" });
    expect(
      pod(objects).containers[0] && specOf(one(objects, "Deployment")).template.metadata.labels,
    ).toMatchObject({
      "homelab/load-balancer": "dns",
    });
    expect(specOf(service).ports).toEqual([
      { name: "dns-tcp", port: 53, targetPort: "dns-tcp", protocol: "TCP" },
      { name: "dns-udp", port: 53, targetPort: "dns-udp", protocol: "UDP" },
    ]);
  });

  test("two apps in one namespace: the Namespace and the load balancer exist once", () => {
    const [a, b] = [dns("dns-a"), dns("dns-b")].map((spec) =>
      renderApp(spec, CONTRACTS, NO_APP_SECRETS)._unsafeUnwrap(),
    );
    const merged = mergeAppObjects([a ?? [], b ?? []])._unsafeUnwrap();
    expect(merged.filter((o) => o.object.kind === "Namespace").map((o) => o.id)).toEqual([
      "namespace/cluster/dns",
    ]);
    expect(merged.filter((o) => o.id === "service/dns/dns")).toHaveLength(1);
    expect(merged.filter((o) => o.object.kind === "Deployment")).toHaveLength(2);
  });

  test("apps sharing a namespace at different Pod Security levels are a conflict", () => {
    const result = renderPlatformApps(
      [dns("dns-a"), allowRunAsRoot("needs root")(dns("dns-b"))],
      { network: CONTRACTS.network },
      NO_APP_SECRETS,
    );
    expect(result._unsafeUnwrapErr().map((p) => `${p.where.object} ${p.what}`)).toEqual([
      "namespace/cluster/dns is rendered differently by two apps",
    ]);
  });

  test("cluster read access: a ServiceAccount whose token the pod mounts, bound to a read-only ClusterRole", () => {
    const objects = objectsOf(
      withClusterReadAccess([{ apiGroups: ["networking.k8s.io"], resources: ["ingresses"] }])(base()),
    );
    expect(pod(objects)).toMatchObject({ serviceAccountName: "web", automountServiceAccountToken: true });
    expect((one(objects, "ClusterRole", "web-cluster-reader") as { rules?: unknown }).rules).toEqual([
      { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: ["get", "list", "watch"] },
    ]);
    expect(
      (one(objects, "ClusterRoleBinding", "web-cluster-reader") as { subjects?: unknown }).subjects,
    ).toEqual([{ kind: "ServiceAccount", name: "web", namespace: "web" }]);
    expect(pod(objectsOf(base())).automountServiceAccountToken).toBe(false);
  });

  test("one subdomain on both classes: the public route's LAN record is the private ingress IP", () => {
    const both = objectsOf(
      pipe(base(), withPrivateIngress(), withPublicIngress({ noAuth: "a public page" })),
    );
    const lanTarget = `${CONTRACTS.network.lanDnsAnnotationPrefix}target`;
    expect(one(both, "Ingress", "web-public").metadata.annotations?.[lanTarget]).toBe(
      CONTRACTS.network.privateIngressIp,
    );
    expect(one(both, "Ingress", "web-private").metadata.annotations?.[lanTarget]).toBeUndefined();
    const apart = objectsOf(
      pipe(base(), withPrivateIngress(), withPublicIngress({ subdomain: "www", noAuth: "x" })),
    );
    expect(one(apart, "Ingress", "web-public").metadata.annotations?.[lanTarget]).toBeUndefined();
  });

  test("privilege escalation is opted into by name and costs the restricted level", () => {
    const spec = allowPrivilegeEscalation("setcap file capabilities")(base());
    expect(pod(objectsOf(spec)).containers[0].securityContext.allowPrivilegeEscalation).toBe(true);
    expect(pod(objectsOf(base())).containers[0].securityContext.allowPrivilegeEscalation).toBe(false);
    expect(podSecurityLevel(spec)).toBe("baseline");
    expect(podSecurityLevel(addCapabilities(["NET_RAW"], "ping")(base()))).toBe("privileged");
  });

  test("an app that needs storage or auth does not render where those contracts are missing", () => {
    const spec = pipe(
      base(),
      withLonghornVolume({ name: "data", mountPath: "/data", size: "1Gi" }),
      withPrivateIngress(),
      withAuth(),
    );
    expect(
      renderApp(spec, { network: CONTRACTS.network }, NO_APP_SECRETS)
        ._unsafeUnwrapErr()
        .map((p) => p.where.part),
    ).toEqual(["volumes", "withAuth"]);
  });

  test("platform apps read their secrets from the layer's config, under the stack the layer names", () => {
    const spec = withSecretEnv({ TOKEN: "token" })(base());
    const missing = renderApp(spec, { network: CONTRACTS.network, layer: "network" }, NO_APP_SECRETS);
    expect(missing._unsafeUnwrapErr()[0]?.what).toBe(
      "the network stack config has no secret app_secrets.web.token",
    );
    const found = renderApp(
      spec,
      { network: CONTRACTS.network, layer: "network" },
      {
        known: true,
        values: { web: { token: secret("t0ken-value") } },
      },
    )._unsafeUnwrap();
    expect(found.find((o) => o.object.kind === "Secret")?.object.metadata.labels).toEqual({
      "app.kubernetes.io/part-of": "web",
      "app.kubernetes.io/managed-by": "homelab-network",
    });
  });
});
