/** An app's Deployment, through the vocabulary's secure pod template (lib/k8s/workload.ts). */
import { createHash } from "node:crypto";
import type * as input from "@pulumi/kubernetes/types/input";
import type { CoreObject } from "../core/plan.ts";
import { CONFIG_CHECKSUM } from "../k8s/annotations.ts";
import { LOAD_BALANCER_LABEL } from "../k8s/labels.ts";
import {
  type ContainerOptions,
  containerObject,
  deploymentObject,
  podTemplate,
  preferredAntiAffinity,
} from "../k8s/workload.ts";
import { oidcEnv } from "./oidc.ts";
import { commonLabels, names, type RenderContext, selectorLabels } from "./renderNames.ts";
import { type AppSpec, effectiveResources, POSTGRES_FIELDS, type PostgresField } from "./spec.ts";
import { CONFIG_VOLUME } from "./validate.ts";

const TMP_VOLUME = "tmp";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

const configKeys = (spec: AppSpec) =>
  spec.configFiles.map((file) => ({ file, key: file.path.split("/").pop() ?? "" }));

const envEntries = (spec: AppSpec, context: RenderContext): input.core.v1.EnvVar[] => {
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
  return [...plain, ...secret, ...postgres, ...oidcEnv(spec, context)];
};

const probeHandler = (probes: NonNullable<AppSpec["probes"]>): input.core.v1.Probe => {
  if (probes.command !== undefined) return { exec: { command: [...probes.command] } };
  if (probes.tcpPort !== undefined) return { tcpSocket: { port: probes.tcpPort } };
  return { httpGet: { path: probes.path ?? "/", port: "http" } };
};

const probeObjects = (spec: AppSpec): ContainerOptions["probes"] => {
  const probes = spec.probes;
  if (!probes) return {};
  const handler = probeHandler(probes);
  const timing = { periodSeconds: probes.periodSeconds, timeoutSeconds: 5 };
  const afterStart = { ...timing, initialDelaySeconds: probes.initialDelaySeconds };
  const ready = probes.readyCommand === undefined ? handler : { exec: { command: [...probes.readyCommand] } };
  return {
    startupProbe: { ...handler, ...timing, failureThreshold: probes.startupFailureThreshold },
    readinessProbe: { ...ready, ...afterStart, failureThreshold: 3 },
    livenessProbe: { ...handler, ...afterStart, failureThreshold: 5 },
  };
};

const podVolumes = (spec: AppSpec): input.core.v1.Volume[] => [
  ...spec.volumes.map((volume) => ({
    name: volume.name,
    persistentVolumeClaim: {
      claimName: names(spec).claim(volume),
      ...(volume.kind === "nfs" && volume.readOnly ? { readOnly: true } : {}),
    },
  })),
  ...(spec.configFiles.length > 0
    ? [{ name: CONFIG_VOLUME, configMap: { name: names(spec).configMap } }]
    : []),
  ...(spec.emptyDirs ?? []).map((dir) => ({ name: dir.name, emptyDir: { sizeLimit: dir.sizeLimit } })),
  ...(spec.readOnlyRoot ? [{ name: TMP_VOLUME, emptyDir: { sizeLimit: spec.readOnlyRoot.tmpSize } }] : []),
];

const volumeMounts = (spec: AppSpec): input.core.v1.VolumeMount[] => [
  ...spec.volumes.map((volume) => ({
    name: volume.name,
    mountPath: volume.mountPath,
    ...(volume.kind === "nfs" && volume.readOnly ? { readOnly: true } : {}),
  })),
  ...configKeys(spec).map(({ file, key }) => ({
    name: CONFIG_VOLUME,
    mountPath: file.path,
    subPath: key,
    readOnly: true,
  })),
  ...(spec.emptyDirs ?? []).map((dir) => ({ name: dir.name, mountPath: dir.mountPath })),
  ...(spec.readOnlyRoot ? [{ name: TMP_VOLUME, mountPath: "/tmp" }] : []),
];

const container = (spec: AppSpec, context: RenderContext) => {
  const resources = effectiveResources(spec);
  return containerObject({
    name: spec.name,
    image: spec.image,
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.args ? { args: spec.args } : {}),
    ports: [
      ...(spec.port !== undefined
        ? [{ name: "http", containerPort: spec.port, protocol: "TCP" as const }]
        : []),
      ...(spec.ports ?? []).map((port) => ({
        name: port.name,
        containerPort: port.port,
        protocol: port.protocol,
      })),
    ],
    env: envEntries(spec, context),
    resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
    volumeMounts: volumeMounts(spec),
    probes: probeObjects(spec),
    security: {
      runAsRoot: spec.runAsRoot !== undefined,
      addCapabilities: spec.capabilities?.add ?? [],
      allowPrivilegeEscalation: spec.privilegeEscalation !== undefined,
      readOnlyRootFilesystem: spec.readOnlyRoot !== undefined,
    },
  });
};

/** A checksum of the config files on the pod, so a changed file rolls the pods. */
const configChecksum = (spec: AppSpec): Record<string, string> | undefined =>
  spec.configFiles.length > 0
    ? {
        [CONFIG_CHECKSUM]: sha256(JSON.stringify(spec.configFiles.map((file) => [file.path, file.content]))),
      }
    : undefined;

export const appDeployment = (spec: AppSpec, context: RenderContext): CoreObject<"apps/v1/Deployment"> => {
  const labels = { ...commonLabels(spec, context), ...selectorLabels(spec) };
  const checksum = configChecksum(spec);
  return deploymentObject({
    metadata: { name: names(spec).workload, namespace: names(spec).namespace, labels },
    replicas: spec.replicas,
    selector: selectorLabels(spec),
    singleAttach: spec.volumes.some((volume) => volume.kind === "longhorn"),
    template: podTemplate({
      labels: { ...labels, ...(spec.loadBalancer ? { [LOAD_BALANCER_LABEL]: spec.loadBalancer.name } : {}) },
      ...(checksum ? { annotations: checksum } : {}),
      containers: [container(spec, context)],
      volumes: podVolumes(spec),
      ...(spec.runAsRoot === undefined ? { identity: { user: spec.user, group: spec.group } } : {}),
      ...(spec.clusterRead ? { serviceAccount: names(spec).serviceAccount } : {}),
      ...(spec.apartFrom
        ? {
            affinity: preferredAntiAffinity({
              matchExpressions: [
                { key: "app.kubernetes.io/name", operator: "In", values: [...spec.apartFrom] },
              ],
            }),
          }
        : {}),
    }),
  });
};
