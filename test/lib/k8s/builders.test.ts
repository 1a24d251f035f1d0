/** The object vocabulary (lib/k8s): one builder per kind, with the defaults every layer relies on. */
import { describe, expect, test } from "bun:test";
import { secret } from "../../../lib/config/secret.ts";
import { objectId } from "../../../lib/core/plan.ts";
import { longhornClaim, nfsVolumePair } from "../../../lib/k8s/claims.ts";
import { postgresClusterObject } from "../../../lib/k8s/cnpg.ts";
import { configMapObject, secretObject } from "../../../lib/k8s/config.ts";
import { ingressObject } from "../../../lib/k8s/ingress.ts";
import { layerLabels, ownerLabels, partOfLabel } from "../../../lib/k8s/labels.ts";
import { recurringJobGroupLabels } from "../../../lib/k8s/longhorn.ts";
import { namespaceId, namespaceObject } from "../../../lib/k8s/namespace.ts";
import { clusterRoleBindingObject, clusterRoleObject, serviceAccountObject } from "../../../lib/k8s/rbac.ts";
import { clusterIpService, loadBalancerService } from "../../../lib/k8s/service.ts";
import { storageClassObject } from "../../../lib/k8s/storageClass.ts";
import {
  BASELINE_CAPABILITIES,
  CONTROL_PLANE_TOLERATION,
  podSecurityLevelOf,
  RUNTIME_DEFAULT_CAPABILITIES,
} from "../../../lib/k8s/talos.ts";
import {
  type ContainerSecurity,
  containerObject,
  deploymentId,
  deploymentObject,
  jobObject,
  podTemplate,
} from "../../../lib/k8s/workload.ts";
import { clusterStructureProblems } from "../../support/apps.ts";
import { validateObject } from "../../support/kubernetesModels.ts";

const security: ContainerSecurity = {
  runAsRoot: false,
  addCapabilities: [],
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: false,
};
const container = (changes: Partial<ContainerSecurity> = {}) =>
  containerObject({
    name: "c",
    image: "traefik/whoami:v1.11.0",
    ports: [],
    env: [],
    resources: {},
    volumeMounts: [],
    probes: {},
    security: { ...security, ...changes },
  });
// biome-ignore lint/suspicious/noExplicitAny: tests read deep into built objects.
const deep = (value: unknown): any => value;

describe("Namespace", () => {
  test("enforces, audits and warns at its Pod Security level; without one it leaves Talos's default", () => {
    const labels = namespaceObject("media", { podSecurity: "baseline", labels: { team: "a" } }).metadata
      .labels;
    expect(labels).toEqual({
      team: "a",
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/audit": "baseline",
      "pod-security.kubernetes.io/warn": "baseline",
    });
    expect(namespaceObject("plain").metadata.labels).toEqual({});
    expect(objectId(namespaceObject("plain"))).toBe("namespace/cluster/plain");
    expect(namespaceId("plain")).toBe(objectId(namespaceObject("plain")));
  });
});

describe("ownership labels", () => {
  test("part of an app or a layer, managed by the layer's project; part-of alone for an operator's copies", () => {
    expect(ownerLabels("web", "apps")).toEqual({
      "app.kubernetes.io/part-of": "web",
      "app.kubernetes.io/managed-by": "homelab-apps",
    });
    expect(layerLabels("auth")).toEqual({
      "app.kubernetes.io/part-of": "homelab-auth",
      "app.kubernetes.io/managed-by": "homelab-auth",
    });
    expect(partOfLabel("web")).toEqual({ "app.kubernetes.io/part-of": "web" });
  });
});

describe("container, pod template, Deployment", () => {
  test("secure defaults: non-root, no escalation, every capability dropped, runtime seccomp", () => {
    expect(container().securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  test("opt-outs change exactly what they name", () => {
    expect(
      container({
        runAsRoot: true,
        addCapabilities: ["CHOWN"],
        allowPrivilegeEscalation: true,
        readOnlyRootFilesystem: true,
      }).securityContext,
    ).toEqual({
      allowPrivilegeEscalation: true,
      privileged: false,
      capabilities: { drop: ["ALL"], add: ["CHOWN"] },
      readOnlyRootFilesystem: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  test("a pod tolerates the control-plane taint, mounts no token and no Service links unless given an account", () => {
    const plain = deep(
      podTemplate({
        labels: { a: "b" },
        containers: [container()],
        volumes: [],
        identity: { user: 1000, group: 1000 },
      }),
    );
    expect(plain.spec).toMatchObject({
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      tolerations: [CONTROL_PLANE_TOLERATION],
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
    });
    expect(plain.spec.serviceAccountName).toBeUndefined();
    const withAccount = deep(
      podTemplate({ labels: {}, containers: [], volumes: [], serviceAccount: "reader" }),
    );
    expect(withAccount.spec).toMatchObject({
      serviceAccountName: "reader",
      automountServiceAccountToken: true,
    });
    expect(withAccount.spec.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
  });

  test("a Deployment with a single-attach volume is Recreate, else RollingUpdate; it validates", async () => {
    const template = podTemplate({ labels: { app: "x" }, containers: [container()], volumes: [] });
    const build = (singleAttach: boolean) =>
      deploymentObject({
        metadata: { name: "x", namespace: "x" },
        replicas: 1,
        selector: { app: "x" },
        singleAttach,
        template,
      });
    expect(deep(build(true)).spec.strategy).toEqual({ type: "Recreate" });
    expect(deep(build(false)).spec.strategy).toEqual({ type: "RollingUpdate" });
    expect((await validateObject(build(true))).status).toBe("valid");
    expect(deploymentId("x", "x")).toBe(objectId(build(true)));
  });

  test("a Job runs its pod template to completion under its restart policy, backoff and deadline; it validates", async () => {
    const template = podTemplate({ labels: { app: "x" }, containers: [container()], volumes: [] });
    const job = jobObject(
      { name: "x", namespace: "x", annotations: { note: "y" } },
      { template, restartPolicy: "Never", backoffLimit: 0, activeDeadlineSeconds: 60 },
    );
    expect(job.metadata).toEqual({ name: "x", namespace: "x", annotations: { note: "y" } });
    expect(deep(job).spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 60 });
    expect(deep(job).spec.template.spec).toEqual({ ...deep(template).spec, restartPolicy: "Never" });
    expect(deep(template).spec.restartPolicy).toBeUndefined();
    expect((await validateObject(job)).status).toBe("valid");
    const open = jobObject({ name: "y" }, { template, restartPolicy: "OnFailure", backoffLimit: 3 });
    expect(deep(open).spec.activeDeadlineSeconds).toBeUndefined();
    expect(deep(open).spec.template.spec.restartPolicy).toBe("OnFailure");
  });
});

describe("Services", () => {
  test("ports target the container port of the same name over TCP unless told otherwise", () => {
    const service = clusterIpService({ name: "web", namespace: "web" }, { app: "web" }, [
      { name: "http", port: 80 },
    ]);
    expect(deep(service).spec).toEqual({
      type: "ClusterIP",
      selector: { app: "web" },
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
    });
  });

  test("a LoadBalancer carries MetalLB's fixed IP and pool and keeps other annotations", () => {
    const service = loadBalancerService(
      { name: "dns", namespace: "dns", annotations: { note: "x" } },
      { app: "dns" },
      [{ name: "dns-udp", port: 53, protocol: "UDP" }],
      { ip: "192.168.4.53", pool: "dns", externalTrafficPolicy: "Local" },
    );
    expect(service.metadata.annotations).toEqual({
      note: "x",
      "metallb.io/loadBalancerIPs": "192.168.4.53",
      "metallb.io/address-pool": "dns",
    });
    expect(deep(service).spec.externalTrafficPolicy).toBe("Local");
  });
});

describe("claims", () => {
  test("a Longhorn claim joins its recurring-job groups (with the source label Longhorn needs)", () => {
    const claim = longhornClaim({
      name: "d",
      namespace: "n",
      labels: { a: "b" },
      storageClass: "longhorn",
      size: "1Gi",
      jobGroups: ["backup"],
    });
    expect(claim.metadata.labels).toEqual({ a: "b", ...recurringJobGroupLabels(["backup"]) });
    expect(recurringJobGroupLabels(["backup", "trim"])).toEqual({
      "recurring-job.longhorn.io/source": "enabled",
      "recurring-job-group.longhorn.io/backup": "enabled",
      "recurring-job-group.longhorn.io/trim": "enabled",
    });
  });

  test("a static NFS volume and its claim bind to each other by name, Retain, no StorageClass", () => {
    const { volume, claim } = nfsVolumePair({
      volumeName: "app-media",
      claimName: "app-media",
      namespace: "app",
      labels: {},
      server: "nas.lan",
      path: "/volume1/media",
      readOnly: true,
      size: "1Gi",
    });
    expect(deep(volume).spec).toMatchObject({
      persistentVolumeReclaimPolicy: "Retain",
      storageClassName: "",
      accessModes: ["ReadOnlyMany"],
      claimRef: { namespace: "app", name: "app-media" },
      csi: { volumeHandle: "nas.lan/volume1/media#app-media", readOnly: true },
    });
    expect(deep(claim).spec).toMatchObject({ volumeName: "app-media", storageClassName: "" });
  });
});

describe("StorageClass", () => {
  test("cluster-scoped, with the provisioner's own parameters copied; it validates", async () => {
    const parameters = { server: "nas.lan" };
    const mountOptions = ["nfsvers=4.1"];
    const made = storageClassObject(
      { name: "nfs", labels: { a: "b" } },
      {
        provisioner: "nfs.csi.k8s.io",
        reclaimPolicy: "Retain",
        volumeBindingMode: "Immediate",
        mountOptions,
        parameters,
      },
    );
    parameters.server = "changed";
    mountOptions.push("changed");
    expect(made).toMatchObject({
      metadata: { name: "nfs", labels: { a: "b" } },
      provisioner: "nfs.csi.k8s.io",
      reclaimPolicy: "Retain",
      mountOptions: ["nfsvers=4.1"],
      parameters: { server: "nas.lan" },
    });
    expect(objectId(made)).toBe("storageclass/cluster/nfs");
    expect((await validateObject(made)).status).toBe("valid");
    const bare = storageClassObject(
      { name: "x" },
      {
        provisioner: "p",
        reclaimPolicy: "Retain",
        volumeBindingMode: "WaitForFirstConsumer",
        parameters: {},
      },
    );
    expect("mountOptions" in bare).toBe(false);
  });
});

describe("CloudNativePG Cluster", () => {
  const cluster = (instances: number) =>
    postgresClusterObject(
      { name: "db", namespace: "app", labels: { a: "b" } },
      {
        instances,
        image: "ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie",
        database: "app",
        size: "5Gi",
        storageClass: "longhorn",
        claimLabels: { c: "d" },
        bootstrap: { kind: "initdb" },
      },
    );

  test("no superuser, the database owned by its own role, on the control plane, claim labels inherited", () => {
    expect(clusterStructureProblems(cluster(1))).toEqual([]);
    expect(deep(cluster(1)).spec).toMatchObject({
      enableSuperuserAccess: false,
      bootstrap: { initdb: { database: "app", owner: "app" } },
      storage: { size: "5Gi", storageClass: "longhorn" },
      affinity: { tolerations: [CONTROL_PLANE_TOLERATION] },
      inheritedMetadata: { labels: { c: "d" } },
    });
  });

  test("a disruption budget only with more than one instance (one would block every drain)", () => {
    expect(deep(cluster(1)).spec.enablePDB).toBe(false);
    expect(deep(cluster(2)).spec.enablePDB).toBe(true);
  });
});

describe("Ingress", () => {
  test("HTTPS on websecure; auth, public publishing and the LAN record only when asked", () => {
    const route = ingressObject({
      metadata: { name: "r", namespace: "n" },
      host: "r.example.com",
      ingressClass: "traefik-public",
      service: "r",
      servicePort: 80,
      middleware: "tinyauth-forward-auth@kubernetescrd",
      publishTarget: "external.example.com",
      lanDns: { annotationPrefix: "pihole/", target: "192.168.4.71" },
    });
    expect(route.metadata.annotations).toEqual({
      "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
      "traefik.ingress.kubernetes.io/router.tls": "true",
      "traefik.ingress.kubernetes.io/router.middlewares": "tinyauth-forward-auth@kubernetescrd",
      "external-dns.alpha.kubernetes.io/target": "external.example.com",
      "external-dns.alpha.kubernetes.io/cloudflare-proxied": "false",
      "pihole/target": "192.168.4.71",
    });
    expect(deep(route).spec.rules[0].http.paths[0].backend.service.port).toEqual({ number: 80 });
    const bare = ingressObject({
      metadata: { name: "r" },
      host: "h",
      ingressClass: "c",
      service: "s",
      servicePort: "http",
    });
    expect(Object.keys(bare.metadata.annotations ?? {})).toHaveLength(2);
    expect(deep(bare).spec.rules[0].http.paths[0].backend.service.port).toEqual({ name: "http" });
  });
});

describe("Secret, ConfigMap, RBAC", () => {
  test("a Secret keeps its values as config Secrets; a ConfigMap copies its data", () => {
    const value = secret("hunter2-hunter2");
    expect(secretObject({ name: "s" }, { key: value }).stringData).toEqual({ key: value });
    const data = { a: "1" };
    const map = configMapObject({ name: "m" }, data);
    data.a = "2";
    expect(map.data).toEqual({ a: "1" });
  });

  test("a ClusterRoleBinding grants the role to one ServiceAccount", () => {
    expect(serviceAccountObject("sa", "ns").metadata).toEqual({ name: "sa", namespace: "ns" });
    expect(
      deep(clusterRoleObject("r", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }])).rules,
    ).toHaveLength(1);
    expect(deep(clusterRoleBindingObject("b", "r", { name: "sa", namespace: "ns" })).subjects).toEqual([
      { kind: "ServiceAccount", name: "sa", namespace: "ns" },
    ]);
  });
});

describe("Pod Security levels", () => {
  test("baseline allows the runtime's default set less NET_RAW", () => {
    expect(BASELINE_CAPABILITIES).toEqual(RUNTIME_DEFAULT_CAPABILITIES.filter((c) => c !== "NET_RAW"));
    const level = (changes: Partial<Parameters<typeof podSecurityLevelOf>[0]>) =>
      podSecurityLevelOf({
        runAsRoot: false,
        addedCapabilities: [],
        allowPrivilegeEscalation: false,
        ...changes,
      });
    expect(level({})).toBe("restricted");
    expect(level({ addedCapabilities: ["NET_BIND_SERVICE"] })).toBe("restricted");
    expect(level({ allowPrivilegeEscalation: true })).toBe("baseline");
    expect(level({ runAsRoot: true, addedCapabilities: [...BASELINE_CAPABILITIES] })).toBe("baseline");
    expect(level({ addedCapabilities: ["NET_RAW"] })).toBe("privileged");
  });
});
