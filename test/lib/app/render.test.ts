/** The pure renderer and the reference checks, without the Pulumi runtime. */
import { describe, expect, test } from "bun:test";
import {
  addCapabilities,
  allowRunAsRoot,
  withAuth,
  withConfigFile,
  withLonghornVolume,
  withNfsVolume,
  withPostgres,
  withPrivateIngress,
  withPublicIngress,
  withSecretEnv,
} from "../../../lib/app/index.ts";
import { type KubeObject, type PlannedObject, podSecurityLevel, renderApp } from "../../../lib/app/render.ts";
import { type AppSecrets, NO_APP_SECRETS, parseAppSecrets } from "../../../lib/app/secrets.ts";
import { type AppSpec, app, pipe } from "../../../lib/app/spec.ts";
import { validateApp } from "../../../lib/app/validate.ts";
import { isSecret, reveal } from "../../../lib/config/secret.ts";
import { checkReferences } from "../../../lib/layers/apps/integrity/index.ts";
import demo from "../../../programs/apps/apps/demo.ts";
import miniflux from "../../../programs/apps/apps/miniflux.ts";
import {
  CONTRACTS,
  clusterStructureProblems,
  cnpgClusterSchema,
  one,
  podSpec,
  schemaProblems,
  specOf,
} from "../../support/apps.ts";
import { validateObject } from "../../support/kubernetesModels.ts";

const render = (spec: AppSpec, secrets: AppSecrets = NO_APP_SECRETS): PlannedObject[] =>
  renderApp(spec, CONTRACTS, secrets)._unsafeUnwrap();
const objectsOf = (spec: AppSpec, secrets?: AppSecrets): KubeObject[] =>
  render(spec, secrets).map((o) => o.object);
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const secrets = (json: object): AppSecrets => parseAppSecrets(JSON.stringify(json))._unsafeUnwrap();

/** Uses every builder, to validate every kind of object the renderer can produce. */
const kitchenSink = pipe(
  app("sink", { image: "ghcr.io/example/sink:1.2.3", port: 3000, user: 1000 }),
  withNfsVolume({ name: "media", path: "/volume1/media", mountPath: "/media", readOnly: true }),
  withLonghornVolume({ name: "data", mountPath: "/data", size: "10Gi" }),
  withLonghornVolume({ name: "cache", mountPath: "/cache", size: "2Gi", backup: false }),
  withPrivateIngress(),
  withPublicIngress({ subdomain: "sink-public" }),
  withAuth({ emails: ["me@example.com"], groups: ["family", "admins"], users: ["local"] }),
  withPostgres({ database: "sink", env: { url: "DATABASE_URL", host: "PGHOST", password: "PGPASSWORD" } }),
  withSecretEnv({ API_TOKEN: "api_token" }),
  withConfigFile("/etc/sink/config.yaml", "level: info\n"),
);
const SINK_SECRETS = secrets({ sink: { api_token: "s3cr3t-token" } });

describe("the demo app", () => {
  const objects = render(demo);

  test("renders exactly these objects, in creation order, with their dependencies", () => {
    expect(objects.map((o) => [o.id, o.stateful ?? false, o.after])).toEqual([
      ["namespace/cluster/demo", true, []],
      ["persistentvolume/cluster/demo-data", true, []],
      [
        "persistentvolumeclaim/demo/demo-data",
        true,
        ["namespace/cluster/demo", "persistentvolume/cluster/demo-data"],
      ],
      ["deployment/demo/demo", false, ["namespace/cluster/demo", "persistentvolumeclaim/demo/demo-data"]],
      ["service/demo/demo", false, ["namespace/cluster/demo"]],
      ["ingress/demo/demo-private", false, ["service/demo/demo", "deployment/demo/demo"]],
    ]);
  });

  test("matches the committed snapshot", () => {
    expect(plain(objects)).toMatchSnapshot();
  });

  test("passes the reference checks", () => {
    expect(checkReferences(objects.map((o) => o.object))).toEqual([]);
  });
});

describe("static NFS volumes bind and are retained", () => {
  const objects = objectsOf(
    withNfsVolume({ name: "media", path: "/volume1/media", mountPath: "/m" })(app("x", { image: "a:1" })),
  );
  const pv = specOf(one(objects, "PersistentVolume"));
  const pvc = specOf(one(objects, "PersistentVolumeClaim"));

  test("the PV points at the contract's NFS server through csi-driver-nfs, Retain", () => {
    expect(pv.csi).toEqual({
      driver: "nfs.csi.k8s.io",
      volumeHandle: "nas.lan/volume1/media#x-media",
      readOnly: false,
      volumeAttributes: { server: "nas.lan", share: "/volume1/media" },
    });
    expect(pv.persistentVolumeReclaimPolicy).toBe("Retain");
    expect(pv.mountOptions).toEqual(["nfsvers=4.1"]);
  });

  test("PV and PVC name each other and share the empty storage class", () => {
    expect(pv.claimRef).toEqual({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      namespace: "x",
      name: "x-media",
    });
    expect(pvc.volumeName).toBe("x-media");
    expect(pv.storageClassName).toBe("");
    expect(pvc.storageClassName).toBe("");
    expect(pv.accessModes).toEqual(pvc.accessModes);
    expect(pvc.resources.requests.storage).toBe(pv.capacity.storage);
  });

  test("read-only NFS mounts are ReadOnlyMany and mounted read-only", () => {
    const ro = objectsOf(
      withNfsVolume({ name: "m", path: "/m", mountPath: "/m", readOnly: true })(app("x", { image: "a:1" })),
    );
    expect(specOf(one(ro, "PersistentVolume")).accessModes).toEqual(["ReadOnlyMany"]);
    expect(podSpec(ro).containers[0].volumeMounts).toEqual([{ name: "m", mountPath: "/m", readOnly: true }]);
  });

  test("an NFS-only app rolls (RWX), a Longhorn app recreates (RWO)", () => {
    expect(specOf(one(objects, "Deployment")).strategy).toEqual({ type: "RollingUpdate" });
    const rwo = objectsOf(
      withLonghornVolume({ name: "d", mountPath: "/d", size: "1Gi" })(app("x", { image: "a:1" })),
    );
    expect(specOf(one(rwo, "Deployment")).strategy).toEqual({ type: "Recreate" });
  });
});

describe("Longhorn volumes", () => {
  const objects = objectsOf(kitchenSink, SINK_SECRETS);
  test("claims use the contract's class and join the trim group, and the backup group unless opted out", () => {
    const data = one(objects, "PersistentVolumeClaim", "sink-data");
    expect(specOf(data).storageClassName).toBe("longhorn");
    expect(specOf(data).accessModes).toEqual(["ReadWriteOnce"]);
    expect(specOf(data).resources.requests.storage).toBe("10Gi");
    expect(data.metadata.labels).toMatchObject({
      "recurring-job.longhorn.io/source": "enabled",
      "recurring-job-group.longhorn.io/trim": "enabled",
      "recurring-job-group.longhorn.io/backup": "enabled",
    });
    const cache = one(objects, "PersistentVolumeClaim", "sink-cache");
    expect(cache.metadata.labels?.["recurring-job-group.longhorn.io/trim"]).toBe("enabled");
    expect(cache.metadata.labels?.["recurring-job-group.longhorn.io/backup"]).toBeUndefined();
  });

  test("every claim, PV, the Cluster and the namespace are marked stateful", () => {
    const stateful = render(kitchenSink, SINK_SECRETS)
      .filter((o) => o.stateful)
      .map((o) => o.id);
    expect(stateful).toEqual([
      "namespace/cluster/sink",
      "persistentvolume/cluster/sink-media",
      "persistentvolumeclaim/sink/sink-media",
      "persistentvolumeclaim/sink/sink-data",
      "persistentvolumeclaim/sink/sink-cache",
      "cluster/sink/sink-db",
    ]);
  });

  test("the group names come from the storage contract", () => {
    const other = {
      ...CONTRACTS,
      storage: { ...CONTRACTS.storage, backupJobGroup: "nightly", trimJobGroup: "weekly-trim" },
    };
    const claim = renderApp(
      withLonghornVolume({ name: "d", mountPath: "/d", size: "1Gi" })(app("x", { image: "a:1" })),
      other,
      NO_APP_SECRETS,
    )
      ._unsafeUnwrap()
      .find((o) => o.object.kind === "PersistentVolumeClaim");
    expect(Object.keys(claim?.object.metadata.labels ?? {}).filter((k) => k.startsWith("recurring"))).toEqual(
      [
        "recurring-job.longhorn.io/source",
        "recurring-job-group.longhorn.io/weekly-trim",
        "recurring-job-group.longhorn.io/nightly",
      ],
    );
  });
});

describe("ingresses", () => {
  const objects = objectsOf(kitchenSink, SINK_SECRETS);
  const priv = one(objects, "Ingress", "sink-private");
  const pub = one(objects, "Ingress", "sink-public");

  test("one Ingress per exposure, class from the network contract, TLS for the host", () => {
    expect(specOf(priv).ingressClassName).toBe("traefik-private");
    expect(specOf(pub).ingressClassName).toBe("traefik-public");
    expect(specOf(priv).tls).toEqual([{ hosts: ["sink.example.com"] }]);
    expect(specOf(pub).rules[0].host).toBe("sink-public.example.com");
    expect(specOf(pub).rules[0].http.paths[0].backend).toEqual({
      service: { name: "sink", port: { name: "http" } },
    });
  });

  test("auth middleware from the auth contract, per exposure", () => {
    expect(priv.metadata.annotations?.["traefik.ingress.kubernetes.io/router.middlewares"]).toBe(
      "tinyauth-private-auth@kubernetescrd",
    );
    expect(pub.metadata.annotations?.["traefik.ingress.kubernetes.io/router.middlewares"]).toBe(
      "tinyauth-public-auth@kubernetescrd",
    );
  });

  test("Tinyauth v5 ACL annotations carry emails, groups and local users", () => {
    expect(pub.metadata.annotations).toMatchObject({
      "tinyauth.apps.sink.config.domain": "sink-public.example.com",
      "tinyauth.apps.sink.oauth.whitelist": "me@example.com",
      "tinyauth.apps.sink.oauth.groups": "family,admins",
      "tinyauth.apps.sink.users.allow": "local",
    });
  });

  test("public: external-dns target is the contract's externalHostname; private: no target", () => {
    expect(pub.metadata.annotations?.["external-dns.alpha.kubernetes.io/target"]).toBe(
      "external.example.com",
    );
    expect(pub.metadata.annotations?.["external-dns.alpha.kubernetes.io/cloudflare-proxied"]).toBe("false");
    expect(Object.keys(priv.metadata.annotations ?? {}).filter((k) => k.startsWith("external-dns"))).toEqual(
      [],
    );
  });

  test("an explicit noAuth waiver has no middleware and records its reason", () => {
    const open = objectsOf(
      withPublicIngress({ noAuth: "public blog" })(app("blog", { image: "a:1", port: 80 })),
    );
    const ingress = one(open, "Ingress");
    expect(
      ingress.metadata.annotations?.["traefik.ingress.kubernetes.io/router.middlewares"],
    ).toBeUndefined();
    expect(ingress.metadata.annotations?.["homelab/public-without-auth"]).toBe("public blog");
  });
});

describe("pods: secure defaults and opt-outs", () => {
  test("non-root, no privilege escalation, capabilities dropped, seccomp, default resources", () => {
    const pod = podSpec(objectsOf(demo));
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: "50m", memory: "64Mi" },
      limits: { cpu: "1", memory: "256Mi" },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
  });

  test("the namespace enforces the strictest Pod Security level the app meets", () => {
    const base = app("x", { image: "a:1" });
    expect(podSecurityLevel(base)).toBe("restricted");
    expect(podSecurityLevel(addCapabilities(["NET_BIND_SERVICE"], "port 53")(base))).toBe("restricted");
    expect(podSecurityLevel(allowRunAsRoot("s6")(base))).toBe("baseline");
    expect(podSecurityLevel(addCapabilities(["CHOWN"], "chown")(base))).toBe("baseline");
    expect(podSecurityLevel(addCapabilities(["NET_ADMIN"], "dhcp")(base))).toBe("privileged");
    const ns = one(objectsOf(allowRunAsRoot("s6")(base)), "Namespace");
    expect(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("baseline");
  });

  test("allowRunAsRoot drops the non-root settings; capabilities are added back by name", () => {
    const pod = podSpec(
      objectsOf(pipe(app("x", { image: "a:1" }), allowRunAsRoot("s6"), addCapabilities(["CHOWN"], "chown"))),
    );
    expect(pod.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext.runAsNonRoot).toBeUndefined();
    expect(pod.containers[0].securityContext.capabilities).toEqual({ drop: ["ALL"], add: ["CHOWN"] });
    expect(pod.containers[0].securityContext.allowPrivilegeEscalation).toBe(false);
  });
});

describe("secrets, Postgres and config files", () => {
  test("secret env comes from the app's Secret, whose values stay Secrets until the Pulumi edge", () => {
    const objects = objectsOf(kitchenSink, SINK_SECRETS);
    const secret = one(objects, "Secret");
    const value = (secret.stringData as Record<string, unknown>).api_token;
    expect(isSecret(value)).toBe(true);
    expect(reveal(value as Parameters<typeof reveal>[0])).toBe("s3cr3t-token");
    expect(JSON.stringify(objects)).not.toContain("s3cr3t-token");
    const env = podSpec(objects).containers[0].env;
    expect(env.find((e: { name: string }) => e.name === "API_TOKEN")).toEqual({
      name: "API_TOKEN",
      valueFrom: { secretKeyRef: { name: "sink-secrets", key: "api_token" } },
    });
  });

  test("a secret missing from config is an error with the command to set it", () => {
    const result = renderApp(kitchenSink, CONTRACTS, NO_APP_SECRETS);
    expect(result._unsafeUnwrapErr()).toEqual([
      {
        where: { app: "sink", part: "withSecretEnv API_TOKEN" },
        what: "the apps stack config has no secret app_secrets.sink.api_token",
        fix: "set it: pulumi config set --secret --path 'app_secrets.sink.api_token' '<value>'",
      },
    ]);
  });

  test("encrypted config read offline renders with unknown values", () => {
    expect(renderApp(kitchenSink, CONTRACTS, { known: false }).isOk()).toBe(true);
  });

  test("Postgres connection details come from the operator's secret; the URL is its encoded uri", () => {
    const env = podSpec(objectsOf(kitchenSink, SINK_SECRETS)).containers[0].env;
    const fromDb = env.filter(
      (e: { valueFrom?: { secretKeyRef?: { name: string } } }) =>
        e.valueFrom?.secretKeyRef?.name === "sink-db-app",
    );
    expect(fromDb).toEqual([
      { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "sink-db-app", key: "uri" } } },
      { name: "PGHOST", valueFrom: { secretKeyRef: { name: "sink-db-app", key: "host" } } },
      { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "sink-db-app", key: "password" } } },
    ]);
    expect(env.some((e: { value?: string }) => e.value?.includes("postgres"))).toBe(false);
  });

  test("the Cluster: Longhorn class, pinned image, owner = database, no PDB for one instance, backup labels", () => {
    const cluster = one(objectsOf(kitchenSink, SINK_SECRETS), "Cluster");
    expect(cluster.metadata).toMatchObject({ name: "sink-db", namespace: "sink" });
    expect(specOf(cluster)).toEqual({
      instances: 1,
      imageName: "ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie",
      enablePDB: false,
      enableSuperuserAccess: false,
      bootstrap: { initdb: { database: "sink", owner: "sink" } },
      storage: { size: "5Gi", storageClass: "longhorn" },
      // Online volume-snapshot backups of the storage contract's class (Longhorn backups on the NAS).
      backup: {
        volumeSnapshot: {
          className: "longhorn-backup",
          online: true,
          onlineConfiguration: { immediateCheckpoint: true, waitForArchive: true },
          snapshotOwnerReference: "backup",
        },
      },
      affinity: {
        tolerations: [
          { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
        ],
      },
      inheritedMetadata: {
        labels: {
          "app.kubernetes.io/part-of": "sink",
          "recurring-job.longhorn.io/source": "enabled",
          "recurring-job-group.longhorn.io/trim": "enabled",
          "recurring-job-group.longhorn.io/backup": "enabled",
        },
      },
    });
    // The database pods must never match the app's Service selector.
    expect(specOf(cluster).inheritedMetadata.labels["app.kubernetes.io/name"]).toBeUndefined();
    // The operator sets its own managed-by on the claims; ours would be overwritten every reconcile.
    expect(specOf(cluster).inheritedMetadata.labels["app.kubernetes.io/managed-by"]).toBeUndefined();
    const three = one(objectsOf(withPostgres({ instances: 3 })(app("x", { image: "a:1" }))), "Cluster");
    expect(specOf(three).enablePDB).toBe(true);
  });

  test("config files: one ConfigMap, mounted by subPath, and a checksum that rolls the pods on change", () => {
    const spec = (content: string) => withConfigFile("/etc/x/app.yaml", content)(app("x", { image: "a:1" }));
    const objects = objectsOf(spec("a: 1"));
    expect(one(objects, "ConfigMap").data).toEqual({ "app.yaml": "a: 1" });
    expect(podSpec(objects).containers[0].volumeMounts).toEqual([
      { name: "config-files", mountPath: "/etc/x/app.yaml", subPath: "app.yaml", readOnly: true },
    ]);
    const checksum = (o: KubeObject[]) =>
      specOf(one(o, "Deployment")).template.metadata.annotations["homelab/config-checksum"];
    expect(checksum(objects)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(objectsOf(spec("a: 2")))).not.toBe(checksum(objects));
  });
});

describe("reference integrity", () => {
  const fresh = (): KubeObject[] => plain(objectsOf(kitchenSink, SINK_SECRETS));
  const find = (objects: KubeObject[], kind: string, name?: string) => one(objects, kind, name);
  /** Each problem as `<plan id>: <what>`: every reference problem names the object at fault. */
  const references = (objects: KubeObject[]) =>
    checkReferences(objects).map((p) => `${p.where.object}: ${p.what}`);

  test("a full app passes", () => {
    expect(references(fresh())).toEqual([]);
  });

  test("ingress -> service", () => {
    const objects = fresh();
    specOf(find(objects, "Ingress", "sink-private")).rules[0].http.paths[0].backend.service.name = "nope";
    expect(references(objects)).toEqual([
      "ingress/sink/sink-private: routes to Service nope, which does not exist",
    ]);
  });

  test("ingress -> service port", () => {
    const objects = fresh();
    specOf(find(objects, "Ingress", "sink-public")).rules[0].http.paths[0].backend.service.port = {
      name: "web",
    };
    expect(references(objects)).toEqual([
      "ingress/sink/sink-public: routes to port web of Service sink, which it does not have",
    ]);
  });

  test("service port -> container port", () => {
    const objects = fresh();
    specOf(find(objects, "Service")).ports[0].targetPort = "metrics";
    expect(references(objects)).toEqual([
      "service/sink/sink: port http targets metrics, which no container port matches",
    ]);
  });

  test("selectors match pod labels, and exactly one workload", () => {
    const objects = fresh();
    specOf(find(objects, "Deployment")).template.metadata.labels["app.kubernetes.io/name"] = "other";
    expect(references(objects)).toEqual([
      "deployment/sink/sink: its selector does not match its pod labels",
      "service/sink/sink: its selector matches 0 workloads; it must match exactly one",
    ]);
    const twice = fresh();
    const copy = plain(find(twice, "Deployment"));
    copy.metadata.name = "sink-copy";
    twice.push(copy);
    expect(references(twice)).toContain(
      "service/sink/sink: its selector matches 2 workloads; it must match exactly one",
    );
  });

  test("every mounted claim exists", () => {
    const objects = fresh().filter((o) => o.metadata.name !== "sink-cache");
    expect(references(objects)).toEqual([
      "deployment/sink/sink: volume cache mounts claim sink-cache, which does not exist",
    ]);
  });

  test("secret references: the key must exist; the operator secret must come from a Cluster", () => {
    const noKey = fresh();
    find(noKey, "Secret").stringData = {};
    expect(references(noKey)).toEqual([
      "deployment/sink/sink: env API_TOKEN reads key api_token, which Secret sink-secrets does not have",
    ]);
    const noCluster = fresh().filter((o) => o.kind !== "Cluster");
    expect(references(noCluster)).toEqual([
      "deployment/sink/sink: env DATABASE_URL reads Secret sink-db-app, which no object provides",
      "deployment/sink/sink: env PGHOST reads Secret sink-db-app, which no object provides",
      "deployment/sink/sink: env PGPASSWORD reads Secret sink-db-app, which no object provides",
    ]);
  });

  test("static PV and PVC must point at each other with one class", () => {
    const objects = fresh();
    specOf(find(objects, "PersistentVolumeClaim", "sink-media")).storageClassName = "nfs";
    expect(references(objects)).toEqual([
      "persistentvolume/cluster/sink-media: its storageClassName differs from claim sink-media's, so they would never bind",
    ]);
    const unbound = fresh();
    delete specOf(find(unbound, "PersistentVolume")).claimRef;
    expect(references(unbound)).toEqual([
      "persistentvolume/cluster/sink-media: has no claimRef, so any claim could bind it",
    ]);
  });

  test("config file keys must exist in the ConfigMap", () => {
    const objects = fresh();
    find(objects, "ConfigMap").data = {};
    expect(references(objects)).toEqual([
      "deployment/sink/sink: mounts config.yaml from ConfigMap sink-config, which has no such key",
    ]);
  });
});

describe("every rendered object validates", () => {
  const all = [
    ...objectsOf(demo),
    ...objectsOf(miniflux(CONTRACTS), secrets({ miniflux: { admin_password: "x" } })),
    ...objectsOf(kitchenSink, SINK_SECRETS),
  ].map(plain);

  test("with kubernetes-models (all but the CloudNativePG Cluster)", async () => {
    const results = await Promise.all(
      all.map(async (o) => [`${o.kind} ${o.metadata.name}`, await validateObject(o)] as const),
    );
    const models = results.filter(([name]) => !name.startsWith("Cluster "));
    expect(models.filter(([, r]) => r.status !== "valid")).toEqual([]);
    expect(models.length).toBeGreaterThanOrEqual(20);
    expect(results.filter(([name]) => name.startsWith("Cluster ")).map(([, r]) => r.status)).toEqual([
      "no-model",
      "no-model",
    ]);
  });

  test("the Cluster passes the structural check of the fields it uses", () => {
    const clusters = all.filter((o) => o.kind === "Cluster");
    expect(clusters).toHaveLength(2);
    for (const cluster of clusters) expect(clusterStructureProblems(cluster)).toEqual([]);
    expect(clusterStructureProblems({ ...clusters[0], spec: { storage: { size: 5 } } })).toEqual([
      "spec.instances is required",
      "spec.storage has the wrong shape",
    ]);
  });

  const schema = cnpgClusterSchema();
  test.skipIf(schema === undefined)("the Cluster validates against the CRD's schema (reference copy)", () => {
    const crd = schema as NonNullable<typeof schema>;
    for (const cluster of all.filter((o) => o.kind === "Cluster"))
      expect(schemaProblems(cluster, crd)).toEqual([]);
    const bad = plain(all.find((o) => o.kind === "Cluster") as KubeObject);
    specOf(bad).instances = 0;
    specOf(bad).storage.sizee = "1Gi";
    expect(schemaProblems(bad, crd)).toEqual([
      "spec.instances: below 1",
      "spec.storage.sizee: unknown field",
    ]);
  });
});

describe("an NFS folder under the stack's own share", () => {
  const shareOf = (spec: AppSpec, nfsSharePath: string): unknown => {
    const contracts = { ...CONTRACTS, storage: { ...CONTRACTS.storage, nfsSharePath } };
    const volume = renderApp(spec, contracts, NO_APP_SECRETS)
      ._unsafeUnwrap()
      .map((planned) => planned.object)
      .find((object) => object.kind === "PersistentVolume");
    const shaped = volume as { spec?: { csi?: { volumeAttributes?: { share?: string } } } } | undefined;
    return shaped?.spec?.csi?.volumeAttributes?.share;
  };

  test("the shipped demo follows each stack's nfs_share_path, so it never mounts the example NAS's folder", () => {
    expect(shareOf(demo as AppSpec, "/volume1/kubernetes")).toBe("/volume1/kubernetes/demo");
    expect(shareOf(demo as AppSpec, "/export/k8s")).toBe("/export/k8s/demo");
  });

  test("exactly one of path and folder; a folder stays under the share", () => {
    const volume = (options: Record<string, string>) =>
      validateApp(
        pipe(
          app("files", { image: "a:1", port: 80 }),
          withNfsVolume({ name: "data", mountPath: "/data", ...options } as never),
        ),
      ).map((problem) => problem.what);
    expect(volume({ folder: "files" })).toEqual([]);
    expect(volume({ folder: "files/library" })).toEqual([]);
    expect(volume({})).toEqual(["needs exactly one of path and folder"]);
    expect(volume({ folder: "files", path: "/volume1/files" })).toEqual([
      "needs exactly one of path and folder",
    ]);
    for (const folder of ["/files", "../other", "files/../..", "a//b", ""])
      expect(volume({ folder })).toEqual([
        `NFS folder ${JSON.stringify(folder)} is not a folder under the share`,
      ]);
  });
});
