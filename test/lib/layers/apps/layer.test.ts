/** The apps program under Pulumi's mock runtime: the example stack, and app folders built to fail. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { app, pipe, withNamespace } from "../../../../lib/app/index.ts";
import { NO_APP_SECRETS } from "../../../../lib/app/secrets.ts";
import { ENCRYPTED } from "../../../../lib/config/schema.ts";
import { RESERVED_NAMESPACES } from "../../../../lib/k8s/names.ts";
import { planApps } from "../../../../lib/layers/apps/plan.ts";
import { REDACTED } from "../../../../lib/pulumi/resources.ts";
import type { KubernetesObject } from "../../../../lib/render/documents.ts";
import { APPS_DIR } from "../../../../programs/layers.ts";
import { CONTRACTS, clusterStructureProblems, runApps } from "../../../support/apps.ts";
import { validateObject } from "../../../support/kubernetesModels.ts";
import { ROOT, renderedLayer } from "../../../support/render.ts";

const LIB = resolve(ROOT, "lib/app/index.ts");

/** A fresh folder of app modules; `$LIB` in a source is the app library's path. */
const appsFolder = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), "homelab-apps-"));
  for (const [name, source] of Object.entries(files))
    writeFileSync(join(dir, name), source.replaceAll("$LIB", LIB));
  return dir;
};

const whoami = (name: string, extra = "") =>
  `import { app, pipe, withPrivateIngress } from "$LIB";
export default pipe(app("${name}", { image: "traefik/whoami:v1.11.0", port: 8080 }), withPrivateIngress()${extra});
`;

const failure = async (dir: string, raw = {}): Promise<string> => {
  try {
    await runApps(dir, raw);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error("the apps program did not fail");
};

/** The namespaces among `namespaces` that an app taking them with withNamespace is refused. */
const refusedNamespaces = (namespaces: readonly string[]): string[] =>
  namespaces.filter((namespace) => {
    const spec = pipe(app("user", { image: "traefik/whoami:v1.11.0", port: 80 }), withNamespace(namespace));
    const result = planApps(
      [{ file: "user.ts", load: { ok: true, value: spec } }],
      CONTRACTS,
      NO_APP_SECRETS,
    );
    return (
      result.isErr() &&
      result.error.some((p) => p.what.includes(`namespace ${namespace} belongs to the platform`))
    );
  });

describe("apps layer of the example stack (full offline render)", () => {
  const layer = () => renderedLayer("apps");
  const bodies = async (): Promise<KubernetesObject[]> =>
    (await layer()).documents.kubernetes.map((d) => d.body);

  test("deploys exactly the demo and Miniflux apps and the OIDC client step, with these objects", async () => {
    expect((await layer()).outputs.apps).toEqual(["demo", "miniflux"]);
    expect(
      (await bodies())
        .map(
          (o) =>
            `${o.kind} ${o.metadata.namespace ?? ""}/${(o.metadata.name ?? "").replace(/-[0-9a-f]{10}$/, "-<hash>")}`,
        )
        .sort(),
    ).toEqual([
      "Cluster miniflux/miniflux-db",
      "ConfigMap pocket-id/oidc-clients-apps",
      "Deployment demo/demo",
      "Deployment miniflux/miniflux",
      "Ingress demo/demo-private",
      "Ingress miniflux/miniflux-private",
      "Job pocket-id/oidc-clients-apps-<hash>",
      "Namespace /demo",
      "Namespace /miniflux",
      "PersistentVolume /demo-data",
      "PersistentVolumeClaim demo/demo-data",
      "Role miniflux/oidc-clients-apps",
      "RoleBinding miniflux/oidc-clients-apps",
      "ScheduledBackup miniflux/miniflux-db",
      "Secret miniflux/miniflux-secrets",
      "Service demo/demo",
      "Service miniflux/miniflux",
      "ServiceAccount pocket-id/oidc-clients-apps",
    ]);
  });

  test("every object validates (kubernetes-models; the Cluster structurally)", async () => {
    const objects = await bodies();
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      const result = await validateObject(object);
      if (object.kind === "Cluster") {
        expect(result.status).toBe("no-model");
        expect(clusterStructureProblems(object)).toEqual([]);
      } else {
        expect([`${object.kind} ${object.metadata.name}`, result]).toEqual([
          `${object.kind} ${object.metadata.name}`,
          { status: "valid" },
        ]);
      }
    }
  });

  test("everything holding data is protected and retained on delete; nothing else is", async () => {
    const flagged = (await layer()).resources
      .filter((r) => r.custom)
      .map(
        (r) =>
          `${r.type.split(":").pop()} ${r.name.replace(/-[0-9a-f]{10}$/, "-<hash>")} ${r.protect} ${r.retainOnDelete}`,
      )
      .sort();
    expect(flagged).toEqual([
      "Cluster cluster/miniflux/miniflux-db true true",
      "ConfigMap configmap/pocket-id/oidc-clients-apps false false",
      "Deployment deployment/demo/demo false false",
      "Deployment deployment/miniflux/miniflux false false",
      "Ingress ingress/demo/demo-private false false",
      "Ingress ingress/miniflux/miniflux-private false false",
      "Job job/pocket-id/oidc-clients-apps-<hash> false false",
      "Namespace namespace/cluster/demo true true",
      "Namespace namespace/cluster/miniflux true true",
      "PersistentVolume persistentvolume/cluster/demo-data true true",
      "PersistentVolumeClaim persistentvolumeclaim/demo/demo-data true true",
      "Role role/miniflux/oidc-clients-apps false false",
      "RoleBinding rolebinding/miniflux/oidc-clients-apps false false",
      "ScheduledBackup scheduledbackup/miniflux/miniflux-db false false",
      "Secret secret/miniflux/miniflux-secrets false false",
      "Service service/demo/demo false false",
      "Service service/miniflux/miniflux false false",
      "ServiceAccount serviceaccount/pocket-id/oidc-clients-apps false false",
    ]);
  });

  test("explicit dependencies: pods after their claims, secret and database; ingress after service", async () => {
    const resources = (await layer()).resources;
    const after = (name: string, type: string) =>
      (resources.find((r) => r.name === name && r.type.endsWith(type))?.dependsOn ?? [])
        .map((urn) => urn.split("::").pop())
        .sort();
    expect(after("deployment/demo/demo", "Deployment")).toEqual([
      "namespace/cluster/demo",
      "persistentvolumeclaim/demo/demo-data",
    ]);
    expect(
      after("deployment/miniflux/miniflux", "Deployment").map((id) =>
        id?.replace(/-[0-9a-f]{10}$/, "-<hash>"),
      ),
    ).toEqual([
      "cluster/miniflux/miniflux-db",
      // The OIDC client step writes miniflux-oidc, which the pod reads its client from.
      "job/pocket-id/oidc-clients-apps-<hash>",
      "namespace/cluster/miniflux",
      "secret/miniflux/miniflux-secrets",
    ]);
    expect(after("ingress/demo/demo-private", "Ingress")).toEqual([
      "deployment/demo/demo",
      "service/demo/demo",
    ]);
    expect(after("persistentvolumeclaim/demo/demo-data", "PersistentVolumeClaim")).toEqual([
      "namespace/cluster/demo",
      "persistentvolume/cluster/demo-data",
    ]);
  });

  test("the Miniflux admin password reaches only its Secret, redacted; the plaintext is nowhere", async () => {
    const rendered = await layer();
    const secret = rendered.documents.kubernetes.find((d) => d.body.kind === "Secret")?.body;
    expect(secret?.stringData).toEqual({ admin_password: REDACTED });
    const plaintext = "FAKE-miniflux-admin-password";
    expect(readFileSync(resolve(ROOT, "config/apps/Pulumi.example.yaml"), "utf8")).toContain(plaintext);
    expect(JSON.stringify(rendered.resources)).not.toContain(plaintext);
    expect(Object.values(rendered.files).length).toBeGreaterThan(0);
    for (const text of Object.values(rendered.files)) expect(text).not.toContain(plaintext);
  });

  test("hosts output names exposure and auth", async () => {
    expect((await layer()).outputs.hosts).toEqual([
      "demo.example.com (private, auth)",
      "rss.example.com (private, auth)",
    ]);
  });
});

describe("the apps program with other folders", () => {
  test("an empty folder deploys only the OIDC client step, which deletes the clients of removed apps", async () => {
    const run = await runApps(appsFolder({}));
    expect(run.resources.map((r) => r.name.replace(/-[0-9a-f]{10}$/, "-<hash>")).sort()).toEqual([
      "configmap/pocket-id/oidc-clients-apps",
      "job/pocket-id/oidc-clients-apps-<hash>",
      "serviceaccount/pocket-id/oidc-clients-apps",
    ]);
    expect(run.outputs.apps).toEqual([]);
  });

  test("adding an app is adding a file; function modules see the contracts", async () => {
    const dir = appsFolder({
      "hello.ts": whoami("hello"),
      "site.ts": `import { type AppContracts, app, pipe, withEnv, withPrivateIngress } from "$LIB";
export default ({ network }: AppContracts) =>
  pipe(app("site", { image: "nginx:1.27.3", port: 8080 }), withEnv({ URL: "https://site." + network.domain }), withPrivateIngress());
`,
    });
    const other = { ...CONTRACTS, network: { ...CONTRACTS.network, domain: "home.example.net" } };
    const run = await runApps(dir, {}, other);
    expect(run.outputs.apps).toEqual(["hello", "site"]);
    const deployment = run.resources.find((r) => r.name === "deployment/site/site");
    expect(JSON.stringify(deployment?.inputs)).toContain("https://site.home.example.net");
    const ingress = run.resources.find((r) => r.name === "ingress/hello/hello-private");
    expect(JSON.stringify(ingress?.inputs)).toContain('"host":"hello.home.example.net"');
  });

  test("a module that does not load fails the whole deploy, naming the file; nothing is created", async () => {
    const dir = appsFolder({ "good.ts": whoami("good"), "broken.ts": `throw new Error("boom");\n` });
    const message = await failure(dir);
    expect(message).toContain("1 problem(s) in homelab-apps");
    expect(message).toContain("nothing was changed");
    expect(message).toContain("broken.ts:1:11: does not load: boom");
  });

  test("a module without an app, or whose function throws", async () => {
    const dir = appsFolder({
      "empty.ts": "export const x = 1;\n",
      "throws.ts": `export default () => { throw new Error("no domain"); };\n`,
    });
    const message = await failure(dir);
    expect(message).toContain("empty.ts: has no default export of an app");
    expect(message).toContain("throws.ts: its default export threw: no domain");
  });

  test("validation problems of every app at once, each naming its file", async () => {
    const dir = appsFolder({
      "one.ts": `import { app, pipe, withPublicIngress } from "$LIB";
export default pipe(app("one", { image: "nginx", port: 80 }), withPublicIngress());
`,
      "two.ts": whoami("three"),
    });
    const message = await failure(dir);
    expect(message).toContain("3 problem(s)");
    expect(message).toContain('one.ts: app one: app(): image "nginx" is not pinned');
    expect(message).toContain("one.ts: app one: withPublicIngress: a public ingress without auth");
    expect(message).toContain(
      "two.ts: app three: is defined in two.ts.\n    fix: name the file three.ts or the app two",
    );
  });

  test("a file that is not an app module is an error, not silently skipped", async () => {
    const message = await failure(
      appsFolder({ "a.ts": whoami("a"), "b.js": "export default 1;\n", "README.md": "docs" }),
    );
    expect(message).toContain("b.js: is not an app module (.ts)");
    expect(message).not.toContain("README.md");
  });

  test("secrets: missing ones name the command; unused ones are flagged as typos", async () => {
    const dir = appsFolder({
      "vault.ts": `import { app, pipe, withSecretEnv } from "$LIB";
export default pipe(app("vault", { image: "a:1" }), withSecretEnv({ TOKEN: "token" }));
`,
    });
    expect(await failure(dir)).toContain(
      "vault.ts: app vault: withSecretEnv TOKEN: the apps stack config has no secret app_secrets.vault.token.\n    fix: set it: pulumi config set --secret --path 'app_secrets.vault.token' '<value>'",
    );
    const typo = await failure(dir, { app_secrets: JSON.stringify({ vault: { token: "t", tokn: "x" } }) });
    expect(typo).toContain("apps: app_secrets.vault.tokn is set but no app reads it");
    const run = await runApps(dir, { app_secrets: JSON.stringify({ vault: { token: "t0psecret" } }) });
    const secret = run.resources.find((r) => r.type === "kubernetes:core/v1:Secret");
    expect(secret?.inputs.stringData).toEqual({ token: REDACTED });
    expect(JSON.stringify(run.resources)).not.toContain("t0psecret");
    // Encrypted config read offline: the names are unknown, so nothing can be checked or leaked.
    expect((await runApps(dir, { app_secrets: ENCRYPTED })).outputs.apps).toEqual(["vault"]);
  });

  test("names shared across apps: PersistentVolumes and hosts may not collide", async () => {
    const volume = (app: string, vol: string) => `import { app, pipe, withNfsVolume } from "$LIB";
export default pipe(app("${app}", { image: "a:1" }), withNfsVolume({ name: "${vol}", path: "/x", mountPath: "/x" }));
`;
    const message = await failure(appsFolder({ "a-b.ts": volume("a-b", "c"), "a.ts": volume("a", "b-c") }));
    expect(message).toContain("a.ts: PersistentVolume a-b-c is also defined by a-b.ts");
    const hosts = await failure(
      appsFolder({
        "x.ts": whoami("x"),
        "y.ts": `import { app, pipe, withPrivateIngress } from "$LIB";
export default pipe(app("y", { image: "a:1", port: 80 }), withPrivateIngress({ subdomain: "x" }));
`,
      }),
    );
    expect(hosts).toContain("y.ts: host x.example.com is also defined by x.ts");
  });

  test("platform namespaces and hosts are off limits", async () => {
    const message = await failure(
      appsFolder({
        "pihole.ts": whoami("pihole"),
        "login.ts": `import { app, pipe, withPrivateIngress } from "$LIB";
export default pipe(app("login", { image: "a:1", port: 80 }), withPrivateIngress({ subdomain: "auth" }));
`,
        "longhorn.ts": `import { app, pipe, withPrivateIngress } from "$LIB";
export default pipe(app("longhorn", { image: "a:1", port: 80 }), withPrivateIngress());
`,
        "resolver.ts": `import { app, pipe, withPrivateIngress } from "$LIB";
export default pipe(app("resolver", { image: "a:1", port: 80 }), withPrivateIngress({ subdomain: "dns" }));
`,
        "sneaky.ts": `import { app, pipe, withNamespace } from "$LIB";
export default pipe(app("sneaky", { image: "a:1", port: 80 }), withNamespace("tinyauth"));
`,
      }),
    );
    // Sharing a namespace does not open the platform's to a user app.
    expect(message).toContain("sneaky.ts: app sneaky: its namespace tinyauth belongs to the platform");
    expect(message).toContain("pihole.ts: app pihole: its namespace pihole belongs to the platform");
    expect(message).toContain("login.ts: app login: auth.example.com is taken by the platform");
    // The auth layer's UI hosts come from its contract.
    expect(message).toContain("longhorn.ts: app longhorn: longhorn.example.com is taken by the platform");
    // The DNS server's LAN name comes from the network contract.
    expect(message).toContain("resolver.ts: app resolver: dns.example.com is taken by the platform");
  });

  test("the reserved list is the platform's namespaces, each one whole", () => {
    expect([...RESERVED_NAMESPACES].sort()).toEqual(
      [
        "cert-manager",
        "cnpg-system",
        "default",
        "external-dns",
        "kube-node-lease",
        "kube-public",
        "kube-system",
        "metallb-system",
        "pocket-id",
        "tinyauth",
        "traefik",
      ].sort(),
    );
  });

  test("every reserved namespace and every namespace the contracts name is refused to an app", () => {
    const named = [
      CONTRACTS.network.publicTraefikNamespace,
      CONTRACTS.network.privateTraefikNamespace,
      CONTRACTS.network.piholeNamespace,
      CONTRACTS.storage.longhornNamespace,
    ];
    expect(named).toContain("longhorn-system");
    expect(refusedNamespaces([...RESERVED_NAMESPACES, ...named])).toEqual([...RESERVED_NAMESPACES, ...named]);
  });

  test("every namespace the platform's layers create or install into is refused to an app", async () => {
    const platform = new Set<string>();
    for (const layer of ["network", "storage", "auth"] as const) {
      const { plan } = await renderedLayer(layer);
      for (const release of plan.releases) platform.add(release.namespace);
      for (const { object } of plan.objects) {
        if (object.kind === "Namespace") platform.add(object.metadata.name);
        if (object.metadata.namespace !== undefined) platform.add(object.metadata.namespace);
      }
    }
    expect(platform).toContain("longhorn-system");
    expect(platform.size).toBeGreaterThan(5);
    expect(refusedNamespaces([...platform])).toEqual([...platform]);
  });

  test("the shipped apps folder holds only app modules", async () => {
    const { appFiles } = await import("../../../../lib/layers/apps/plan.ts");
    expect(appFiles(APPS_DIR)).toEqual({ modules: ["demo.ts", "miniflux.ts"], strays: [] });
  });
});

describe("the README's Add an app section is the shipped demo app", () => {
  const block = (markdown: string): string | undefined =>
    /## Add an app[\s\S]*?```ts\n([\s\S]*?)```/.exec(markdown)?.[1];

  test("README.md shows demo.ts and miniflux.ts byte for byte", () => {
    const docs = readFileSync(resolve(ROOT, "README.md"), "utf8");
    expect(block(docs)).toBe(readFileSync(resolve(APPS_DIR, "demo.ts"), "utf8"));
    const blocks = [...docs.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(blocks).toEqual([
      readFileSync(resolve(APPS_DIR, "demo.ts"), "utf8"),
      readFileSync(resolve(APPS_DIR, "miniflux.ts"), "utf8"),
    ]);
  });
});
