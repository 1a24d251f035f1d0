/**
 * The OIDC client step of a layer: a Job, run once Pocket ID is ready, that makes Pocket ID hold
 * exactly the layer's declared clients and groups and writes each client's credentials into a
 * Secret beside the app that reads it (the program: ./script/, shipped verbatim in a ConfigMap and
 * run with Bun, lib/k8s/bunProgram.ts).
 * Each layer owns the clients whose id starts with its prefix (`homelab-<layer>-`), so the apps
 * layer removing an app's client never touches Tinyauth's. Every layer's Job runs in Pocket ID's
 * namespace, because a pod mounts only Secrets of its own namespace and the API key lives there; it
 * writes the client Secrets in the apps' namespaces through the API server, under a Role per namespace.
 *
 * Re-runs, as the webhook gate (lib/k8s/webhookGate.ts): the Job's name carries a hash of the
 * program and the declared state, so a deploy that changes either creates a new Job (and deletes the
 * old one), and one that changes nothing leaves the completed Job alone. A failed Job is marked
 * `pulumi.com/replaceUnready`, so the next deploy replaces it instead of re-awaiting it
 * (components.md section 12). The provider awaits a Job until it completes, so what is planned
 * after it (Tinyauth, the apps) starts with its Secret in place.
 */
import { createHash } from "node:crypto";
import type { Layer } from "../core/layerNames.ts";
import { type PlannedObject, plannedObject } from "../core/plan.ts";
import {
  OIDC_CLIENTS_ANNOTATION,
  PULUMI_REPLACE_UNREADY,
  PULUMI_TIMEOUT_SECONDS,
} from "../k8s/annotations.ts";
import { bunProgramPod, programFiles } from "../k8s/bunProgram.ts";
import { configMapObject } from "../k8s/config.ts";
import { layerLabels } from "../k8s/labels.ts";
import { namespaceId } from "../k8s/namespace.ts";
import { roleBindingObject, roleObject, serviceAccountObject } from "../k8s/rbac.ts";
import { jobObject } from "../k8s/workload.ts";
import type { DesiredClient, DesiredGroup, DesiredState } from "./script/pocketId.ts";

export { SECRET_KEYS } from "./script/step.ts";
export type { DesiredClient, DesiredState };

/** The program's files, as the Job runs them. */
const SCRIPT_FILES = programFiles(new URL("./script/", import.meta.url), ["step.ts", "pocketId.ts"]);

/** Where the pod mounts the ConfigMap (program and state: `/step`) and the Pocket ID API key. */
const STEP_FOLDER = "step";
const KEY_DIR = "/api-key";
export const STATE_FILE = "desired.json";
const SCRIPT_FILE = "step.ts";

/** The script waits up to 2 minutes for Pocket ID; this is the Job's backstop. */
const DEADLINE_SECONDS = 300;
/** Past the deadline, so the Job itself decides and its log is what the deploy points to. */
const AWAIT_SECONDS = DEADLINE_SECONDS + 60;

/** The key of Pocket ID's Secret (the auth contract's pocketIdApiKeySecret) holding its STATIC_API_KEY. */
export const API_KEY_SECRET_KEY = "static-api-key";

/** The client id prefix a layer's step owns. */
export const clientIdPrefix = (layer: Layer): string => `homelab-${layer}-`;

export interface OidcStepOptions {
  layer: Layer;
  /** Pocket ID's namespace: the Job runs there, beside the Secret that holds the API key. */
  namespace: string;
  /** Pocket ID inside the cluster. */
  pocketIdUrl: string;
  /** The Secret (in `namespace`) holding Pocket ID's STATIC_API_KEY under API_KEY_SECRET_KEY. */
  apiKeySecret: string;
  groups: readonly DesiredGroup[];
  clients: readonly DesiredClient[];
  /** What must be up first, when this layer plans it: Pocket ID's namespace and Deployment. */
  after: readonly string[];
}

const stepName = (layer: Layer): string => `oidc-clients-${layer}`;

export const desiredState = (options: OidcStepOptions): DesiredState => ({
  owner: clientIdPrefix(options.layer),
  pocketIdUrl: options.pocketIdUrl,
  labels: layerLabels(options.layer),
  groups: [...options.groups],
  clients: [...options.clients],
});

/** The Job's name: a new one whenever the program or the declared state changes. */
export const stepJobName = (layer: Layer, state: DesiredState): string =>
  `${stepName(layer)}-${createHash("sha256").update(JSON.stringify(SCRIPT_FILES)).update(JSON.stringify(state)).digest("hex").slice(0, 10)}`;

/**
 * In each namespace a client's Secret lives in: create Secrets (a create cannot name its object),
 * and read and replace only the declared ones.
 */
const secretAccess = (options: OidcStepOptions, account: { name: string; namespace: string }) => {
  const namespaces = [...new Set(options.clients.map((client) => client.secret.namespace))];
  return namespaces.flatMap((namespace) => {
    const clients = options.clients.filter((client) => client.secret.namespace === namespace);
    const metadata = { name: stepName(options.layer), namespace, labels: layerLabels(options.layer) };
    const role = plannedObject(
      roleObject(metadata, [
        { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
        {
          apiGroups: [""],
          resources: ["secrets"],
          verbs: ["get", "update"],
          resourceNames: clients.map((client) => client.secret.name),
        },
      ]),
      [namespaceId(namespace)],
    );
    const binding = plannedObject(roleBindingObject(metadata, metadata.name, account), [role.id]);
    return [role, binding];
  });
};

const stepPod = (options: OidcStepOptions, name: string) =>
  bunProgramPod({
    name,
    container: "reconcile",
    folder: STEP_FOLDER,
    entry: SCRIPT_FILE,
    args: [`/${STEP_FOLDER}/${STATE_FILE}`, `${KEY_DIR}/${API_KEY_SECRET_KEY}`],
    inputs: [
      {
        name: "api-key",
        mountPath: KEY_DIR,
        source: {
          secret: {
            secretName: options.apiKeySecret,
            items: [{ key: API_KEY_SECRET_KEY, path: API_KEY_SECRET_KEY }],
          },
        },
      },
    ],
  });

/** The step's objects; `job` is the id whatever reads a client's Secret waits for. */
export const oidcClientStep = (options: OidcStepOptions): { job: string; objects: PlannedObject[] } => {
  const name = stepName(options.layer);
  const { namespace } = options;
  const labels = layerLabels(options.layer);
  const state = desiredState(options);
  const account = plannedObject(serviceAccountObject(name, namespace, labels), options.after);
  const access = secretAccess(options, { name, namespace });
  const config = plannedObject(
    configMapObject(
      { name, namespace, labels, annotations: { [OIDC_CLIENTS_ANNOTATION]: STATE_FILE } },
      { ...SCRIPT_FILES, [STATE_FILE]: `${JSON.stringify(state, null, 2)}\n` },
    ),
    options.after,
  );
  const job = plannedObject(
    jobObject(
      {
        name: stepJobName(options.layer, state),
        namespace,
        labels,
        annotations: { [PULUMI_REPLACE_UNREADY]: "true", [PULUMI_TIMEOUT_SECONDS]: String(AWAIT_SECONDS) },
      },
      {
        template: stepPod(options, name),
        // The script retries what is worth retrying; a second pod would only repeat a refusal.
        restartPolicy: "Never",
        backoffLimit: 0,
        activeDeadlineSeconds: DEADLINE_SECONDS,
      },
    ),
    [...options.after, account.id, config.id, ...access.map((item) => item.id)],
  );
  return { job: job.id, objects: [account, ...access, config, job] };
};

/**
 * The Secrets (namespace/name) a workload's containers read through `env` secretKeyRef. Apps and
 * platform services render only Deployments and read Secrets only that way (withOidc,
 * withSecretEnv); a StatefulSet, CronJob or `envFrom` reader would need to be added here.
 */
const secretsReadBy = (item: PlannedObject): string[] => {
  const object = item.object;
  if (object.kind !== "Deployment") return [];
  const containers = (object as { spec?: { template?: { spec?: { containers?: unknown[] } } } }).spec
    ?.template?.spec?.containers;
  return (containers ?? []).flatMap((container) =>
    ((container as { env?: { valueFrom?: { secretKeyRef?: { name?: string } } }[] }).env ?? []).flatMap(
      (variable) => {
        const name = variable.valueFrom?.secretKeyRef?.name;
        return name === undefined ? [] : [`${object.metadata.namespace}/${name}`];
      },
    ),
  );
};

/** Every Deployment that reads a client's Secret waits for the step that writes it. */
export const readersWaitFor = (
  objects: readonly PlannedObject[],
  step: { job: string },
  clients: readonly DesiredClient[],
): PlannedObject[] => {
  const written = new Set(clients.map((client) => `${client.secret.namespace}/${client.secret.name}`));
  return objects.map((item) =>
    secretsReadBy(item).some((secret) => written.has(secret))
      ? { ...item, after: [...item.after, step.job] }
      : item,
  );
};

/** What a layer's step keeps in Pocket ID, for the render summary: each client with its callbacks. */
export const stepSummary = (options: OidcStepOptions): string[] => {
  const state = desiredState(options);
  return [
    `OIDC clients, made on deploy by Job ${options.namespace}/${stepJobName(options.layer, state)}:${state.clients.length === 0 ? " none" : ""}`,
    ...state.clients.map(
      (client) =>
        `  ${client.id}: callback ${client.callbackUrls.join(", ")}; ${client.groups.length > 0 ? `groups ${client.groups.join(", ")}` : "every Pocket ID user"}; credentials in Secret ${client.secret.namespace}/${client.secret.name}`,
    ),
    `Pocket ID groups made by this layer (never deleted): ${state.groups.length > 0 ? state.groups.map((group) => group.name).join(", ") : "none"}`,
  ];
};

/**
 * The clients an object declares, when it is a step's ConfigMap (the one reader of what the step
 * writes, for the preflight and the drawing); none for any other object.
 */
export const declaredClients = (object: {
  kind?: string;
  metadata: { annotations?: Record<string, string> };
}): DesiredClient[] => {
  const key = object.metadata.annotations?.[OIDC_CLIENTS_ANNOTATION];
  const text = key === undefined ? undefined : (object as { data?: Record<string, string> }).data?.[key];
  return object.kind !== "ConfigMap" || text === undefined ? [] : (JSON.parse(text) as DesiredState).clients;
};

/** The host of a callback URL, or undefined when it is not a URL (the preflight names it then). */
export const callbackHost = (url: string): string | undefined => {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
};
