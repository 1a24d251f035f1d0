/**
 * A readiness gate for a chart's admission webhook. Some charts report ready before their webhook
 * answers (MetalLB 0.16's readiness is a plain ping; cert-manager's CA is injected after its pods
 * start), and the Kubernetes provider does not retry a create the webhook refused. So the layer
 * runs a Job that dry-runs probe objects against the API server (through the webhook, nothing
 * stored) every few seconds until they are accepted (lib/k8s/webhookGateScript.ts). The provider
 * awaits a Job until it completes, so every custom resource planned after the gate meets a
 * serving webhook.
 *
 * A gate that gave up is fixed by running the same deploy again: the Job is marked
 * `pulumi.com/replaceUnready`, so the provider's Diff replaces a live Job that has not completed
 * (pulumi-kubernetes provider/pkg/provider/provider.go, Diff, Jobs only) instead of re-awaiting
 * the failed one, deleting it first because its name stays the same. A completed gate is left
 * alone, so a second deploy changes nothing.
 *
 * Probes are objects of the gated groups with names nothing else uses, so the gate can run again at
 * any time (a create of an existing name would fail for another reason).
 */

import {
  apiGroupOf,
  type CoreObject,
  type KubeObject,
  type PlannedObject,
  plannedObject,
} from "../core/plan.ts";
import {
  PULUMI_REPLACE_UNREADY,
  PULUMI_TIMEOUT_SECONDS,
  WEBHOOK_GATE_ANNOTATION,
  WEBHOOK_GATE_LABEL,
} from "./annotations.ts";
import { configMapObject } from "./config.ts";
import { namespaceId } from "./namespace.ts";
import { clusterRoleBindingObject, clusterRoleObject, serviceAccountObject } from "./rbac.ts";
import { collectionPath, gateScript, PROBES_DIR, pluralOf } from "./webhookGateScript.ts";
import { jobObject, type PodTemplate, podTemplate, stepContainer } from "./workload.ts";

/**
 * curl's official image (github.com/curl/curl-container): Alpine, so busybox's sh, date and sleep
 * run the retry loop. The kubectl image cannot: it is distroless, with no shell.
 */
export const CURL_IMAGE = "docker.io/curlimages/curl:8.21.0";

/**
 * The image's `curl_user` and `curl_group`, made by `adduser -S` / `addgroup -S` (curl-container
 * create_base_image.sh): busybox gives the first free system ids, 100 and 101 (Alpine's `users`
 * group holds 100). The image names its user, not its uid, so runAsNonRoot needs them numeric.
 */
const CURL_USER = 100;
const CURL_GROUP = 101;

/** Seconds between the gate's tries. */
export const WEBHOOK_GATE_INTERVAL_SECONDS = 5;

/** How long the gate tries before the deploy fails with its last refusal. */
export const WEBHOOK_GATE_WINDOW_SECONDS = 600;

/**
 * The Job's own deadline, a backstop only: the window plus time to pull the image and schedule
 * the pod (activeDeadlineSeconds counts from the Job's start, the script's window from its own).
 */
export const WEBHOOK_GATE_DEADLINE_SECONDS = WEBHOOK_GATE_WINDOW_SECONDS + 120;

/**
 * How long Pulumi awaits the Job (`pulumi.com/timeoutSeconds`; no customTimeouts are set, so it
 * replaces the provider's 10-minute Job default, await/job.go): past the deadline, so the Job
 * itself decides and its message is the one the deploy shows.
 */
export const WEBHOOK_GATE_AWAIT_SECONDS = WEBHOOK_GATE_DEADLINE_SECONDS + 60;

export interface WebhookGateOptions {
  /** Names the gate's objects: `<name>-webhook-gate`. */
  name: string;
  /** Where the Job runs; namespaced probes live here too (it exists before the gate). */
  namespace: string;
  /** The release whose webhook is gated, and anything else the probes need first. */
  after: readonly string[];
  probes: readonly KubeObject[];
}

/**
 * One JSON file per probe: curl posts a file as it is, JSON is the API server's native request
 * format (custom resources included), and JSON.stringify writes the object exactly.
 */
const probeFile = (index: number): string => `probe-${index}.json`;

/** The objects of one gate; the Job's id is the one custom resources wait for. */
export const webhookGate = (options: WebhookGateOptions): { job: string; objects: PlannedObject[] } => {
  const name = `${options.name}-webhook-gate`;
  const namespace = options.namespace;
  const groups = [...new Set(options.probes.map((probe) => apiGroupOf(probe)))];
  const home = namespaceId(namespace);
  const serviceAccount = plannedObject(serviceAccountObject(name, namespace), [home]);
  // A server-side dry run needs the same `create` permission as a real create.
  const role = plannedObject(
    clusterRoleObject(
      name,
      groups.map((group) => ({
        apiGroups: [group],
        resources: [...new Set(options.probes.filter((probe) => apiGroupOf(probe) === group).map(pluralOf))],
        verbs: ["create"],
      })),
    ),
    [],
  );
  const binding = plannedObject(clusterRoleBindingObject(name, name, { name, namespace }), [
    serviceAccount.id,
    role.id,
  ]);
  const probes = plannedObject(
    configMapObject(
      { name, namespace },
      Object.fromEntries(
        options.probes.map((probe, index) => [probeFile(index), `${JSON.stringify(probe, null, 2)}\n`]),
      ),
    ),
    [home],
  );
  const script = gateScript({
    gate: name,
    groups,
    probes: options.probes.map((probe, index) => ({ path: collectionPath(probe), file: probeFile(index) })),
    interval: WEBHOOK_GATE_INTERVAL_SECONDS,
    window: WEBHOOK_GATE_WINDOW_SECONDS,
  });
  const job = plannedObject(gateJob(name, namespace, groups, script), [
    ...options.after,
    serviceAccount.id,
    binding.id,
    probes.id,
  ]);
  return { job: job.id, objects: [serviceAccount, role, binding, probes, job] };
};

const gatePod = (name: string, script: string): PodTemplate =>
  podTemplate({
    // The gate label finds a gate's pod and its log: `kubectl logs -l homelab/webhook-gate`.
    labels: { "app.kubernetes.io/name": name, [WEBHOOK_GATE_LABEL]: name },
    serviceAccount: name,
    identity: { user: CURL_USER, group: CURL_GROUP },
    containers: [
      stepContainer({
        name: "dry-run",
        image: CURL_IMAGE,
        // `command` replaces the image's entrypoint (/entrypoint.sh, which runs curl by default).
        command: ["sh", "-c", script],
        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
        // curl and the script write nothing: the root filesystem stays read-only, with no scratch.
        volumeMounts: [{ name: "probes", mountPath: PROBES_DIR, readOnly: true }],
      }),
    ],
    volumes: [{ name: "probes", configMap: { name } }],
  });

const gateJob = (
  name: string,
  namespace: string,
  groups: readonly string[],
  script: string,
): CoreObject<"batch/v1/Job"> =>
  jobObject(
    {
      name,
      namespace,
      annotations: {
        [WEBHOOK_GATE_ANNOTATION]: groups.join(","),
        [PULUMI_REPLACE_UNREADY]: "true",
        [PULUMI_TIMEOUT_SECONDS]: String(WEBHOOK_GATE_AWAIT_SECONDS),
      },
    },
    {
      template: gatePod(name, script),
      // The script is the retry loop: a second pod would start its window over.
      restartPolicy: "Never",
      backoffLimit: 0,
      activeDeadlineSeconds: WEBHOOK_GATE_DEADLINE_SECONDS,
    },
  );
