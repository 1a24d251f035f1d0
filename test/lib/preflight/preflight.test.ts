/**
 * The preflight passes the example stack, and each of its rules fires when the example's plans are
 * broken on purpose, among them the ways the first deploy used to fail (issue: first deploy on a
 * control-plane-only Talos cluster).
 */
import { describe, expect, test } from "bun:test";
import type { Layer } from "../../../lib/core/layerNames.ts";
import {
  type KubeObject,
  type Plan,
  type PlannedObject,
  type PlannedRelease,
  valueAt,
} from "../../../lib/core/plan.ts";
import { formatProblem } from "../../../lib/core/problem.ts";
import { CONTROL_PLANE_TOLERATION } from "../../../lib/k8s/talos.ts";
import { type LayerPlan, lanDnsOf, preflight } from "../../../lib/preflight/index.ts";
import { preflightOf } from "../../../lib/render/render.ts";
import { EXAMPLE_NETWORK } from "../../support/contracts.ts";
import { renderedStack } from "../../support/render.ts";

const layers = async (): Promise<LayerPlan[]> =>
  (await renderedStack()).map(({ layer, plan }) => ({ layer, plan }));

type Edit = (plan: Plan) => Plan;

const editObject =
  (id: string, edit: (planned: PlannedObject) => PlannedObject): Edit =>
  (plan) => {
    if (!plan.objects.some((planned) => planned.id === id)) throw new Error(`no object ${id}`);
    return { ...plan, objects: plan.objects.map((planned) => (planned.id === id ? edit(planned) : planned)) };
  };

const editRelease =
  (id: string, edit: (release: PlannedRelease) => PlannedRelease): Edit =>
  (plan) => {
    if (!plan.releases.some((release) => release.id === id)) throw new Error(`no release ${id}`);
    return {
      ...plan,
      releases: plan.releases.map((release) => (release.id === id ? edit(release) : release)),
    };
  };

const addObjects =
  (...objects: PlannedObject[]): Edit =>
  (plan) => ({ ...plan, objects: [...plan.objects, ...objects] });

/** The preflight's findings after editing one layer's plan, as `item: message` lines. */
const findings = async (layer: Layer, ...edits: Edit[]): Promise<string[]> => {
  const edited = (await layers()).map((entry) =>
    entry.layer === layer ? { ...entry, plan: edits.reduce((plan, edit) => edit(plan), entry.plan) } : entry,
  );
  return preflight(edited, lanDnsOf(EXAMPLE_NETWORK)).map(
    (problem) => `${problem.where.object}: ${problem.what}`,
  );
};

const withSpec = (object: KubeObject, edit: (spec: Record<string, unknown>) => Record<string, unknown>) => ({
  ...object,
  spec: edit(structuredClone(valueAt(object, "spec")) as Record<string, unknown>),
});

const withoutTolerations = (planned: PlannedObject): PlannedObject => ({
  ...planned,
  object: withSpec(planned.object, (spec) => {
    const pod = (spec.template as { spec: Record<string, unknown> }).spec;
    delete pod.tolerations;
    return spec;
  }),
});

describe("the example stack", () => {
  test("passes the preflight", async () => {
    expect(preflightOf(await renderedStack()).map(formatProblem)).toEqual([]);
  });
});

describe("one release per CRD", () => {
  test("external-dns releases without skipCrds each install the DNSEndpoint CRD (the old failure)", async () => {
    const installsCrds = (release: PlannedRelease): PlannedRelease => ({ ...release, skipCrds: undefined });
    expect(
      await findings(
        "network",
        editRelease("helm/external-dns/external-dns-cloudflare", installsCrds),
        editRelease("helm/external-dns/external-dns-pihole-primary", installsCrds),
      ),
    ).toEqual([
      "helm/external-dns/external-dns-pihole-primary: installs the externaldns.k8s.io CRDs, which helm/external-dns/external-dns-cloudflare (network) installs already: the provider fails with AlreadyExists",
    ]);
  });

  test("both Traefik releases with their crds/ folder: one finding naming every group", async () => {
    expect(
      await findings(
        "network",
        editRelease("helm/traefik-private/traefik-private", (release) => ({
          ...release,
          skipCrds: undefined,
        })),
      ),
    ).toEqual([
      "helm/traefik-private/traefik-private: installs the traefik.io, hub.traefik.io CRDs, which helm/traefik-public/traefik-public (network) installs already: the provider fails with AlreadyExists",
    ]);
  });

  test("skipCrds does nothing for CRDs from templates: their switch decides", async () => {
    const second: PlannedRelease = {
      ...((await layers())[0]?.plan.releases.find(
        (release) => release.id === "helm/cert-manager/cert-manager",
      ) as PlannedRelease),
      id: "helm/cert-manager/second",
      name: "second",
      skipCrds: true,
    };
    const withSecond: Edit = (plan) => ({ ...plan, releases: [...plan.releases, second] });
    expect((await findings("network", withSecond)).filter((line) => line.includes("AlreadyExists"))).toEqual([
      "helm/cert-manager/second: installs the cert-manager.io, acme.cert-manager.io CRDs, which helm/cert-manager/cert-manager (network) installs already: the provider fails with AlreadyExists",
    ]);
  });

  test("a custom resource whose CRD no release installs", async () => {
    const found = await findings(
      "network",
      editRelease("helm/traefik-public/traefik-public", (release) => ({ ...release, skipCrds: true })),
    );
    expect(found).toContain(
      "tlsstore/traefik-public/default: TLSStore traefik-public/default is a traefik.io resource, and no release installs its CRD",
    );
    // The auth layer's Middlewares and IngressRoutes need them too.
    expect(found.filter((line) => line.startsWith("ingressroute/traefik-")).length).toBeGreaterThan(0);
  });
});

describe("every pod tolerates the control-plane taint", () => {
  test("a Deployment of ours without it (Pocket ID, the old failure)", async () => {
    expect(await findings("auth", editObject("deployment/pocket-id/pocket-id", withoutTolerations))).toEqual([
      "deployment/pocket-id/pocket-id: Deployment pocket-id/pocket-id has pods without the control-plane toleration: they stay Pending on control-plane-only nodes",
    ]);
  });

  test("a CloudNativePG cluster without spec.affinity.tolerations (the old failure)", async () => {
    const id = "cluster/miniflux/miniflux-db";
    const found = await findings(
      "apps",
      editObject(id, (planned) => ({
        ...planned,
        object: withSpec(planned.object, ({ affinity: _, ...spec }) => spec),
      })),
    );
    expect(found).toEqual([
      `${id}: Cluster miniflux/miniflux-db has pods without the control-plane toleration: they stay Pending on control-plane-only nodes`,
    ]);
  });

  test("chart values: a list, a flag and Longhorn's setting", async () => {
    const values = (edit: (values: Record<string, unknown>) => void) => (release: PlannedRelease) => {
      const copy = structuredClone(release.values);
      edit(copy);
      return { ...release, values: copy };
    };
    expect(
      await findings(
        "network",
        editRelease(
          "helm/cert-manager/cert-manager",
          values((v) => {
            (v.webhook as Record<string, unknown>).tolerations = [];
          }),
        ),
        editRelease(
          "helm/metallb-system/metallb",
          values((v) => {
            (v.speaker as Record<string, unknown>).tolerateMaster = false;
          }),
        ),
      ),
    ).toEqual([
      "helm/metallb-system/metallb: the speaker pods of metallb do not tolerate the control-plane taint",
      "helm/cert-manager/cert-manager: the webhook pods of cert-manager do not tolerate the control-plane taint",
    ]);
    expect(
      await findings(
        "storage",
        editRelease(
          "helm/longhorn-system/longhorn",
          values((v) => {
            delete (v.defaultSettings as Record<string, unknown>).taintToleration;
          }),
        ),
      ),
    ).toEqual([
      "helm/longhorn-system/longhorn: the system-managed pods of longhorn do not tolerate the control-plane taint",
    ]);
  });

  test("what counts as tolerating: Exists with or without the key, Equal with an empty value", async () => {
    const { toleratesControlPlane } = await import("../../../lib/preflight/tolerations.ts");
    expect(toleratesControlPlane([CONTROL_PLANE_TOLERATION])).toBe(true);
    expect(toleratesControlPlane([{ operator: "Exists" }])).toBe(true);
    expect(toleratesControlPlane([{ key: CONTROL_PLANE_TOLERATION.key, operator: "Equal", value: "" }])).toBe(
      true,
    );
    expect(toleratesControlPlane([{ ...CONTROL_PLANE_TOLERATION, effect: "NoExecute" }])).toBe(false);
    expect(toleratesControlPlane([{ key: "node-role.kubernetes.io/master", operator: "Exists" }])).toBe(
      false,
    );
    expect(toleratesControlPlane(undefined)).toBe(false);
  });
});

describe("nothing awaited depends on a later layer", () => {
  const claim = (name: string, storageClassName?: string): PlannedObject => ({
    id: `persistentvolumeclaim/pihole/${name}`,
    after: ["namespace/cluster/pihole"],
    object: {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name, namespace: "pihole" },
      spec: {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: "1Gi" } },
        ...(storageClassName === undefined ? {} : { storageClassName }),
      },
    },
  });

  test("a network claim on the default class, which the storage layer creates (the old Pi-hole failure)", async () => {
    const mounted = (planned: PlannedObject): PlannedObject => ({
      ...planned,
      object: withSpec(planned.object, (spec) => {
        (spec.template as { spec: Record<string, unknown> }).spec.volumes = [
          { name: "config", persistentVolumeClaim: { claimName: "pihole-primary-config" } },
        ];
        return spec;
      }),
      after: [...planned.after, "persistentvolumeclaim/pihole/pihole-primary-config"],
    });
    expect(
      await findings(
        "network",
        addObjects(claim("pihole-primary-config")),
        editObject("deployment/pihole/pihole-primary", mounted),
      ),
    ).toEqual([
      "deployment/pihole/pihole-primary: Deployment pihole/pihole-primary waits for ready pods, but its claim pihole-primary-config cannot bind: the default StorageClass comes from helm/longhorn-system/longhorn in the storage layer, later",
      "persistentvolumeclaim/pihole/pihole-primary-config: PersistentVolumeClaim pihole/pihole-primary-config is awaited until Bound, but the default StorageClass comes from helm/longhorn-system/longhorn in the storage layer, later",
    ]);
  });

  test("a claim of a class nothing creates; skipAwait turns the await (and the finding) off", async () => {
    const missing = claim("data", "fast-ssd");
    expect(await findings("network", addObjects(missing))).toEqual([
      "persistentvolumeclaim/pihole/data: PersistentVolumeClaim pihole/data is awaited until Bound, but nothing creates StorageClass fast-ssd",
    ]);
    const skipped = {
      ...missing,
      object: {
        ...missing.object,
        metadata: { ...missing.object.metadata, annotations: { "pulumi.com/skipAwait": "true" } },
      },
    };
    expect(await findings("network", addObjects(skipped))).toEqual([]);
  });

  test("a LoadBalancer Service that does not wait for its MetalLB pool", async () => {
    expect(
      await findings(
        "network",
        editObject("service/pihole/pihole-dns", (planned) => ({
          ...planned,
          after: ["namespace/cluster/pihole"],
        })),
      ),
    ).toEqual([
      "service/pihole/pihole-dns: Service pihole/pihole-dns is awaited until it has an address, but MetalLB pool dns exists before it",
    ]);
  });

  test("an Ingress of a class no layer creates", async () => {
    expect(
      await findings(
        "apps",
        editObject("ingress/demo/demo-private", (planned) => ({
          ...planned,
          object: withSpec(planned.object, (spec) => ({ ...spec, ingressClassName: "nginx" })),
        })),
      ),
    ).toEqual([
      "ingress/demo/demo-private: Ingress demo/demo-private is awaited until its controller reports an address, but IngressClass nginx does not exist before it",
    ]);
  });
});

describe("custom resources wait for their webhook", () => {
  test("MetalLB pools created right after the chart (the old failure)", async () => {
    const found = await findings(
      "network",
      editObject("ipaddresspool/metallb-system/lan", (planned) => ({
        ...planned,
        after: ["namespace/cluster/metallb-system", "helm/metallb-system/metallb"],
      })),
    );
    expect(found).toEqual([
      "ipaddresspool/metallb-system/lan: IPAddressPool metallb-system/lan can be created before helm/metallb-system/metallb's webhook answers: the provider does not retry a refused create",
    ]);
  });

  test("a later layer's resource needs a gate in the chart's layer; CloudNativePG's readiness is one unless skipAwait", async () => {
    const withoutGate: Edit = (plan) => ({
      ...plan,
      objects: plan.objects.filter((planned) => !planned.id.includes("cert-manager-webhook-gate")),
    });
    const found = await findings("network", withoutGate);
    expect(found).toContain(
      "clusterissuer/cluster/letsencrypt-production: ClusterIssuer letsencrypt-production can be created before helm/cert-manager/cert-manager's webhook answers: the provider does not retry a refused create",
    );
    expect(
      await findings(
        "storage",
        editRelease("helm/cnpg-system/cloudnative-pg", (release) => ({ ...release, skipAwait: true })),
      ),
    ).toEqual([
      "cluster/miniflux/miniflux-db: Cluster miniflux/miniflux-db can be created before helm/cnpg-system/cloudnative-pg's webhook answers: the provider does not retry a refused create",
      "scheduledbackup/miniflux/miniflux-db: ScheduledBackup miniflux/miniflux-db can be created before helm/cnpg-system/cloudnative-pg's webhook answers: the provider does not retry a refused create",
    ]);
  });
});

describe("one LAN IP per host", () => {
  test("a host with an Ingress on each class and no LAN target (the old split-horizon leak)", async () => {
    const withoutLanTarget = (planned: PlannedObject): PlannedObject => {
      const { [`${EXAMPLE_NETWORK.lanDnsAnnotationPrefix}target`]: _, ...annotations } =
        planned.object.metadata.annotations ?? {};
      return {
        ...planned,
        object: { ...planned.object, metadata: { ...planned.object.metadata, annotations } },
      };
    };
    expect(
      await findings("auth", editObject("ingress/pocket-id/pocket-id-public", withoutLanTarget)),
    ).toEqual([
      "ingress/pocket-id/pocket-id-public: pocketid.example.com resolves on the LAN to 192.168.4.71 and 192.168.4.70 (ingress/pocket-id/pocket-id-private, ingress/pocket-id/pocket-id-public)",
    ]);
  });

  test("a route taking the DNS server's LAN name (published from the DNS Service)", async () => {
    const dnsNamed = (planned: PlannedObject): PlannedObject => ({
      ...planned,
      object: withSpec(planned.object, (spec) => {
        const rules = spec.rules as { host: string }[];
        return { ...spec, rules: rules.map((rule) => ({ ...rule, host: "dns.example.com" })) };
      }),
    });
    expect(await findings("auth", editObject("ingress/pocket-id/pocket-id-private", dnsNamed))).toEqual([
      "ingress/pocket-id/pocket-id-private: dns.example.com resolves on the LAN to 192.168.4.53 and 192.168.4.71 (service/pihole/pihole-dns, ingress/pocket-id/pocket-id-private)",
    ]);
  });
});

describe("OIDC callbacks on hosts their app serves", () => {
  /** The apps layer's OIDC step ConfigMap with Miniflux's callback moved to `url`. */
  const callbackAt =
    (url: string): Edit =>
    (plan) => ({
      ...plan,
      objects: plan.objects.map((planned) => {
        if (planned.object.kind !== "ConfigMap" || planned.id !== "configmap/pocket-id/oidc-clients-apps")
          return planned;
        const data = { ...(planned.object as { data: Record<string, string> }).data };
        const state = JSON.parse(data["desired.json"] ?? "") as { clients: { callbackUrls: string[] }[] };
        for (const client of state.clients) client.callbackUrls = [url];
        data["desired.json"] = JSON.stringify(state);
        return { ...planned, object: { ...planned.object, data } as KubeObject };
      }),
    });

  test("Miniflux's callback on rss.<domain>, which its Ingress serves, passes", async () => {
    expect(await findings("apps", callbackAt("https://rss.example.com/oauth2/oidc/callback"))).toEqual([]);
  });

  test("a callback on a host the app does not serve is refused, naming the hosts it does", async () => {
    expect(await findings("apps", callbackAt("https://news.example.com/oauth2/oidc/callback"))).toEqual([
      "configmap/pocket-id/oidc-clients-apps: OIDC client homelab-apps-miniflux: callback https://news.example.com/oauth2/oidc/callback is not on a host an Ingress in namespace miniflux serves (rss.example.com), so Pocket ID would send every login to a page the app does not answer",
    ]);
  });

  test("Tinyauth's callback (auth layer) is checked against Tinyauth's Ingresses", async () => {
    const moved: Edit = (plan) => ({
      ...plan,
      objects: plan.objects.filter((planned) => !planned.id.startsWith("ingress/tinyauth/")),
    });
    expect((await findings("auth", moved)).filter((line) => line.includes("OIDC client"))).toEqual([
      "configmap/pocket-id/oidc-clients-auth: OIDC client homelab-auth-tinyauth: callback https://auth.example.com/api/oauth/callback/pocketid is not on a host an Ingress in namespace tinyauth serves (none), so Pocket ID would send every login to a page the app does not answer",
    ]);
  });
});

describe("database restores never replace the live database", () => {
  const LIVE = "cluster/miniflux/miniflux-db";
  const recovery = (backup: string, database = "miniflux") => ({
    recovery: { backup: { name: backup }, database, owner: database },
  });
  const bootstrapped =
    (bootstrap: object, name?: string) =>
    (planned: PlannedObject): PlannedObject => {
      const object = withSpec(planned.object, (spec) => ({ ...spec, bootstrap }));
      const renamed = { ...object, metadata: { ...object.metadata, name: name ?? object.metadata.name } };
      return { ...planned, id: name ? `cluster/miniflux/${name}` : planned.id, object: renamed };
    };
  const live = async (): Promise<PlannedObject> => {
    const apps = (await layers()).find((entry) => entry.layer === "apps");
    const found = apps?.plan.objects.find((planned) => planned.id === LIVE);
    if (!found) throw new Error("no live cluster");
    return found;
  };
  const copy = async (bootstrap: object) =>
    bootstrapped(bootstrap, "miniflux-db-r20261207163000")(await live());

  test("a new cluster from a backup of the live one, beside it, passes", async () => {
    expect(await findings("apps", addObjects(await copy(recovery("miniflux-db-20261207163000"))))).toEqual(
      [],
    );
  });

  test("the live cluster bootstrapped again from its own backup is refused", async () => {
    expect(
      await findings("apps", editObject(LIVE, bootstrapped(recovery("miniflux-db-20261207163000")))),
    ).toEqual([
      "cluster/miniflux/miniflux-db: restores its own backup miniflux-db-20261207163000 into itself: the live database would be bootstrapped again (replaced)",
    ]);
  });

  test("a restore that drops the live cluster from the deploy is refused", async () => {
    const restored = await copy(recovery("miniflux-db-20261207163000"));
    const swap: Edit = (plan) => ({
      ...plan,
      objects: plan.objects.map((planned) => (planned.id === LIVE ? restored : planned)),
    });
    expect(await findings("apps", swap)).toEqual([
      "cluster/miniflux/miniflux-db-r20261207163000: restores miniflux-db-20261207163000 of miniflux-db, which this deploy does not keep: the live database would be deleted",
    ]);
  });

  test("a backup of another database is refused", async () => {
    expect(
      await findings("apps", addObjects(await copy(recovery("miniflux-db-20261207163000", "feeds")))),
    ).toEqual([
      "cluster/miniflux/miniflux-db-r20261207163000: restores miniflux-db-20261207163000, a backup of database miniflux, as database feeds: not the same database",
    ]);
  });
});
