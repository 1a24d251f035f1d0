/**
 * Renders a validated app spec and the upstream contracts into plain Kubernetes objects, built
 * only through the vocabulary (lib/k8s): a pure function, so the whole app can be checked
 * (reference integrity, kubernetes-models) before a single resource exists. Secret values stay
 * `Secret`s; the Pulumi edge wraps them. User apps and platform services render the same way.
 */
import { err, ok, type Result } from "neverthrow";
import type { Secret } from "../config/secret.ts";
import type { NetworkContract, StorageContract } from "../contracts.ts";
import { longhornClaim, nfsVolumePair } from "../k8s/claims.ts";
import { configMapObject, secretObject } from "../k8s/config.ts";
import { recurringJobGroupLabels } from "../k8s/longhorn.ts";
import { namespaceObject } from "../k8s/namespace.ts";
import { clusterRoleBindingObject, clusterRoleObject, serviceAccountObject } from "../k8s/rbac.ts";
import { CONTROL_PLANE_TOLERATION, type PodSecurityLevel, podSecurityLevelOf } from "../k8s/talos.ts";
import { type KubeObject, type PlannedObject, plannedObject } from "../plan.ts";
import { type Problem, problem } from "../problem.ts";
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
import { type AppSecrets, lookupSecret } from "./secrets.ts";
import type { AppSpec, Volume } from "./spec.ts";
import { POSTGRES_IMAGE } from "./versions.ts";

export { names, tinyauthAnnotation } from "./renderNames.ts";
export type { AppContracts, KubeObject, PlannedObject, RenderContext };

/** The strictest Pod Security level the app's pods satisfy; its namespace enforces exactly that. */
export const podSecurityLevel = (spec: AppSpec): PodSecurityLevel =>
  podSecurityLevelOf({
    runAsRoot: spec.runAsRoot !== undefined,
    addedCapabilities: spec.capabilities?.add ?? [],
    allowPrivilegeEscalation: spec.privilegeEscalation !== undefined,
  });

const jobGroups = (storage: StorageContract, backup: boolean): string[] =>
  backup ? [storage.trimJobGroup, storage.backupJobGroup] : [storage.trimJobGroup];

const volumeObjects = (
  spec: AppSpec,
  volume: Volume,
  storage: StorageContract,
  labels: Record<string, string>,
) =>
  volume.kind === "nfs"
    ? nfsVolumePair({
        volumeName: names(spec).persistentVolume(volume),
        claimName: names(spec).claim(volume),
        namespace: names(spec).namespace,
        labels,
        server: storage.nfsServer,
        path: volume.path,
        readOnly: volume.readOnly,
        size: volume.size,
      })
    : {
        volume: undefined,
        claim: longhornClaim({
          name: names(spec).claim(volume),
          namespace: names(spec).namespace,
          labels,
          storageClass: storage.longhornStorageClass,
          size: volume.size,
          jobGroups: jobGroups(storage, volume.backup),
        }),
      };

const clusterObject = (
  spec: AppSpec,
  storage: StorageContract,
  context: RenderContext,
): KubeObject | undefined => {
  const pg = spec.postgres;
  if (!pg) return undefined;
  return {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: {
      name: names(spec).cluster,
      namespace: names(spec).namespace,
      labels: commonLabels(spec, context),
    },
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
        labels: {
          "app.kubernetes.io/part-of": spec.name,
          ...recurringJobGroupLabels(jobGroups(storage, pg.backup)),
        },
      },
    },
  };
};

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
    const found = lookupSecret(secrets, spec.name, key);
    if (found.isOk()) values[key] = found.value;
    else
      problems.push(
        problem(
          { app: spec.name, part: `withSecretEnv ${name}` },
          `the ${layer} stack config has no secret app_secrets.${spec.name}.${key}`,
          `set it: ${found.error}`,
        ),
      );
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
  ...(spec.auth !== undefined && context.auth === undefined
    ? [
        problem(
          { app: spec.name, part: "withAuth" },
          "needs the auth contract, which this layer cannot read",
          "deploy the app in a layer after auth",
        ),
      ]
    : []),
];

/** Collects planned objects: each with its id, what it waits for, and whether it holds data. */
const collector = () => {
  const objects: PlannedObject[] = [];
  const push = (object: KubeObject, after: readonly string[] = [], stateful = false): string => {
    const planned = plannedObject(object, after, stateful);
    objects.push(planned);
    return planned.id;
  };
  return { objects, push };
};

const accessObjects = (
  spec: AppSpec,
  context: RenderContext,
  push: ReturnType<typeof collector>["push"],
  namespace: string,
) => {
  if (spec.clusterRead === undefined) return [];
  const n = names(spec);
  const labels = commonLabels(spec, context);
  const account = push(serviceAccountObject(n.serviceAccount, n.namespace, labels), [namespace]);
  const rules = spec.clusterRead.map((rule) => ({ ...rule, verbs: ["get", "list", "watch"] }));
  const role = push(clusterRoleObject(n.clusterRole, rules, labels));
  const binding = push(
    clusterRoleBindingObject(
      n.clusterRole,
      n.clusterRole,
      { name: n.serviceAccount, namespace: n.namespace },
      labels,
    ),
    [account, role],
  );
  return [binding];
};

const podInputs = (
  spec: AppSpec,
  context: RenderContext,
  secretData: Record<string, Secret>,
  push: ReturnType<typeof collector>["push"],
  namespace: string,
): string[] => {
  const n = names(spec);
  const labels = commonLabels(spec, context);
  const inNamespace = [namespace];
  const needs: string[] = [namespace];
  if (spec.secretEnv.length > 0)
    needs.push(
      push(secretObject({ name: n.secret, namespace: n.namespace, labels }, secretData), inNamespace),
    );
  if (spec.configFiles.length > 0) {
    const data = Object.fromEntries(
      spec.configFiles.map((file) => [file.path.split("/").pop() ?? "", file.content]),
    );
    needs.push(
      push(configMapObject({ name: n.configMap, namespace: n.namespace, labels }, data), inNamespace),
    );
  }
  const storage = context.storage;
  if (storage === undefined) return needs;
  for (const volume of spec.volumes) {
    const { volume: pv, claim } = volumeObjects(spec, volume, storage, labels);
    const pvId = pv === undefined ? [] : [push(pv, [], true)];
    needs.push(push(claim, [namespace, ...pvId], true));
  }
  const cluster = clusterObject(spec, storage, context);
  if (cluster) needs.push(push(cluster, inNamespace, true));
  return needs;
};

const renderObjects = (
  spec: AppSpec,
  context: RenderContext,
  secretData: Record<string, Secret>,
): PlannedObject[] => {
  const { objects, push } = collector();
  // Removing an app that holds data must not delete its namespace (and with it the claims).
  const stateful = spec.volumes.length > 0 || spec.postgres !== undefined;
  const namespace = push(
    namespaceObject(names(spec).namespace, {
      labels: sharedLabels(spec, context),
      podSecurity: podSecurityLevel(spec),
    }),
    [],
    stateful,
  );
  const needs = [
    ...podInputs(spec, context, secretData, push, namespace),
    ...accessObjects(spec, context, push, namespace),
  ];
  const deployment = push(appDeployment(spec, context), needs);
  for (const object of appLoadBalancer(spec, context)) push(object, [namespace]);
  if (spec.port !== undefined) {
    const service = push(appService(spec, context), [namespace]);
    for (const exposure of spec.exposures) push(appIngress(spec, exposure, context), [service, deployment]);
  }
  return objects;
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
