/**
 * Renders a validated app spec and the upstream contracts into plain Kubernetes objects, built
 * only through the vocabulary (lib/k8s): a pure function, so the whole app can be checked
 * (reference integrity, kubernetes-models) before a single resource exists. Secret values stay
 * `Secret`s; the Pulumi edge wraps them. User apps and platform services render the same way.
 */
import { err, ok, type Result } from "neverthrow";
import type { Secret } from "../config/secret.ts";
import type { NetworkContract, StorageContract } from "../core/contracts.ts";
import { type KubeObject, type PlannedObject, plannedObject } from "../core/plan.ts";
import { type Problem, problem } from "../core/problem.ts";
import { configMapObject, secretObject } from "../k8s/config.ts";
import { namespaceObject } from "../k8s/namespace.ts";
import { clusterRoleBindingObject, clusterRoleObject, serviceAccountObject } from "../k8s/rbac.ts";
import { type PodSecurityLevel, podSecurityLevelOf } from "../k8s/talos.ts";
import {
  type AppContracts,
  commonLabels,
  hostOf,
  names,
  type RenderContext,
  sharedLabels,
} from "./renderNames.ts";
import { appDeployment } from "./renderPod.ts";
import { appIngress, appLoadBalancer, appService } from "./renderRoutes.ts";
import { appClusters, appScheduledBackup, appVolume } from "./renderStorage.ts";
import { type AppSecrets, lookupSecret } from "./secrets.ts";
import type { AppSpec, Volume } from "./spec.ts";

export type { AppContracts, KubeObject, PlannedObject, RenderContext };

/** The strictest Pod Security level the app's pods satisfy; its namespace enforces exactly that. */
export const podSecurityLevel = (spec: AppSpec): PodSecurityLevel =>
  podSecurityLevelOf({
    runAsRoot: spec.runAsRoot !== undefined,
    addedCapabilities: spec.capabilities?.add ?? [],
    allowPrivilegeEscalation: spec.privilegeEscalation !== undefined,
  });

type Problems = Problem[];

/** The values of the app's secret env vars, or one problem per secret the config does not hold. */
const secretValues = (
  spec: AppSpec,
  secrets: AppSecrets,
  layer: string,
): Result<Record<string, Secret>, Problems> => {
  const problems: Problems = [];
  const values: Record<string, Secret> = {};
  for (const { name, key } of spec.secretEnv) {
    const found = lookupSecret(secrets, spec.name, key, layer);
    if (found.isOk()) values[key] = found.value;
    else problems.push({ ...found.error, where: { ...found.error.where, part: `withSecretEnv ${name}` } });
  }
  return problems.length > 0 ? err(problems) : ok(values);
};

/** An app that uses storage or auth renders only where those layers' contracts exist. */
const missingContracts = (spec: AppSpec, context: RenderContext): Problems => [
  ...((spec.volumes.length > 0 || spec.postgres !== undefined) && context.storage === undefined
    ? [
        problem(
          { app: spec.name, part: "volumes" },
          "needs the storage contract, which this layer cannot read",
          "deploy the app in a layer after storage",
        ),
      ]
    : []),
  ...((spec.auth !== undefined || spec.oidc !== undefined) && context.auth === undefined
    ? [
        problem(
          { app: spec.name, part: spec.auth !== undefined ? "withAuth" : "withOidc" },
          "needs the auth contract, which this layer cannot read",
          "deploy the app in a layer after auth",
        ),
      ]
    : []),
];

/** The Secret of its secret env and the ConfigMap of its config files, each in the namespace. */
const configObjects = (
  spec: AppSpec,
  context: RenderContext,
  secretData: Record<string, Secret>,
  namespace: string,
): PlannedObject[] => {
  const n = names(spec);
  const metadata = (name: string) => ({ name, namespace: n.namespace, labels: commonLabels(spec, context) });
  const files = Object.fromEntries(
    spec.configFiles.map((file) => [file.path.split("/").pop() ?? "", file.content]),
  );
  const objects = [
    ...(spec.secretEnv.length > 0 ? [secretObject(metadata(n.secret), secretData)] : []),
    ...(spec.configFiles.length > 0 ? [configMapObject(metadata(n.configMap), files)] : []),
  ];
  return objects.map((object) => plannedObject(object, [namespace]));
};

/** Its volumes (an NFS PersistentVolume before its claim) and its Postgres Cluster: all hold data. */
const dataObjects = (spec: AppSpec, context: RenderContext, namespace: string): PlannedObject[] => {
  const storage = context.storage;
  if (storage === undefined) return [];
  const volume = (declared: Volume): PlannedObject[] => {
    const { volume: pv, claim } = appVolume(spec, declared, storage, context);
    const planned = pv === undefined ? [] : [plannedObject(pv, [], true)];
    return [...planned, plannedObject(claim, [namespace, ...planned.map((item) => item.id)], true)];
  };
  return [...spec.volumes.flatMap(volume), ...databaseObjects(spec, context, storage, namespace)];
};

/** Its Postgres Clusters (they hold data) and, when backed up, each one's ScheduledBackup after it. */
const databaseObjects = (
  spec: AppSpec,
  context: RenderContext,
  storage: StorageContract,
  namespace: string,
): PlannedObject[] => {
  const pg = spec.postgres;
  if (pg === undefined) return [];
  return appClusters(spec, pg, storage, context).flatMap((object) => {
    const cluster = plannedObject(object, [namespace], true);
    const schedule = appScheduledBackup(spec, object.metadata.name, storage, context);
    return pg.backup ? [cluster, plannedObject(schedule, [namespace, cluster.id])] : [cluster];
  });
};

/** Its ServiceAccount and the read-only ClusterRole bound to it. */
const accessObjects = (spec: AppSpec, context: RenderContext, namespace: string): PlannedObject[] => {
  if (spec.clusterRead === undefined) return [];
  const n = names(spec);
  const labels = commonLabels(spec, context);
  const account = plannedObject(serviceAccountObject(n.serviceAccount, n.namespace, labels), [namespace]);
  const rules = spec.clusterRead.map((rule) => ({ ...rule, verbs: ["get", "list", "watch"] }));
  const role = plannedObject(clusterRoleObject(n.clusterRole, rules, labels));
  const binding = plannedObject(
    clusterRoleBindingObject(
      n.clusterRole,
      n.clusterRole,
      { name: n.serviceAccount, namespace: n.namespace },
      labels,
    ),
    [account.id, role.id],
  );
  return [account, role, binding];
};

/**
 * What the Deployment waits for: what its pod mounts or reads (through a claim, not the volume
 * behind it) and the binding that lets its ServiceAccount read.
 */
const POD_NEEDS: ReadonlySet<string> = new Set([
  "Secret",
  "ConfigMap",
  "PersistentVolumeClaim",
  "Cluster",
  "ClusterRoleBinding",
]);

/** The Service and Ingresses of an app with a port; its Ingresses wait for its Deployment too. */
const routeObjects = (
  spec: AppSpec,
  context: RenderContext,
  namespace: string,
  deployment: string,
): PlannedObject[] => {
  if (spec.port === undefined) return [];
  const service = plannedObject(appService(spec, context), [namespace]);
  return [
    service,
    ...spec.exposures.map((exposure) =>
      plannedObject(appIngress(spec, exposure, context), [service.id, deployment]),
    ),
  ];
};

const renderObjects = (
  spec: AppSpec,
  context: RenderContext,
  secretData: Record<string, Secret>,
): PlannedObject[] => {
  // Removing an app that holds data must not delete its namespace (and with it the claims).
  const stateful = spec.volumes.length > 0 || spec.postgres !== undefined;
  const namespace = plannedObject(
    namespaceObject(names(spec).namespace, {
      labels: sharedLabels(spec, context),
      podSecurity: podSecurityLevel(spec),
    }),
    [],
    stateful,
  );
  const inputs = [
    ...configObjects(spec, context, secretData, namespace.id),
    ...dataObjects(spec, context, namespace.id),
    ...accessObjects(spec, context, namespace.id),
  ];
  const needs = inputs.filter((item) => POD_NEEDS.has(item.object.kind)).map((item) => item.id);
  const deployment = plannedObject(appDeployment(spec, context), [namespace.id, ...needs]);
  return [
    namespace,
    ...inputs,
    deployment,
    ...appLoadBalancer(spec, context).map((object) => plannedObject(object, [namespace.id])),
    ...routeObjects(spec, context, namespace.id, deployment.id),
  ];
};

/**
 * Every Kubernetes object of one app, in creation order. Fails (with the command to fix it) when
 * the app reads a secret the stack config does not hold, or needs a contract its layer cannot read.
 */
export const renderApp = (
  spec: AppSpec,
  context: RenderContext,
  secrets: AppSecrets,
): Result<PlannedObject[], Problem[]> => {
  const missing = missingContracts(spec, context);
  if (missing.length > 0) return err(missing);
  return secretValues(spec, secrets, context.layer ?? "apps").map((values) =>
    renderObjects(spec, context, values),
  );
};

/** Hostnames an app answers on, with exposure and whether Tinyauth guards them. */
export const appHosts = (spec: AppSpec, network: NetworkContract): string[] =>
  spec.exposures.map(
    (exposure) =>
      `${hostOf(exposure, network)} (${exposure.kind}, ${spec.auth ? "auth" : `no auth: ${exposure.noAuth ?? "private"}`})`,
  );
