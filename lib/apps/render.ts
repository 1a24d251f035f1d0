/**
 * Renders a validated app spec and the upstream contracts into plain Kubernetes objects: a pure
 * function, so the whole app can be checked (reference integrity, kubernetes-models) before a
 * single resource exists. Secret values stay `Secret`s; the Pulumi edge wraps them.
 */
import { createHash } from "node:crypto";
import { err, ok, type Result } from "neverthrow";
import { CLOUDFLARE_PROXIED, EXTERNAL_DNS_TARGET, TRAEFIK_MIDDLEWARES } from "../annotations.ts";
import type { Secret } from "../config/secret.ts";
import type { AuthContract, NetworkContract, StorageContract } from "../contracts.ts";
import { type KubeObject, objectId, type PlannedObject } from "../plan.ts";
import { type Problem, problem } from "../problem.ts";
import { recurringJobGroupLabels } from "../storage/recurringJobs.ts";
import { CONTROL_PLANE_TOLERATION, type PodSecurityLevel, podSecurityLabels } from "../talos.ts";
import { type AppSecrets, lookupSecret } from "./secrets.ts";
import {
  type AppSpec,
  type Exposure,
  effectiveResources,
  POSTGRES_FIELDS,
  type PostgresField,
  type Volume,
} from "./spec.ts";
import { CONFIG_VOLUME } from "./validate.ts";
import { POSTGRES_IMAGE } from "./versions.ts";

export interface AppContracts {
  network: NetworkContract;
  storage: StorageContract;
  auth: AuthContract;
}

export type { KubeObject, PlannedObject };

// ---------------------------------------------------------------- names and labels

/** Tinyauth v5 reads per-app ACLs from Ingress annotations `tinyauth.apps.<app>.<section>.<key>`. */
export const tinyauthAnnotation = (app: string, field: string): string => `tinyauth.apps.${app}.${field}`;

export const names = (spec: AppSpec) => ({
  namespace: spec.name,
  workload: spec.name,
  secret: `${spec.name}-secrets`,
  configMap: `${spec.name}-config`,
  ingress: (exposure: Exposure) => `${spec.name}-${exposure.kind}`,
  claim: (volume: Volume) => `${spec.name}-${volume.name}`,
  /** PersistentVolumes are cluster-scoped: the program checks these are unique across apps. */
  persistentVolume: (volume: Volume) => `${spec.name}-${volume.name}`,
  cluster: `${spec.name}-db`,
  /** Created by the CloudNativePG operator. */
  clusterAppSecret: `${spec.name}-db-app`,
});

const selectorLabels = (spec: AppSpec): Record<string, string> => ({
  "app.kubernetes.io/name": spec.name,
  "app.kubernetes.io/component": "app",
});

const commonLabels = (spec: AppSpec): Record<string, string> => ({
  "app.kubernetes.io/part-of": spec.name,
  "app.kubernetes.io/managed-by": "homelab-apps",
});

// ---------------------------------------------------------------- pod security

/** Capabilities Pod Security "baseline" allows a container to add (restricted allows only NET_BIND_SERVICE). */
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

/** The strictest Pod Security level the app's pods satisfy; its namespace enforces exactly that. */
export const podSecurityLevel = (spec: AppSpec): PodSecurityLevel => {
  const added = spec.capabilities?.add ?? [];
  if (added.some((capability) => !BASELINE_CAPABILITIES.has(capability))) return "privileged";
  if (spec.runAsRoot !== undefined || added.some((capability) => capability !== "NET_BIND_SERVICE"))
    return "baseline";
  return "restricted";
};

// ---------------------------------------------------------------- objects

const namespaceObject = (spec: AppSpec): KubeObject => {
  const level = podSecurityLevel(spec);
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: names(spec).namespace,
      labels: {
        ...commonLabels(spec),
        ...podSecurityLabels(level),
      },
    },
  };
};

const nfsObjects = (spec: AppSpec, volume: Volume & { kind: "nfs" }, storage: StorageContract) => {
  const n = names(spec);
  const pvName = n.persistentVolume(volume);
  const claimName = n.claim(volume);
  const accessModes = [volume.readOnly ? "ReadOnlyMany" : "ReadWriteMany"];
  const pv: KubeObject = {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: pvName, labels: commonLabels(spec) },
    spec: {
      capacity: { storage: volume.size },
      accessModes,
      persistentVolumeReclaimPolicy: "Retain",
      // "" on both sides: no StorageClass, so nothing provisions dynamically; the two bind by name.
      storageClassName: "",
      volumeMode: "Filesystem",
      mountOptions: ["nfsvers=4.1"],
      claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: n.namespace, name: claimName },
      csi: {
        driver: "nfs.csi.k8s.io",
        volumeHandle: `${storage.nfsServer}${volume.path}#${pvName}`,
        readOnly: volume.readOnly,
        volumeAttributes: { server: storage.nfsServer, share: volume.path },
      },
    },
  };
  const pvc: KubeObject = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: claimName, namespace: n.namespace, labels: commonLabels(spec) },
    spec: {
      accessModes,
      storageClassName: "",
      volumeMode: "Filesystem",
      volumeName: pvName,
      resources: { requests: { storage: volume.size } },
    },
  };
  return { pv, pvc };
};

const longhornLabels = (storage: StorageContract, backup: boolean): Record<string, string> =>
  recurringJobGroupLabels(backup ? [storage.trimJobGroup, storage.backupJobGroup] : [storage.trimJobGroup]);

const longhornClaim = (spec: AppSpec, volume: Volume & { kind: "longhorn" }, storage: StorageContract) => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: {
    name: names(spec).claim(volume),
    namespace: names(spec).namespace,
    labels: { ...commonLabels(spec), ...longhornLabels(storage, volume.backup) },
  },
  spec: {
    accessModes: ["ReadWriteOnce"],
    storageClassName: storage.longhornStorageClass,
    volumeMode: "Filesystem",
    resources: { requests: { storage: volume.size } },
  },
});

const hostOf = (exposure: Exposure, network: NetworkContract): string =>
  `${exposure.subdomain}.${network.domain}`;

const ingressObject = (spec: AppSpec, exposure: Exposure, contracts: AppContracts): KubeObject => {
  const { network, auth } = contracts;
  const host = hostOf(exposure, network);
  const isPublic = exposure.kind === "public";
  const protectedRoute = spec.auth !== undefined;
  const acl = spec.auth;
  const annotations: Record<string, string> = {
    "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
    "traefik.ingress.kubernetes.io/router.tls": "true",
    ...(protectedRoute
      ? {
          [TRAEFIK_MIDDLEWARES]: isPublic ? auth.publicAuthMiddleware : auth.privateAuthMiddleware,
          [tinyauthAnnotation(spec.name, "config.domain")]: host,
        }
      : {}),
    ...(acl && acl.users.length > 0
      ? { [tinyauthAnnotation(spec.name, "users.allow")]: acl.users.join(",") }
      : {}),
    ...(acl && acl.emails.length > 0
      ? { [tinyauthAnnotation(spec.name, "oauth.whitelist")]: acl.emails.join(",") }
      : {}),
    ...(acl && acl.groups.length > 0
      ? { [tinyauthAnnotation(spec.name, "oauth.groups")]: acl.groups.join(",") }
      : {}),
    // Public: Cloudflare gets a CNAME to the record holding the router's IP, not the LAN address
    // in the Ingress status. Private: Pi-hole publishes the private ingress IP from the status.
    ...(isPublic ? { [EXTERNAL_DNS_TARGET]: network.externalHostname, [CLOUDFLARE_PROXIED]: "false" } : {}),
    ...(isPublic && exposure.noAuth !== undefined ? { "homelab/public-without-auth": exposure.noAuth } : {}),
  };
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: names(spec).ingress(exposure),
      namespace: names(spec).namespace,
      labels: { ...commonLabels(spec), "homelab/exposure": exposure.kind },
      annotations,
    },
    spec: {
      ingressClassName: isPublic ? network.publicIngressClass : network.privateIngressClass,
      // No secretName: Traefik serves its default certificate, the network layer's wildcard.
      tls: [{ hosts: [host] }],
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: names(spec).workload, port: { name: "http" } } },
              },
            ],
          },
        },
      ],
    },
  };
};

const serviceObject = (spec: AppSpec): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: names(spec).workload, namespace: names(spec).namespace, labels: commonLabels(spec) },
  spec: {
    type: "ClusterIP",
    selector: selectorLabels(spec),
    ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
  },
});

const clusterObject = (spec: AppSpec, storage: StorageContract): KubeObject | undefined => {
  const pg = spec.postgres;
  if (!pg) return undefined;
  return {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: { name: names(spec).cluster, namespace: names(spec).namespace, labels: commonLabels(spec) },
    spec: {
      instances: pg.instances,
      imageName: POSTGRES_IMAGE,
      // A single instance with a PodDisruptionBudget would block every node drain (e.g. Talos upgrades).
      enablePDB: pg.instances > 1,
      enableSuperuserAccess: false,
      bootstrap: { initdb: { database: pg.database, owner: pg.database } },
      storage: { size: pg.size, storageClass: storage.longhornStorageClass },
      // The operator places instance and job pods only through this, not through a pod template.
      affinity: { tolerations: [CONTROL_PLANE_TOLERATION] },
      // Labels reach the instance PVCs, so Longhorn backs them up and trims them like app volumes.
      // Not `managed-by`: the operator sets its own on the claims and would fight ours each reconcile.
      inheritedMetadata: {
        labels: { "app.kubernetes.io/part-of": spec.name, ...longhornLabels(storage, pg.backup) },
      },
    },
  };
};

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

const envEntries = (spec: AppSpec): object[] => {
  const n = names(spec);
  const plain = spec.env.map(({ name, value }) => ({ name, value }));
  const secret = spec.secretEnv.map(({ name, key }) => ({
    name,
    valueFrom: { secretKeyRef: { name: n.secret, key } },
  }));
  const postgres = Object.entries(spec.postgres?.env ?? {}).flatMap(([field, name]) =>
    name === undefined
      ? []
      : [
          {
            name,
            valueFrom: {
              secretKeyRef: { name: n.clusterAppSecret, key: POSTGRES_FIELDS[field as PostgresField] },
            },
          },
        ],
  );
  return [...plain, ...secret, ...postgres];
};

const probeObjects = (spec: AppSpec): Record<string, object> => {
  const probes = spec.probes;
  if (!probes) return {};
  const handler =
    probes.command !== undefined
      ? { exec: { command: [...probes.command] } }
      : { httpGet: { path: probes.path ?? "/", port: "http" } };
  const timing = { periodSeconds: probes.periodSeconds, timeoutSeconds: 5 };
  return {
    startupProbe: { ...handler, ...timing, failureThreshold: probes.startupFailureThreshold },
    readinessProbe: {
      ...handler,
      ...timing,
      initialDelaySeconds: probes.initialDelaySeconds,
      failureThreshold: 3,
    },
    livenessProbe: {
      ...handler,
      ...timing,
      initialDelaySeconds: probes.initialDelaySeconds,
      failureThreshold: 5,
    },
  };
};

const deploymentObject = (spec: AppSpec): KubeObject => {
  const n = names(spec);
  const asRoot = spec.runAsRoot !== undefined;
  const singleAttach = spec.volumes.some((volume) => volume.kind === "longhorn");
  const configKeys = spec.configFiles.map((file) => ({ file, key: file.path.split("/").pop() ?? "" }));
  const volumes = [
    ...spec.volumes.map((volume) => ({
      name: volume.name,
      persistentVolumeClaim: {
        claimName: n.claim(volume),
        ...(volume.kind === "nfs" && volume.readOnly ? { readOnly: true } : {}),
      },
    })),
    ...(configKeys.length > 0 ? [{ name: CONFIG_VOLUME, configMap: { name: n.configMap } }] : []),
  ];
  const volumeMounts = [
    ...spec.volumes.map((volume) => ({
      name: volume.name,
      mountPath: volume.mountPath,
      ...(volume.kind === "nfs" && volume.readOnly ? { readOnly: true } : {}),
    })),
    ...configKeys.map(({ file, key }) => ({
      name: CONFIG_VOLUME,
      mountPath: file.path,
      subPath: key,
      readOnly: true,
    })),
  ];
  const resources = effectiveResources(spec);
  const env = envEntries(spec);
  const container = {
    name: spec.name,
    image: spec.image,
    ...(spec.command ? { command: [...spec.command] } : {}),
    ...(spec.args ? { args: [...spec.args] } : {}),
    ...(spec.port !== undefined
      ? { ports: [{ name: "http", containerPort: spec.port, protocol: "TCP" }] }
      : {}),
    ...(env.length > 0 ? { env } : {}),
    resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ["ALL"], ...(spec.capabilities ? { add: [...spec.capabilities.add] } : {}) },
      ...(asRoot ? {} : { runAsNonRoot: true }),
      seccompProfile: { type: "RuntimeDefault" },
    },
    ...(volumeMounts.length > 0 ? { volumeMounts } : {}),
    ...probeObjects(spec),
  };
  const configChecksum =
    configKeys.length > 0
      ? {
          "homelab/config-checksum": sha256(
            JSON.stringify(configKeys.map(({ file }) => [file.path, file.content])),
          ),
        }
      : undefined;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: n.workload,
      namespace: n.namespace,
      labels: { ...commonLabels(spec), ...selectorLabels(spec) },
    },
    spec: {
      replicas: spec.replicas,
      revisionHistoryLimit: 3,
      // A ReadWriteOnce volume cannot be attached to the old and the new pod at once.
      strategy: singleAttach ? { type: "Recreate" } : { type: "RollingUpdate" },
      selector: { matchLabels: selectorLabels(spec) },
      template: {
        metadata: {
          labels: { ...commonLabels(spec), ...selectorLabels(spec) },
          ...(configChecksum ? { annotations: configChecksum } : {}),
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          tolerations: [CONTROL_PLANE_TOLERATION],
          securityContext: {
            ...(asRoot
              ? {}
              : {
                  runAsNonRoot: true,
                  runAsUser: spec.user,
                  runAsGroup: spec.group,
                  fsGroup: spec.group,
                  fsGroupChangePolicy: "OnRootMismatch",
                }),
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [container],
          ...(volumes.length > 0 ? { volumes } : {}),
        },
      },
    },
  };
};

/**
 * Every Kubernetes object of one app, in creation order. Fails (with the command to fix it) when
 * the app reads a secret the stack config does not hold.
 */
export const renderApp = (
  spec: AppSpec,
  contracts: AppContracts,
  secrets: AppSecrets,
): Result<PlannedObject[], Problem[]> => {
  const n = names(spec);
  const problems: Problem[] = [];
  const secretData: Record<string, Secret> = {};
  for (const { name, key } of spec.secretEnv) {
    const found = lookupSecret(secrets, spec.name, key);
    if (found.isOk()) secretData[key] = found.value;
    else
      problems.push(
        problem(
          { app: spec.name, part: `withSecretEnv ${name}` },
          `the apps stack config has no secret app_secrets.${spec.name}.${key}`,
          `set it: ${found.error}`,
        ),
      );
  }
  if (problems.length > 0) return err(problems);

  const objects: PlannedObject[] = [];
  const stateful = spec.volumes.length > 0 || spec.postgres !== undefined;
  const push = (object: KubeObject, options: { stateful?: boolean; dependsOn?: string[] } = {}) => {
    const id = objectId(object);
    objects.push({
      id,
      object,
      after: options.dependsOn ?? [],
      ...(options.stateful ? { stateful: true } : {}),
    });
    return id;
  };

  // Removing an app that holds data must not delete its namespace (and with it the claims).
  const namespace = push(namespaceObject(spec), { stateful });
  const inNamespace = [namespace];
  const podNeeds: string[] = [namespace];

  if (spec.secretEnv.length > 0) {
    podNeeds.push(
      push(
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: n.secret, namespace: n.namespace, labels: commonLabels(spec) },
          type: "Opaque",
          stringData: secretData,
        },
        { dependsOn: inNamespace },
      ),
    );
  }
  if (spec.configFiles.length > 0) {
    podNeeds.push(
      push(
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: n.configMap, namespace: n.namespace, labels: commonLabels(spec) },
          data: Object.fromEntries(
            spec.configFiles.map((file) => [file.path.split("/").pop() ?? "", file.content]),
          ),
        },
        { dependsOn: inNamespace },
      ),
    );
  }
  for (const volume of spec.volumes) {
    if (volume.kind === "nfs") {
      const { pv, pvc } = nfsObjects(spec, volume, contracts.storage);
      const pvKey = push(pv, { stateful: true });
      podNeeds.push(push(pvc, { stateful: true, dependsOn: [namespace, pvKey] }));
    } else {
      podNeeds.push(
        push(longhornClaim(spec, volume, contracts.storage), { stateful: true, dependsOn: inNamespace }),
      );
    }
  }
  const cluster = clusterObject(spec, contracts.storage);
  if (cluster) podNeeds.push(push(cluster, { stateful: true, dependsOn: inNamespace }));

  const deployment = push(deploymentObject(spec), { dependsOn: podNeeds });
  if (spec.port !== undefined) {
    const service = push(serviceObject(spec), { dependsOn: inNamespace });
    for (const exposure of spec.exposures) {
      push(ingressObject(spec, exposure, contracts), { dependsOn: [service, deployment] });
    }
  }
  return ok(objects);
};

/** Hostnames an app answers on, with exposure and whether Tinyauth guards them. */
export const appHosts = (spec: AppSpec, network: NetworkContract): string[] =>
  spec.exposures.map(
    (exposure) =>
      `${hostOf(exposure, network)} (${exposure.kind}, ${spec.auth ? "auth" : `no auth: ${exposure.noAuth ?? "private"}`})`,
  );
