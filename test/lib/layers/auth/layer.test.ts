/**
 * The auth layer under the mock runtime: the example stack through the full render, and the same
 * program with other upstream values (a second domain, other names) to prove nothing is hard-coded.
 */

import { beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { REDACTED } from "../../../../lib/pulumi/resources.ts";
import type { KubernetesObject } from "../../../../lib/render/documents.ts";
import type { RenderedLayer } from "../../../../lib/render/render.ts";
import { parseConfig } from "../../../../programs/layers.ts";
import {
  type AuthRun,
  exampleAuthConfig,
  OTHER_NETWORK,
  OTHER_STORAGE,
  runAuth,
} from "../../../support/auth.ts";
import { validateObject } from "../../../support/kubernetesModels.ts";
import { renderedLayer } from "../../../support/render.ts";

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  image: string;
  env?: EnvVar[];
  ports?: { containerPort: number }[];
  startupProbe?: { httpGet?: { path: string; port: number | string } };
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
  livenessProbe?: { httpGet?: { path: string; port: number | string } };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  enableServiceLinks?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; fsGroup?: number };
  containers: Container[];
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
}
interface DeploymentSpec {
  replicas: number;
  strategy: { type: string };
  template: { spec: PodSpec };
}
interface IngressSpec {
  ingressClassName: string;
  tls: { hosts: string[]; secretName?: string }[];
  rules: {
    host: string;
    http: { paths: { backend: { service: { name: string; port: { number?: number; name?: string } } } }[] };
  }[];
}
interface ForwardAuth {
  address: string;
  trustForwardHeader: boolean;
  authResponseHeaders: string[];
}
interface IngressRouteSpec {
  ingressClassName: string;
  entryPoints: string[];
  routes: {
    match: string;
    middlewares: { name: string; namespace?: string }[];
    services: { kind: string; name: string }[];
  }[];
  tls: Record<string, unknown>;
}

const MIDDLEWARES = "traefik.ingress.kubernetes.io/router.middlewares";
const AUTH_NAMESPACES = new Set(["pocket-id", "tinyauth"]);

const find = (
  objects: KubernetesObject[],
  kind: string,
  namespace: string | undefined,
  name: string,
): KubernetesObject => {
  const found = objects.find(
    (o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name,
  );
  if (!found) throw new Error(`no ${kind} ${namespace}/${name}`);
  return found;
};
const ofKind = (objects: KubernetesObject[], kind: string) => objects.filter((o) => o.kind === kind);
const spec = <T>(object: KubernetesObject): T => object.spec as T;
const container = (objects: KubernetesObject[], namespace: string, name: string): Container => {
  const first = spec<DeploymentSpec>(find(objects, "Deployment", namespace, name)).template.spec
    .containers[0];
  if (!first) throw new Error(`deployment ${namespace}/${name} has no container`);
  return first;
};
const envOf = (c: Container): Record<string, EnvVar> =>
  Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
const envValue = (c: Container, name: string): string | undefined => envOf(c)[name]?.value;

const MIDDLEWARE_REF = "tinyauth-forward-auth@kubernetescrd";
const FORWARD_AUTH_ADDRESS = "http://tinyauth.tinyauth.svc.cluster.local:80/api/auth/traefik";
const RESPONSE_HEADERS = ["Remote-User", "Remote-Email", "Remote-Name", "Remote-Groups"];

describe("auth layer, example stack (offline render)", () => {
  let auth: RenderedLayer;
  let objects: KubernetesObject[];
  let network: Record<string, unknown>;
  let storage: Record<string, unknown>;
  beforeAll(async () => {
    storage = (await renderedLayer("storage")).outputs;
    auth = await renderedLayer("auth");
    objects = auth.documents.kubernetes.map(({ body }) => body);
    network = (await renderedLayer("network")).outputs;
  });

  test("the forwardAuth middleware points at Tinyauth's Traefik endpoint and passes the identity headers", () => {
    const middleware = find(objects, "Middleware", "tinyauth", "forward-auth");
    expect(middleware.apiVersion).toBe("traefik.io/v1alpha1");
    const forwardAuth = spec<{ forwardAuth: ForwardAuth }>(middleware).forwardAuth;
    expect(forwardAuth).toEqual({
      address: FORWARD_AUTH_ADDRESS,
      trustForwardHeader: false,
      authResponseHeaders: RESPONSE_HEADERS,
    });
    // The address names the real Tinyauth Service and its port.
    const service = spec<{ ports: { port: number }[] }>(find(objects, "Service", "tinyauth", "tinyauth"));
    expect(service.ports[0]?.port).toBe(80);
  });

  test("exports the auth contract, matching real resources", () => {
    expect(auth.outputs).toMatchObject({
      publicAuthMiddleware: MIDDLEWARE_REF,
      privateAuthMiddleware: MIDDLEWARE_REF,
      pocketIdIssuerUrl: "https://pocketid.example.com",
      tinyauthUrl: "https://auth.example.com",
      uiHosts: [
        "longhorn.example.com",
        "pihole.example.com",
        "traefik.example.com",
        "traefik-public.example.com",
      ],
    });
    const middleware = find(objects, "Middleware", "tinyauth", "forward-auth");
    expect(`${middleware.metadata.namespace}-${middleware.metadata.name}@kubernetescrd`).toBe(MIDDLEWARE_REF);
    expect(envValue(container(objects, "pocket-id", "pocket-id"), "APP_URL")).toBe(
      auth.outputs.pocketIdIssuerUrl as string,
    );
    expect(envValue(container(objects, "tinyauth", "tinyauth"), "TINYAUTH_APPURL")).toBe(
      auth.outputs.tinyauthUrl as string,
    );
  });

  test("Pocket ID: pinned image, derived APP_URL, secret key by reference, probes, non-root, Recreate", () => {
    const deployment = spec<DeploymentSpec>(find(objects, "Deployment", "pocket-id", "pocket-id"));
    expect(deployment.replicas).toBe(1);
    expect(deployment.strategy.type).toBe("Recreate");
    const pod = deployment.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    const c = container(objects, "pocket-id", "pocket-id");
    expect(c.image).toBe("ghcr.io/pocket-id/pocket-id:v2.14.0");
    expect(c.ports?.[0]?.containerPort).toBe(1411);
    expect(envOf(c)).toEqual({
      APP_URL: { name: "APP_URL", value: "https://pocketid.example.com" },
      TRUST_PROXY: { name: "TRUST_PROXY", value: "true" },
      ENCRYPTION_KEY: {
        name: "ENCRYPTION_KEY",
        valueFrom: { secretKeyRef: { name: "pocket-id-secrets", key: "encryption-key" } },
      },
      STATIC_API_KEY: {
        name: "STATIC_API_KEY",
        valueFrom: { secretKeyRef: { name: "pocket-id-secrets", key: "static-api-key" } },
      },
    });
    for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
      expect(probe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    }
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(c.volumeMounts).toContainEqual({ name: "data", mountPath: "/app/data" });
    expect(pod.volumes).toContainEqual({
      name: "data",
      persistentVolumeClaim: { claimName: "pocket-id-data" },
    });
    const secret = find(objects, "Secret", "pocket-id", "pocket-id-secrets");
    expect(Object.keys(secret.stringData as object)).toEqual(["encryption-key", "static-api-key"]);
  });

  test("Tinyauth: v5 settings derived from the domain, client credentials by reference, service links off", () => {
    const deployment = spec<DeploymentSpec>(find(objects, "Deployment", "tinyauth", "tinyauth"));
    expect(deployment.strategy.type).toBe("Recreate");
    expect(deployment.template.spec.enableServiceLinks).toBe(false);
    // The label provider reads Ingress annotations (per-app access rules): a token, read-only access.
    expect(deployment.template.spec).toMatchObject({
      serviceAccountName: "tinyauth",
      automountServiceAccountToken: true,
    });
    const role = find(objects, "ClusterRole", undefined, "tinyauth-cluster-reader") as unknown as {
      rules: unknown;
    };
    expect(role.rules).toEqual([
      { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: ["get", "list", "watch"] },
    ]);
    const binding = find(objects, "ClusterRoleBinding", undefined, "tinyauth-cluster-reader") as unknown as {
      subjects: unknown;
    };
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "tinyauth", namespace: "tinyauth" }]);
    const c = container(objects, "tinyauth", "tinyauth");
    expect(c.image).toBe("ghcr.io/tinyauthapp/tinyauth:v5.1.3");
    expect(c.ports?.[0]?.containerPort).toBe(3000);
    expect(c.readinessProbe?.httpGet).toEqual({ path: "/api/healthz", port: "http" });
    expect(c.volumeMounts).toContainEqual({ name: "data", mountPath: "/data" });
    // Written by the OIDC client step, not by Pulumi: no Secret object of Tinyauth's own.
    const byRef = (key: string) => ({ secretKeyRef: { name: "tinyauth-oidc", key } });
    expect(envOf(c)).toEqual({
      TINYAUTH_APPURL: { name: "TINYAUTH_APPURL", value: "https://auth.example.com" },
      TINYAUTH_AUTH_SECURECOOKIE: { name: "TINYAUTH_AUTH_SECURECOOKIE", value: "true" },
      TINYAUTH_DATABASE_PATH: { name: "TINYAUTH_DATABASE_PATH", value: "/data/tinyauth.db" },
      TINYAUTH_LABELPROVIDER: { name: "TINYAUTH_LABELPROVIDER", value: "kubernetes" },
      TINYAUTH_OAUTH_PROVIDERS_POCKETID_CLIENTID: {
        name: "TINYAUTH_OAUTH_PROVIDERS_POCKETID_CLIENTID",
        valueFrom: byRef("client-id"),
      },
      TINYAUTH_OAUTH_PROVIDERS_POCKETID_CLIENTSECRET: {
        name: "TINYAUTH_OAUTH_PROVIDERS_POCKETID_CLIENTSECRET",
        valueFrom: byRef("client-secret"),
      },
      TINYAUTH_OAUTH_PROVIDERS_POCKETID_AUTHURL: {
        name: "TINYAUTH_OAUTH_PROVIDERS_POCKETID_AUTHURL",
        value: "https://pocketid.example.com/authorize",
      },
      TINYAUTH_OAUTH_PROVIDERS_POCKETID_TOKENURL: {
        name: "TINYAUTH_OAUTH_PROVIDERS_POCKETID_TOKENURL",
        value: "http://pocket-id.pocket-id.svc.cluster.local:80/api/oidc/token",
      },
      TINYAUTH_OAUTH_PROVIDERS_POCKETID_USERINFOURL: {
        name: "TINYAUTH_OAUTH_PROVIDERS_POCKETID_USERINFOURL",
        value: "http://pocket-id.pocket-id.svc.cluster.local:80/api/oidc/userinfo",
      },
      TINYAUTH_OAUTH_PROVIDERS_POCKETID_SCOPES: {
        name: "TINYAUTH_OAUTH_PROVIDERS_POCKETID_SCOPES",
        value: "openid email profile groups",
      },
      TINYAUTH_OAUTH_PROVIDERS_POCKETID_NAME: {
        name: "TINYAUTH_OAUTH_PROVIDERS_POCKETID_NAME",
        value: "Pocket ID",
      },
      TINYAUTH_OAUTH_AUTOREDIRECT: { name: "TINYAUTH_OAUTH_AUTOREDIRECT", value: "pocketid" },
      // Tinyauth's heartbeat to api.tinyauth.app is on unless turned off (v5.1.3 config.go).
      TINYAUTH_ANALYTICS_ENABLED: { name: "TINYAUTH_ANALYTICS_ENABLED", value: "false" },
    });
    // No allow-list in the example stack: the whitelist variable is absent, not empty.
    expect(envOf(c).TINYAUTH_OAUTH_WHITELIST).toBeUndefined();
  });

  test("Pocket ID and Tinyauth are on both ingress classes with TLS and without the middleware", () => {
    for (const [namespace, host] of [
      ["pocket-id", "pocketid.example.com"],
      ["tinyauth", "auth.example.com"],
    ] as const) {
      const ingresses = ofKind(objects, "Ingress").filter((o) => o.metadata.namespace === namespace);
      expect(ingresses.map((o) => spec<IngressSpec>(o).ingressClassName).sort()).toEqual(
        [network.privateIngressClass as string, network.publicIngressClass as string].sort(),
      );
      for (const ingress of ingresses) {
        const s = spec<IngressSpec>(ingress);
        expect(s.tls).toEqual([{ hosts: [host] }]);
        expect(s.rules[0]?.host).toBe(host);
        expect(s.rules[0]?.http.paths[0]?.backend.service).toEqual({
          name: namespace,
          port: { name: "http" },
        });
        expect(ingress.metadata.annotations?.[MIDDLEWARES]).toBeUndefined();
        expect(ingress.metadata.annotations?.["traefik.ingress.kubernetes.io/router.entrypoints"]).toBe(
          "websecure",
        );
      }
      const publicIngress = ingresses.find(
        (o) => spec<IngressSpec>(o).ingressClassName === network.publicIngressClass,
      );
      expect(publicIngress?.metadata.annotations?.["external-dns.alpha.kubernetes.io/target"]).toBe(
        network.externalHostname as string,
      );
    }
  });

  test("every infrastructure UI is on the private class behind the auth middleware", () => {
    const uis = ofKind(objects, "Ingress").filter((o) => !AUTH_NAMESPACES.has(o.metadata.namespace ?? ""));
    expect(uis.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual(
      [`${network.piholeNamespace}/pihole-admin`, `${storage.longhornNamespace}/longhorn-ui`].sort(),
    );
    for (const ui of uis) {
      expect(ui.metadata.annotations?.[MIDDLEWARES]).toBe(MIDDLEWARE_REF);
      expect(spec<IngressSpec>(ui).ingressClassName).toBe(network.privateIngressClass as string);
    }
    const longhorn = spec<IngressSpec>(
      find(objects, "Ingress", storage.longhornNamespace as string, "longhorn-ui"),
    );
    expect(longhorn.rules[0]?.host).toBe("longhorn.example.com");
    expect(longhorn.rules[0]?.http.paths[0]?.backend.service).toEqual({
      name: storage.longhornUiService as string,
      port: { number: 80 },
    });
    const pihole = spec<IngressSpec>(
      find(objects, "Ingress", network.piholeNamespace as string, "pihole-admin"),
    );
    expect(pihole.rules[0]?.host).toBe("pihole.example.com");
    expect(pihole.rules[0]?.http.paths[0]?.backend.service).toEqual({
      name: network.piholeWebService as string,
      port: { number: 80 },
    });
  });

  test("both Traefik dashboards route to api@internal through a same-namespace copy of the middleware", () => {
    const main = spec<{ forwardAuth: ForwardAuth }>(find(objects, "Middleware", "tinyauth", "forward-auth"));
    const routes = ofKind(objects, "IngressRoute");
    const expected = [
      [
        network.privateTraefikNamespace,
        network.privateIngressClass,
        "traefik.example.com",
        network.privateIngressIp,
      ],
      [
        network.publicTraefikNamespace,
        network.publicIngressClass,
        "traefik-public.example.com",
        network.publicIngressIp,
      ],
    ] as const;
    expect(routes.map((r) => r.metadata.namespace).sort()).toEqual(
      expected.map(([ns]) => ns as string).sort(),
    );
    for (const [namespace, ingressClass, host, ip] of expected) {
      const object = find(objects, "IngressRoute", namespace as string, "traefik-dashboard");
      // A LAN DNS record for the route, read by the Pi-hole external-dns only (IngressRoutes have no status).
      expect(object.metadata.annotations).toEqual({
        [`${network.lanDnsAnnotationPrefix}target`]: ip as string,
      });
      const route = spec<IngressRouteSpec>(object);
      expect(route.ingressClassName).toBe(ingressClass as string);
      expect(route.entryPoints).toEqual(["websecure"]);
      expect(route.tls).toEqual({});
      expect(route.routes).toHaveLength(1);
      expect(route.routes[0]?.match).toBe(`Host(\`${host}\`)`);
      expect(route.routes[0]?.services).toEqual([{ kind: "TraefikService", name: "api@internal" }]);
      const lanOnly = namespace === network.publicTraefikNamespace;
      expect(route.routes[0]?.middlewares).toEqual(
        lanOnly ? [{ name: "lan-only" }, { name: "forward-auth" }] : [{ name: "forward-auth" }],
      );
      const copy = spec<{ forwardAuth: ForwardAuth }>(
        find(objects, "Middleware", namespace as string, "forward-auth"),
      );
      expect(copy).toEqual(main);
    }
  });

  test("the public Traefik's dashboard answers only LAN clients, before any login page", () => {
    const allowList = spec<{ ipAllowList: { sourceRange: string[] } }>(
      find(objects, "Middleware", network.publicTraefikNamespace as string, "lan-only"),
    );
    expect(allowList.ipAllowList.sourceRange).toEqual(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);
    expect(ofKind(objects, "Middleware").filter((m) => m.metadata.name === "lan-only")).toHaveLength(1);
  });

  test("state is on protected Longhorn volumes in the backup group", () => {
    const claims = auth.documents.kubernetes.filter(({ body }) => body.kind === "PersistentVolumeClaim");
    expect(claims.map(({ body }) => `${body.metadata.namespace}/${body.metadata.name}`).sort()).toEqual([
      "pocket-id/pocket-id-data",
      "tinyauth/tinyauth-data",
    ]);
    for (const { resource, body } of claims) {
      expect(resource.protect).toBe(true);
      expect(resource.retainOnDelete).toBe(true);
      expect(spec<{ storageClassName: string }>(body).storageClassName).toBe(
        storage.longhornStorageClass as string,
      );
      // Longhorn copies group labels from a claim to its volume only with the source label.
      expect(body.metadata.labels).toMatchObject({
        "recurring-job.longhorn.io/source": "enabled",
        [`recurring-job-group.longhorn.io/${storage.backupJobGroup}`]: "enabled",
        [`recurring-job-group.longhorn.io/${storage.trimJobGroup}`]: "enabled",
      });
    }
  });

  test("secrets appear only inside Secret objects, redacted, and reach pods only by secretKeyRef", () => {
    const raw = exampleAuthConfig();
    const encryptionKey = raw.pocket_id_encryption_key as string;
    // The static API key is derived from the encryption key (lib/layers/auth/apps.ts): redacted too.
    const derived = createHmac("sha256", encryptionKey).update("pocket-id static api key").digest("hex");
    const plaintexts = [encryptionKey, derived];
    expect(plaintexts.every((p) => typeof p === "string" && p.length > 8)).toBe(true);
    const everything = [
      ...Object.values(auth.files),
      JSON.stringify(auth.resources),
      JSON.stringify(auth.outputs),
    ];
    for (const text of everything) for (const plaintext of plaintexts) expect(text).not.toContain(plaintext);
    // The Secret resources got Pulumi secrets (redacted by the mock runtime itself, before the render).
    const secrets = auth.resources.filter((r) => r.type === "kubernetes:core/v1:Secret");
    expect(secrets).toHaveLength(1);
    for (const s of secrets) {
      expect(Object.keys(s.inputs.stringData as Record<string, unknown>).length).toBeGreaterThan(0);
      for (const value of Object.values(s.inputs.stringData as Record<string, unknown>))
        expect(value).toBe(REDACTED);
    }
    // The one ConfigMap is the OIDC client step's program and declared state: no credential in it.
    expect(ofKind(objects, "ConfigMap").map((c) => c.metadata.name)).toEqual(["oidc-clients-auth"]);
    // Secret-bearing env vars are references, never values.
    const secretEnv = [
      "ENCRYPTION_KEY",
      "TINYAUTH_OAUTH_PROVIDERS_POCKETID_CLIENTID",
      "TINYAUTH_OAUTH_PROVIDERS_POCKETID_CLIENTSECRET",
    ];
    const allEnv = ofKind(objects, "Deployment").flatMap((d) =>
      spec<DeploymentSpec>(d).template.spec.containers.flatMap((c) => c.env ?? []),
    );
    for (const name of secretEnv) {
      const env = allEnv.find((e) => e.name === name);
      expect(env?.value).toBeUndefined();
      expect(env?.valueFrom?.secretKeyRef).toBeDefined();
    }
  });

  test("namespaces enforce the restricted Pod Security level their pods meet", () => {
    for (const name of AUTH_NAMESPACES) {
      const ns = ofKind(objects, "Namespace").find((o) => o.metadata.name === name);
      expect(ns?.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    }
  });

  test("every host and URL is under the network layer's domain (or in-cluster)", () => {
    const hosts = hostsIn(objects);
    expect(hosts.length).toBeGreaterThan(20);
    for (const host of hosts) {
      const ok =
        host.endsWith(`.${network.domain as string}`) ||
        [
          "tinyauth.tinyauth.svc.cluster.local",
          "pocket-id.pocket-id.svc.cluster.local",
          // The API server, which the OIDC client step writes Secrets through.
          "kubernetes.default.svc",
        ].includes(host);
      expect(ok ? "" : host).toBe("");
    }
  });

  test("every rendered object validates with kubernetes-models", async () => {
    expect(objects.length).toBe(29);
    for (const object of objects) {
      const result = await validateObject(object);
      expect({
        object: `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`,
        result,
      }).toEqual({
        object: `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`,
        result: { status: "valid" },
      });
    }
  });

  test("custom resources wait for the namespace or Tinyauth they need", () => {
    const byName = new Map(auth.resources.map((r) => [r.name, r]));
    const after = (name: string) => (byName.get(name)?.dependsOn ?? []).map((urn) => urn.split("::").pop());
    expect(after("middleware/tinyauth/forward-auth")).toContain("namespace/cluster/tinyauth");
    expect(after("ingress/longhorn-system/longhorn-ui")).toEqual(
      expect.arrayContaining(["middleware/tinyauth/forward-auth", "deployment/tinyauth/tinyauth"]),
    );
    expect(after("deployment/pocket-id/pocket-id")).toEqual(
      expect.arrayContaining([
        "secret/pocket-id/pocket-id-secrets",
        "persistentvolumeclaim/pocket-id/pocket-id-data",
      ]),
    );
  });
});

/** Every string leaf of a value. */
const strings = (value: unknown): string[] => {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(strings);
  return [];
};

/** Every host the objects name: URL hosts, Ingress rules and TLS, IngressRoute matches, DNS targets. */
const hostsIn = (objects: KubernetesObject[]): string[] => [
  ...strings(objects).flatMap((text) => [...text.matchAll(/https?:\/\/([^/:"]+)/g)].map((m) => m[1] ?? "")),
  ...strings(objects).flatMap((text) => [...text.matchAll(/Host\(`([^`]+)`\)/g)].map((m) => m[1] ?? "")),
  ...ofKind(objects, "Ingress").flatMap((o) => {
    const s = spec<IngressSpec>(o);
    return [...s.rules.map((r) => r.host), ...s.tls.flatMap((t) => t.hosts)];
  }),
  ...objects.flatMap((o) => {
    const target = o.metadata.annotations?.["external-dns.alpha.kubernetes.io/target"];
    return target ? [target] : [];
  }),
];

describe("auth layer with another domain and other upstream names (mock runtime)", () => {
  let run: AuthRun;
  beforeAll(async () => {
    run = await runAuth(exampleAuthConfig({ tinyauth_allowed_users: "alice@homelab.net,bob@homelab.net" }));
  });

  test("nothing of the example stack's domain or names leaks in", () => {
    const text = JSON.stringify({ objects: run.objects, outputs: run.outputs });
    for (const fixed of [
      "example.com",
      "traefik-private",
      'traefik-public"',
      "longhorn-system",
      "longhorn-frontend",
      "pihole-primary",
    ]) {
      expect(text).not.toContain(fixed);
    }
  });

  test("every host and URL is under the configured domain (or in-cluster)", () => {
    const inCluster = (h: string) => h.endsWith(".svc.cluster.local") || h === "kubernetes.default.svc";
    const hosts = hostsIn(run.objects).filter((h) => !inCluster(h));
    expect(hosts.length).toBeGreaterThan(15);
    for (const host of hosts) expect(host.endsWith(".cluster.homelab.net") ? "" : host).toBe("");
    expect(new Set(hosts)).toEqual(
      new Set([
        "pocketid.cluster.homelab.net",
        "auth.cluster.homelab.net",
        "wan.cluster.homelab.net",
        "longhorn.cluster.homelab.net",
        "pihole.cluster.homelab.net",
        "traefik.cluster.homelab.net",
        "traefik-public.cluster.homelab.net",
      ]),
    );
    expect(run.outputs).toMatchObject({
      pocketIdIssuerUrl: "https://pocketid.cluster.homelab.net",
      tinyauthUrl: "https://auth.cluster.homelab.net",
      publicAuthMiddleware: MIDDLEWARE_REF,
      privateAuthMiddleware: MIDDLEWARE_REF,
    });
    const tinyauth = container(run.objects, "tinyauth", "tinyauth");
    // The browser's URL follows the domain; server-side calls stay in the cluster (no NAT hairpin).
    expect(envValue(tinyauth, "TINYAUTH_OAUTH_PROVIDERS_POCKETID_AUTHURL")).toBe(
      "https://pocketid.cluster.homelab.net/authorize",
    );
    expect(envValue(tinyauth, "TINYAUTH_OAUTH_PROVIDERS_POCKETID_TOKENURL")).toBe(
      "http://pocket-id.pocket-id.svc.cluster.local:80/api/oidc/token",
    );
  });

  test("upstream names are carried into every object that routes to them", () => {
    const longhorn = find(run.objects, "Ingress", "storage-system", "longhorn-ui");
    expect(spec<IngressSpec>(longhorn).ingressClassName).toBe("edge-lan");
    expect(spec<IngressSpec>(longhorn).rules[0]?.http.paths[0]?.backend.service.name).toBe(
      "longhorn-ui-frontend",
    );
    const pihole = find(run.objects, "Ingress", "dns", "pihole-admin");
    expect(spec<IngressSpec>(pihole).rules[0]?.http.paths[0]?.backend.service.name).toBe("pihole-admin-web");
    expect(
      spec<IngressRouteSpec>(find(run.objects, "IngressRoute", "ingress-lan", "traefik-dashboard"))
        .ingressClassName,
    ).toBe("edge-lan");
    expect(
      spec<IngressRouteSpec>(find(run.objects, "IngressRoute", "ingress-wan", "traefik-dashboard"))
        .ingressClassName,
    ).toBe("edge-public");
    const claim = find(run.objects, "PersistentVolumeClaim", "pocket-id", "pocket-id-data");
    expect(spec<{ storageClassName: string }>(claim).storageClassName).toBe(
      OTHER_STORAGE.longhornStorageClass,
    );
    expect(claim.metadata.labels?.["recurring-job-group.longhorn.io/nightly"]).toBe("enabled");
    const publicIngress = find(run.objects, "Ingress", "pocket-id", "pocket-id-public");
    expect(publicIngress.metadata.annotations?.["external-dns.alpha.kubernetes.io/target"]).toBe(
      OTHER_NETWORK.externalHostname,
    );
  });

  test("the allow-list becomes TINYAUTH_OAUTH_WHITELIST", () => {
    expect(envValue(container(run.objects, "tinyauth", "tinyauth"), "TINYAUTH_OAUTH_WHITELIST")).toBe(
      "alice@homelab.net,bob@homelab.net",
    );
  });

  test("every object validates", async () => {
    expect(run.objects.length).toBeGreaterThan(0);
    for (const object of run.objects) expect((await validateObject(object)).status).toBe("valid");
  });

  test("tinyauth_analytics turns Tinyauth's heartbeat on; anything but true or false is refused", async () => {
    const on = await runAuth(exampleAuthConfig({ tinyauth_analytics: "true" }));
    expect(envValue(container(on.objects, "tinyauth", "tinyauth"), "TINYAUTH_ANALYTICS_ENABLED")).toBe(
      "true",
    );
    expect(parseConfig("auth", exampleAuthConfig({ tinyauth_analytics: "yes" })).isErr()).toBe(true);
  });
});
